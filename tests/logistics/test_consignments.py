"""Stock, dispatch, receipt with seal checks, discrepancies, frozen receipts, custody and retrieval."""

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.logistics import services
from electoral.logistics.models import CustodyEvent, Discrepancy
from tests.factories import make_centre, make_district, make_user, user_called
from tests.logistics.factories import (
    full_receipt,
    make_item,
    make_warehouse,
    packed_consignment,
    stocked_warehouse,
)


def test_stock_on_hand_counts_receipts_less_dispatches(db):
    item = make_item()
    warehouse = stocked_warehouse(item, 500)
    consignment = packed_consignment(origin=warehouse, item=item, quantity=120)
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    assert services.on_hand(db.session, warehouse) == {item.id: 380}


def test_received_serial_range_must_match_the_quantity(db):
    ballots = make_item(serialised=True)
    with pytest.raises(ValidationFailed) as failure:
        services.receive_stock(db.session, make_warehouse(), ballots, 100, 1, 50, user=user_called("dispatcher"))
    assert "are 50 numbers, not 100" in failure.value.errors["serial_to"][0]


def test_numbered_item_needs_its_serial_range(db):
    ballots = make_item(serialised=True, name="Ballots")
    with pytest.raises(ValidationFailed) as failure:
        services.receive_stock(db.session, make_warehouse(), ballots, 100, user=user_called("dispatcher"))
    assert "Ballots is numbered" in failure.value.errors["serial_from"][0]


def test_dispatch_refuses_more_than_the_warehouse_holds(db):
    item = make_item(name="Lamps")
    consignment = packed_consignment(origin=stocked_warehouse(item, 10), item=item, quantity=11)
    with pytest.raises(ValidationFailed) as failure:
        services.dispatch(db.session, consignment, user_called("dispatcher"))
    assert "Only 10 Lamps on hand" in str(failure.value)


def test_dispatch_needs_seals_vehicle_and_driver(db):
    item = make_item()
    consignment = services.create_consignment(db.session, stocked_warehouse(item), make_centre(), user=user_called("dispatcher"))
    services.add_line(db.session, consignment, item, 5)
    with pytest.raises(ValidationFailed) as failure:
        services.dispatch(db.session, consignment, user_called("dispatcher"))
    assert "seal numbers" in str(failure.value) and "vehicle and the driver" in str(failure.value)


def test_receipt_in_full_raises_no_discrepancy(db):
    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    assert services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper")) == []
    assert consignment.status == "received"


def test_broken_seal_on_receipt_raises_an_open_discrepancy(db):
    consignment = packed_consignment(seals=("SL-001", "SL-002"))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-002": "broken"}), user_called("storekeeper"))
    assert (problem.kind, problem.seal_number, problem.status) == ("broken_seal", "SL-002", "open")
    assert services.describe(problem) == "Seal SL-002 is broken."


def test_seal_not_on_the_packing_list_is_a_wrong_seal(db):
    consignment = packed_consignment(seals=("SL-001",))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    receipt = full_receipt(consignment)
    receipt.other_seals.append("SL-999")
    [problem] = services.receive(db.session, consignment, receipt, user_called("storekeeper"))
    assert (problem.kind, problem.seal_number) == ("wrong_seal", "SL-999")


def test_short_count_is_a_shortage_with_both_figures(db):
    consignment = packed_consignment(quantity=100)
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    receipt = full_receipt(consignment)
    receipt.counts[consignment.lines[0].id] = 98
    [problem] = services.receive(db.session, consignment, receipt, user_called("storekeeper"))
    assert (problem.kind, problem.expected, problem.found) == ("shortage", 100, 98)


def test_every_seal_must_be_checked_on_receipt(db):
    consignment = packed_consignment(seals=("SL-001", "SL-002"))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    receipt = full_receipt(consignment)
    receipt.seal_states.pop(consignment.seals[1].id)
    with pytest.raises(ValidationFailed) as failure:
        services.receive(db.session, consignment, receipt, user_called("storekeeper"))
    assert "SL-002" in failure.value.errors["seals"][0]


def test_received_consignment_refuses_edits(db):
    item = make_item()
    consignment = packed_consignment(item=item)
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    for change in (lambda: services.add_line(db.session, consignment, item, 1),
                   lambda: services.add_seals(db.session, consignment, ["SL-777"]),
                   lambda: services.update_details(db.session, consignment, "X", "Y"),
                   lambda: services.remove_line(db.session, consignment.lines[0]),
                   lambda: services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))):
        with pytest.raises(ValidationFailed) as failure:
            change()
        assert "was received and cannot be changed" in str(failure.value)


def test_received_consignment_is_corrected_by_a_new_custody_entry(db):
    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    services.receive(db.session, consignment, full_receipt(consignment), user_called("storekeeper"))
    services.record_correction(db.session, consignment, "Driver's name is Moses Kollie Jr.", user_called("storekeeper"))
    kinds = [e.kind for e in db.session.scalars(db.select(CustodyEvent).order_by(CustodyEvent.id))]
    assert kinds == ["dispatched", "received", "corrected"]


def test_custody_events_cannot_be_altered(db):
    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    event = db.session.scalar(db.select(CustodyEvent))
    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_custody_history_of_a_seal_shows_every_hand(db):
    hub = make_warehouse("hub", code="HUB-1", name="Hub")
    item = make_item()
    first = packed_consignment(origin=stocked_warehouse(item), destination=hub, item=item, seals=("SL-500",))
    services.dispatch(db.session, first, user_called("dispatcher"))
    services.receive(db.session, first, full_receipt(first), user_called("storekeeper"))
    # The same sealed container goes on from the hub to a centre, where the seal is found broken.
    second = packed_consignment(origin=hub, item=item, quantity=50, seals=("SL-500",))
    services.dispatch(db.session, second, user_called("dispatcher"))
    services.receive(db.session, second, full_receipt(second, **{"SL-500": "broken"}), user_called("storekeeper"))
    history = services.history(db.session, "sl-500")
    assert [(e.kind, e.consignment) for e in history] == [
        ("dispatched", first.code), ("received", first.code),
        ("dispatched", second.code), ("received", second.code), ("discrepancy", second.code)]
    assert history[1].place.startswith("HUB-1")
    assert "Moses Kollie" in history[0].note


def _received_with_findings(db):
    """SL-001 intact, SL-002 broken, SL-999999 found though never listed, and lamps short."""
    ballots = make_item(serialised=True, name="Ballots")
    lamps = make_item(code="LAMPS", name="Lamps")
    consignment = packed_consignment(origin=stocked_warehouse(ballots, 1000, serial_from=1001, serial_to=2000),
                                     item=ballots, quantity=100, serial_from=1101, serial_to=1200)
    services.receive_stock(db.session, consignment.origin, lamps, 50, user=user_called("dispatcher"))
    services.add_line(db.session, consignment, lamps, 10)
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    receipt = full_receipt(consignment, **{"SL-002": "broken"})
    receipt.counts[consignment.lines[1].id] = 8
    receipt.other_seals.append("sl-999999")
    problems = services.receive(db.session, consignment, receipt, user_called("storekeeper"))
    services.resolve(db.session, next(p for p in problems if p.seal_number == "SL-002"),
                     make_user(Role.LOGISTICS_OFFICER), "Resealed in the presence of the driver.")
    return consignment


def test_one_discrepancy_is_recorded_in_the_singular(db):
    consignment = packed_consignment()
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    services.receive(db.session, consignment, full_receipt(consignment, **{"SL-001": "missing"}), user_called("storekeeper"))
    [received] = [e for e in services.history(db.session, "SL-002") if e.kind == "received"]
    assert received.note == "1 discrepancy recorded."


def _events(history):
    return [(e.kind, e.subject, e.note) for e in history]


def test_custody_history_of_a_listed_intact_seal_holds_only_its_own_events(db):
    consignment = _received_with_findings(db)
    assert _events(services.history(db.session, "SL-001")) == [
        ("dispatched", "seal SL-001", f"Vehicle LBR-4411, driver Moses Kollie, to "
                                      f"{services.place_label(consignment.destination)}; seal SL-001."),
        ("received", "seal SL-001", "3 discrepancies recorded."),
    ]


def test_custody_history_of_a_broken_seal_holds_its_finding_and_resolution_only(db):
    _received_with_findings(db)
    history = services.history(db.session, "SL-002")
    assert [(e.kind, e.subject) for e in history] == [
        ("dispatched", "seal SL-002"), ("received", "seal SL-002"),
        ("discrepancy", "seal SL-002"), ("resolved", "seal SL-002")]
    assert history[0].note.endswith("; seal SL-002.")
    assert history[2].note == "Seal SL-002 is broken."
    assert history[3].note == "Seal SL-002 is broken. Resealed in the presence of the driver."


def test_custody_history_of_an_unlisted_seal_starts_at_the_receipt_that_found_it(db):
    consignment = _received_with_findings(db)
    history = services.history(db.session, "SL-999999")
    assert [(e.kind, e.consignment) for e in history] == [
        ("received", consignment.code), ("discrepancy", consignment.code)]
    assert history[1].note == "Seal SL-999999 was found but is not on the packing list."
    assert not [e for e in history if "SL-001" in e.note or "SL-002" in e.note]


def test_custody_history_of_a_serial_leaves_out_the_seals_and_other_items(db):
    _received_with_findings(db)
    history = services.history(db.session, "1150")
    assert [e.kind for e in history] == ["stock", "dispatched", "received"]
    assert "SL-00" not in history[1].note and "Lamps" not in " ".join(e.note for e in history)


def test_custody_history_of_an_item_holds_its_own_shortage_and_no_seal(db):
    _received_with_findings(db)
    history = services.history(db.session, "lamps")
    assert [(e.kind, e.subject) for e in history] == [
        ("dispatched", "Lamps"), ("received", "Lamps"), ("discrepancy", "Lamps")]
    assert history[2].note == "Shortage. Lamps: 10 sent, 8 received."
    assert not [e for e in history if "SL-" in e.note]


def test_custody_history_of_a_ballot_serial_inside_a_range(db):
    ballots = make_item(serialised=True, name="Ballots")
    warehouse = stocked_warehouse(ballots, 1000, serial_from=1001, serial_to=2000)
    consignment = packed_consignment(origin=warehouse, item=ballots, quantity=100, serial_from=1101,
                                     serial_to=1200)
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    history = services.history(db.session, "1150")
    assert [e.kind for e in history] == ["stock", "dispatched"]
    assert history[1].subject == "Ballots 1101–1200"
    assert [e.kind for e in services.history(db.session, "1050")] == ["stock"]


def test_only_a_supervisor_resolves_a_discrepancy(db):
    district = make_district()
    consignment = packed_consignment(destination=make_centre(district))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-001": "missing"}), user_called("storekeeper"))
    with pytest.raises(ValidationFailed):
        services.resolve(db.session, problem, make_user(Role.LOGISTICS_OFFICER, scope=district), "found it")
    services.resolve(db.session, problem, make_user(Role.LOGISTICS_OFFICER), "Seal found in the cab.")
    assert problem.status == "resolved"
    assert db.session.scalar(db.select(db.func.count()).select_from(Discrepancy).where(
        Discrepancy.status == "open")) == 0


def test_the_receiver_and_the_resolver_recorded_are_the_users_the_duty_was_checked_for(db):
    district = make_district()
    consignment = packed_consignment(destination=make_centre(district))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    receiver, supervisor = make_user(Role.LOGISTICS_OFFICER, scope=district), make_user(Role.LOGISTICS_OFFICER)
    [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-001": "missing"}),
                                 user=receiver)
    services.resolve(db.session, problem, supervisor, "Seal found in the cab.")
    assert (problem.recorded_by, problem.resolved_by) == (receiver.username, supervisor.username)


def test_district_officer_cannot_receive_for_another_district(db):
    consignment = packed_consignment(destination=make_centre(make_district()))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    officer = make_user(Role.LOGISTICS_OFFICER, scope=make_district())
    with pytest.raises(ValidationFailed, match="outside your area"):
        services.receive(db.session, consignment, full_receipt(consignment), user=officer)


def test_district_officer_cannot_start_a_consignment_from_another_district(db):
    own, other = make_district(), make_district()
    officer = make_user(Role.LOGISTICS_OFFICER, scope=own)
    with pytest.raises(ValidationFailed, match="outside your area"):
        services.create_consignment(db.session, make_warehouse("district", other), make_centre(other), user=officer)
    started = services.create_consignment(db.session, make_warehouse("district", own), make_centre(own), user=officer)
    assert started.status == "draft"


def test_retrieval_reconciles_returns_against_what_was_sent(db):
    ballots = make_item(name="Ballots", sensitive=True)
    ink = make_item(name="Ink", sensitive=True, returnable=False)
    store = make_warehouse("district")
    centre = make_centre(store.district)
    out = services.create_consignment(db.session, stocked_warehouse(ballots, 1000), centre, vehicle="V", driver="D", user=user_called("dispatcher"))
    services.add_line(db.session, out, ballots, 650)
    services.add_seals(db.session, out, ["SL-1"])
    services.dispatch(db.session, out, user_called("dispatcher"))
    services.receive(db.session, out, full_receipt(out), user_called("storekeeper"))
    back = services.create_consignment(db.session, centre, store, kind="return", vehicle="V", driver="D", user=user_called("dispatcher"))
    services.add_line(db.session, back, ballots, 412, condition="used")
    services.add_line(db.session, back, ballots, 230, condition="unused")
    services.add_seals(db.session, back, ["SL-2"])
    services.dispatch(db.session, back, user_called("dispatcher"))
    [row] = services.reconcile(db.session, centre)
    assert (row.name, row.sent, row.returned, row.missing, row.balanced) == (
        "Ballots", 650, {"used": 412, "unused": 230}, 8, False)
    assert ink.returnable is False


def test_returned_event_marks_the_dispatch_of_a_return(db):
    item = make_item()
    centre = make_centre()
    back = services.create_consignment(db.session, centre, make_warehouse(), kind="return", vehicle="V", driver="D", user=user_called("dispatcher"))
    services.add_line(db.session, back, item, 5, condition="used")
    services.add_seals(db.session, back, ["SL-9"])
    services.dispatch(db.session, back, user_called("dispatcher"))
    assert [e.kind for e in services.history(db.session, "SL-9")] == ["returned"]


def test_custody_history_of_an_item_code_lists_its_consignments(db):
    item = make_item(code="STAMP", name="Stamp")
    consignment = packed_consignment(item=item)
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    [entry] = services.history(db.session, "stamp")
    assert (entry.kind, entry.consignment, entry.subject) == ("dispatched", consignment.code, "Stamp")


def test_ballot_serials_that_never_arrived_cannot_leave_the_warehouse(db):
    ballots = make_item(serialised=True, name="Ballots")
    warehouse = stocked_warehouse(ballots, 1000, serial_from=1001, serial_to=2000)
    consignment = services.create_consignment(db.session, warehouse, make_centre(), user=user_called("dispatcher"))
    with pytest.raises(ValidationFailed) as failure:
        services.add_line(db.session, consignment, ballots, 100, 1951, 2050)
    assert "never arrived at" in failure.value.errors["serial_from"][0]


def test_ballot_serials_cannot_leave_twice(db):
    ballots = make_item(serialised=True, name="Ballots")
    warehouse = stocked_warehouse(ballots, 1000, serial_from=1001, serial_to=2000)
    first = packed_consignment(origin=warehouse, item=ballots, quantity=100, serial_from=1001, serial_to=1100)
    services.dispatch(db.session, first, user_called("dispatcher"))
    second = services.create_consignment(db.session, warehouse, make_centre(), user=user_called("dispatcher"))
    with pytest.raises(ValidationFailed) as failure:
        services.add_line(db.session, second, ballots, 100, 1051, 1150)
    assert f"already on consignment {first.code}" in failure.value.errors["serial_from"][0]


def test_numbered_item_leaves_a_warehouse_only_with_its_serials(db):
    ballots = make_item(serialised=True, name="Ballots")
    consignment = services.create_consignment(db.session, stocked_warehouse(ballots, 100, serial_from=1,
                                                                             serial_to=100), make_centre(), user=user_called("dispatcher"))
    with pytest.raises(ValidationFailed, match="Ballots is numbered"):
        services.add_line(db.session, consignment, ballots, 10)


def test_district_officer_lists_what_leaves_and_what_reaches_the_district(db):
    district = make_district()
    store = make_warehouse("district", area=district)
    inbound = packed_consignment(destination=make_centre(district))
    outbound = services.create_consignment(db.session, store, make_warehouse("hub"), kind="outbound", user=user_called("dispatcher"))
    packed_consignment(destination=make_centre())  # elsewhere
    listed = db.session.scalars(services.consignments_query(district)).all()
    assert {c.code for c in listed} == {inbound.code, outbound.code}

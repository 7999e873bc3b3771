"""The custody history of a seal number, a ballot serial or an item, and retrieval reconciliation."""

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from electoral.core.params import bounded_int
from electoral.geography.models import PollingCentre
from electoral.logistics import labels
from electoral.logistics.models import (
    Consignment,
    ConsignmentLine,
    ConsignmentSeal,
    CustodyEvent,
    Discrepancy,
    Item,
    StockReceipt,
)
from electoral.logistics.services.consignments import dispatch_note


def event_label(kind: str) -> str:
    return labels.EVENT.label(kind)


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    kind: str
    place: str
    who: str
    consignment: str
    note: str
    subject: str  # what matched: the seal number, or the item and its serial range


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _consignment_events(session: Session, consignment_ids: dict[int, str]) -> list[HistoryEntry]:
    if not consignment_ids:
        return []
    rows = session.execute(select(CustodyEvent, Consignment.code).join(Consignment).where(
        CustodyEvent.consignment_id.in_(list(consignment_ids))).order_by(CustodyEvent.at, CustodyEvent.id))
    return [HistoryEntry(_aware(e.at), e.kind, e.place, e.username, code, e.note, consignment_ids[e.consignment_id])
            for e, code in rows]


def history_of_consignment(session: Session, consignment: Consignment) -> list[HistoryEntry]:
    """The custody events of one consignment, oldest first."""
    return _consignment_events(session, {consignment.id: consignment.code})


@dataclass(frozen=True)
class _Trail:
    """How a reference travelled in one consignment, and so which of its events are about it."""

    subject: str
    listed: bool  # on the packing list; False for a seal found on receipt but never listed
    seal: str | None = None
    item_id: int | None = None


def _is_about(event: CustodyEvent, trail: _Trail) -> bool:
    if event.kind in ("discrepancy", "resolved"):
        problem = event.discrepancy
        if problem is None:  # recorded before events named their discrepancy
            return event.seal_number == trail.seal if trail.seal else event.seal_number is None
        return (trail.seal is not None and problem.seal_number == trail.seal) or (
            trail.item_id is not None and problem.item_id == trail.item_id)
    # A seal that was never on the packing list did not leave with the consignment:
    # its history starts at the receipt that found it.
    return trail.listed or event.kind == "received"


def _trail_events(session: Session, trails: dict[int, _Trail]) -> list[HistoryEntry]:
    """The events of these consignments that are about each one's reference, each naming only it."""
    if not trails:
        return []
    rows = session.execute(select(CustodyEvent, Consignment).join(Consignment).where(
        CustodyEvent.consignment_id.in_(list(trails))).order_by(CustodyEvent.at, CustodyEvent.id))
    entries = []
    for event, consignment in rows:
        trail = trails[event.consignment_id]
        if not _is_about(event, trail):
            continue
        note = event.note
        if event.kind in ("dispatched", "returned"):
            # The stored note lists every seal of the consignment; name only this one.
            note = dispatch_note(consignment, [trail.seal] if trail.seal else [])
        entries.append(HistoryEntry(_aware(event.at), event.kind, event.place, event.username, consignment.code,
                                    note, trail.subject))
    return entries


def history(session: Session, reference: str) -> list[HistoryEntry]:
    """Every hand a seal number, a ballot serial or an item passed through, oldest first.

    A seal number matches the seals of consignments and seals reported on receipt;
    a whole number also matches every serial range (of any numbered item) holding it;
    an item code matches every consignment that carried the item. Each event is the
    reference's own: another seal's or item's findings in the same consignment are left out.
    """
    reference = (reference or "").strip().upper()
    if not reference:
        return []
    trails: dict[int, _Trail] = {}
    seal = _("seal %(number)s", number=reference)
    for (cid,) in session.execute(select(ConsignmentSeal.consignment_id).where(ConsignmentSeal.number == reference)):
        trails[cid] = _Trail(seal, listed=True, seal=reference)
    for (cid,) in session.execute(select(Discrepancy.consignment_id).where(
            Discrepancy.seal_number == reference, Discrepancy.kind == "wrong_seal")):
        trails.setdefault(cid, _Trail(seal, listed=False, seal=reference))
    item = session.scalar(select(Item).where(Item.code == reference))
    if item is not None:
        for (cid,) in session.execute(select(ConsignmentLine.consignment_id).where(ConsignmentLine.item_id == item.id)):
            trails.setdefault(cid, _Trail(item.name, listed=True, item_id=item.id))
    entries: list[HistoryEntry] = []
    if (serial := bounded_int(reference)) is not None:
        lines = session.execute(select(ConsignmentLine, Item.name).join(Item).where(
            ConsignmentLine.serial_from <= serial, ConsignmentLine.serial_to >= serial))
        for line, name in lines:
            trails.setdefault(line.consignment_id, _Trail(
                _("%(item)s %(first)s–%(last)s", item=name, first=line.serial_from, last=line.serial_to),
                listed=True, item_id=line.item_id))
        receipts = session.scalars(select(StockReceipt).where(StockReceipt.serial_from <= serial,
                                                              StockReceipt.serial_to >= serial))
        for receipt in receipts:
            entries.append(HistoryEntry(
                _aware(receipt.received_at), "stock", f"{receipt.warehouse.code} {receipt.warehouse.name}",
                receipt.received_by, "", receipt.supplier,
                _("%(item)s %(first)s–%(last)s", item=receipt.item.name, first=receipt.serial_from,
                  last=receipt.serial_to)))
    entries.extend(_trail_events(session, trails))
    return sorted(entries, key=lambda e: e.at)


def seals_sent_to_centre(session: Session, centre_id: int) -> set[str]:
    """Every seal number logistics dispatched to the centre (outbound consignments that left the warehouse):
    the seals a station's bag may come back to the tally centre with."""
    return set(session.scalars(select(ConsignmentSeal.number).join(Consignment).where(
        Consignment.kind == "outbound", Consignment.destination_centre_id == centre_id,
        Consignment.status.in_(("dispatched", "received")))))


# ---- retrieval -----------------------------------------------------------

@dataclass(frozen=True)
class Reconciliation:
    code: str
    name: str
    sent: int
    returned: dict[str, int]  # by condition (used, unused, spoilt, "" when not given)

    @property
    def returned_total(self) -> int:
        return sum(self.returned.values())

    @property
    def missing(self) -> int:
        return self.sent - self.returned_total

    @property
    def balanced(self) -> bool:
        return self.missing == 0


def received_at_centre(session: Session, centre_id: int) -> dict[int, int]:
    """What the centre confirmed receiving, item id by item id, over every outbound consignment."""
    return {item_id: int(quantity or 0) for item_id, quantity in session.execute(
        select(ConsignmentLine.item_id, func.sum(func.coalesce(ConsignmentLine.received_quantity, 0)))
        .join(Consignment).where(Consignment.kind == "outbound", Consignment.destination_centre_id == centre_id,
                                 Consignment.status == "received")
        .group_by(ConsignmentLine.item_id))}


def reconcile(session: Session, centre: PollingCentre) -> list[Reconciliation]:
    """Returnable materials sent to a centre against what came back from it, item by item.

    Sent counts what the centre confirmed receiving; returned counts what the
    receiving store confirmed, or what was packed while the return is on its way.
    """
    sent = received_at_centre(session, centre.id)
    returned: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(ConsignmentLine.item_id, ConsignmentLine.condition,
               func.sum(func.coalesce(ConsignmentLine.received_quantity, ConsignmentLine.quantity)))
        .join(Consignment).where(Consignment.kind == "return", Consignment.origin_centre_id == centre.id,
                                 Consignment.status != "draft")
        .group_by(ConsignmentLine.item_id, ConsignmentLine.condition))
    for item_id, condition, qty in rows:
        returned.setdefault(item_id, {})[condition or ""] = int(qty or 0)
    ids = set(sent) | set(returned)
    items = session.scalars(select(Item).where(Item.id.in_(list(ids)), or_(Item.returnable.is_(True),
                                                                           Item.id.in_(list(returned))))
                            .order_by(Item.code)) if ids else []
    return [Reconciliation(i.code, i.name, int(sent.get(i.id, 0)), returned.get(i.id, {})) for i in items]

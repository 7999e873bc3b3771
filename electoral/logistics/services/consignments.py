"""Consignments: where they go, packing, seals and dispatch (receipt and discrepancies: receipt.py)."""

import uuid

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography.models import PollingCentre
from electoral.logistics.models import (
    Consignment,
    ConsignmentLine,
    ConsignmentSeal,
    CustodyEvent,
    Discrepancy,
    Item,
    StockReceipt,
    Warehouse,
)
from electoral.logistics.services.stock import on_hand

Place = Warehouse | PollingCentre


def place_label(place: Place | None) -> str:
    return f"{place.code} {place.name}" if place is not None else ""


def place_area(place: Place):
    """The area whose officers act for a place (None: the central warehouse, national officers only)."""
    return place.area if isinstance(place, Warehouse) else place


def destination_area(consignment: Consignment):
    return place_area(consignment.destination)


def may_act_for(user, place: Place) -> bool:
    """A user may dispatch from or receive at a place inside their scope (national users: anywhere)."""
    if user.scope is None:
        return True
    area = place_area(place)
    return area is not None and user.can_act_in(area)


def is_supervisor(user) -> bool:
    """Administrators and logistics officers with national scope resolve discrepancies."""
    roles = user.roles
    return Role.ADMINISTRATOR in roles or (Role.LOGISTICS_OFFICER in roles and user.scope is None)


def _district_of(place: Place):
    if isinstance(place, PollingCentre):
        return place.district
    return place.district


def find_consignment(session: Session, code: str) -> Consignment | None:
    return session.scalar(select(Consignment).where(Consignment.code == (code or "").strip().upper()))


def consignments_query(scope=None, status: str = "", kind: str = "") -> Select:
    """Consignments, newest first; a scoped user sees those leaving or reaching their area."""
    query = select(Consignment).order_by(Consignment.id.desc())
    if status:
        query = query.where(Consignment.status == status)
    if kind:
        query = query.where(Consignment.kind == kind)
    if scope is not None:
        from electoral.geography.models import District

        district_ids = [scope.id] if isinstance(scope, District) else (
            [d.id for d in scope.districts] if hasattr(scope, "districts") else [scope.district_id])
        query = query.where(Consignment.destination_district_id.in_(district_ids)
                            | Consignment.origin_district_id.in_(district_ids))
    return query


def create_consignment(session: Session, origin: Place, destination: Place, kind: str = "outbound",
                       vehicle: str = "", driver: str = "", *, user: User) -> Consignment:
    """``user`` starts a consignment (a draft) from one place to the next; they must act for the origin."""
    errors: dict[str, list[str]] = {}
    if origin is None:
        errors["origin"] = [_("No warehouse or polling centre has that code.")]
    elif not may_act_for(user, origin):
        raise ValidationFailed({"origin": [_("%(code)s is outside your area.", code=origin.code)]})
    if destination is None:
        errors["destination"] = [_("No warehouse or polling centre has that code.")]
    if origin is not None and origin is destination:
        errors["destination"] = [_("A consignment goes to another place than where it starts.")]
    if kind not in ("outbound", "return"):
        errors["kind"] = [_("Choose outbound or return.")]
    elif kind == "return" and not isinstance(origin, PollingCentre):
        errors["origin"] = [_("Materials return from a polling centre.")]
    if errors:
        raise ValidationFailed(errors)
    consignment = Consignment(code=uuid.uuid4().hex[:20], kind=kind, vehicle=(vehicle or "").strip(),
                              driver=(driver or "").strip(),
                              created_by=user.username)
    for role, place in (("origin", origin), ("destination", destination)):
        setattr(consignment, f"{role}_{'warehouse' if isinstance(place, Warehouse) else 'centre'}", place)
    for role, place in (("origin", origin), ("destination", destination)):
        district = _district_of(place)
        setattr(consignment, f"{role}_district_id", district.id if district is not None else None)
    session.add(consignment)
    session.flush()
    consignment.code = f"CN-{consignment.id:06d}"
    session.flush()
    return consignment


def require_draft(consignment: Consignment) -> None:
    if consignment.status == "received":
        raise ValidationFailed(_("Consignment %(code)s was received and cannot be changed; record a "
                                 "correction instead.", code=consignment.code))
    if consignment.status == "dispatched":
        raise ValidationFailed(_("Consignment %(code)s is on its way and cannot be changed.",
                                 code=consignment.code))


def update_details(session: Session, consignment: Consignment, vehicle: str, driver: str) -> None:
    """Change the vehicle and driver of a consignment still being packed."""
    require_draft(consignment)
    consignment.vehicle, consignment.driver = (vehicle or "").strip(), (driver or "").strip()
    session.flush()


def serial_range_problem(quantity: int | None, serial_from: int | None, serial_to: int | None) -> str | None:
    """What is wrong with a serial range given for ``quantity`` numbered units, or None."""
    if (serial_from is None) != (serial_to is None):
        return _("Give both the first and the last serial number, or neither.")
    if serial_from is not None and quantity and serial_to - serial_from + 1 != quantity:
        return _("Serials %(first)s to %(last)s are %(count)s numbers, not %(quantity)s.",
                 first=serial_from, last=serial_to, count=serial_to - serial_from + 1, quantity=quantity)
    return None


def add_line(session: Session, consignment: Consignment, item: Item | None, quantity: int,
             serial_from: int | None = None, serial_to: int | None = None,
             condition: str | None = None) -> ConsignmentLine:
    """Put a quantity of an item (with its serial range, if numbered) on the packing list."""
    require_draft(consignment)
    errors: dict[str, list[str]] = {}
    if item is None:
        errors["item_code"] = [_("No item has that code.")]
    if quantity is None or quantity < 1:
        errors["quantity"] = [_("Give a quantity of at least 1.")]
    if problem := serial_range_problem(quantity, serial_from, serial_to):
        errors["serial_to"] = [problem]
    if condition and consignment.kind != "return":
        errors["condition"] = [_("Only returned materials are marked used, unused or spoilt.")]
    if not errors and isinstance(consignment.origin, Warehouse):
        problem = _serial_problem(session, consignment, item, serial_from, serial_to)
        if problem:
            errors["serial_from"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    line = ConsignmentLine(consignment=consignment, item=item, quantity=quantity, serial_from=serial_from,
                           serial_to=serial_to, condition=condition or None)
    session.add(line)
    session.flush()
    return line


def _serial_problem(session: Session, consignment: Consignment, item: Item, first: int | None,
                    last: int | None) -> str | None:
    """Why a serial range cannot leave the origin warehouse, or None.

    A numbered item leaves a warehouse only with a range that arrived there (from a
    supplier or a received consignment) and has not left it already.
    """
    warehouse = consignment.origin
    if first is None:
        return _("%(item)s is numbered: give the serial range.", item=item.name) if item.serialised else None
    arrived = list(session.execute(
        select(StockReceipt.serial_from, StockReceipt.serial_to).where(
            StockReceipt.warehouse_id == warehouse.id, StockReceipt.item_id == item.id,
            StockReceipt.serial_from.is_not(None))
        .union_all(select(ConsignmentLine.serial_from, ConsignmentLine.serial_to).join(Consignment).where(
            Consignment.destination_warehouse_id == warehouse.id, Consignment.status == "received",
            ConsignmentLine.item_id == item.id, ConsignmentLine.serial_from.is_not(None)))))
    if not any(low <= first and last <= high for low, high in arrived):
        return _("Serials %(first)s to %(last)s of %(item)s never arrived at %(place)s.",
                 first=first, last=last, item=item.name, place=warehouse.code)
    gone = session.scalar(select(Consignment.code).join(ConsignmentLine).where(
        Consignment.origin_warehouse_id == warehouse.id, ConsignmentLine.item_id == item.id,
        (Consignment.status != "draft") | (Consignment.id == consignment.id),
        ConsignmentLine.serial_from <= last, ConsignmentLine.serial_to >= first).limit(1))
    if gone is not None:
        return _("Some of serials %(first)s to %(last)s are already on consignment %(code)s.",
                 first=first, last=last, code=gone)
    return None


def remove_line(session: Session, line: ConsignmentLine) -> None:
    require_draft(line.consignment)
    session.delete(line)
    session.flush()


def add_seals(session: Session, consignment: Consignment, numbers: list[str]) -> list[ConsignmentSeal]:
    """Record the seal numbers of the consignment's containers."""
    require_draft(consignment)
    known = {s.number for s in consignment.seals}
    cleaned = [n.strip().upper() for n in numbers if n and n.strip()]
    repeated = sorted({n for n in cleaned if n in known or cleaned.count(n) > 1})
    if not cleaned:
        raise ValidationFailed({"seals": [_("Give at least one seal number.")]})
    if repeated:
        raise ValidationFailed({"seals": [_("Seal numbers listed twice: %(numbers)s.", numbers=", ".join(repeated))]})
    seals = [ConsignmentSeal(consignment=consignment, number=n) for n in cleaned]
    session.add_all(seals)
    session.flush()
    return seals


def remove_seal(session: Session, seal: ConsignmentSeal) -> None:
    require_draft(seal.consignment)
    session.delete(seal)
    session.flush()


def record_event(session: Session, consignment: Consignment, kind: str, place, user: User, note: str = "",
                 seal_number: str | None = None, discrepancy: Discrepancy | None = None) -> CustodyEvent:
    """A step of the consignment's custody history, taken by ``user`` at ``place``."""
    event = CustodyEvent(consignment=consignment, kind=kind, username=user.username,
                         place=place_label(place) if not isinstance(place, str) else place,
                         note=note[:500], seal_number=seal_number, discrepancy=discrepancy)
    session.add(event)
    return event


def lock_row(session: Session, row) -> None:
    """Wait for other transactions changing ``row``, then hold it and read it afresh."""
    session.flush()
    session.refresh(row, with_for_update=True)


def dispatch(session: Session, consignment: Consignment, user: User) -> None:
    """``user`` hands the consignment to its driver: packing list, seals, vehicle and driver must be complete."""
    # The same consignment dispatched twice at once leaves once; two leaving one store at once
    # take turns, so the second sees what the first took and the stock never goes below zero.
    lock_row(session, consignment)
    if isinstance(consignment.origin, Warehouse):
        lock_row(session, consignment.origin)
    require_draft(consignment)
    errors = []
    if not consignment.lines:
        errors.append(_("The packing list is empty."))
    if not consignment.seals:
        errors.append(_("Record the seal numbers of the containers."))
    if not consignment.vehicle or not consignment.driver:
        errors.append(_("Give the vehicle and the driver."))
    if isinstance(consignment.origin, Warehouse):
        held = on_hand(session, consignment.origin)
        wanted: dict[int, int] = {}
        for line in consignment.lines:
            wanted[line.item_id] = wanted.get(line.item_id, 0) + line.quantity
        for line in consignment.lines:
            if wanted.get(line.item_id, 0) > held.get(line.item_id, 0):
                errors.append(_("Only %(held)s %(item)s on hand at %(place)s.", held=held.get(line.item_id, 0),
                                item=line.item.name, place=consignment.origin.code))
                wanted.pop(line.item_id)
    if errors:
        raise ValidationFailed({"": errors})
    consignment.status = "dispatched"
    consignment.dispatched_by = user.username
    consignment.dispatched_at = utcnow()
    record_event(session, consignment, "returned" if consignment.kind == "return" else "dispatched",
           consignment.origin, user, dispatch_note(consignment, [s.number for s in consignment.seals]))
    session.flush()


def dispatch_note(consignment: Consignment, seals: list[str]) -> str:
    """The hand-over to the driver in words, naming the given seals (none: the seals are not the subject)."""
    values = {"vehicle": consignment.vehicle, "driver": consignment.driver,
              "destination": place_label(consignment.destination)}
    if not seals:
        return _("Vehicle %(vehicle)s, driver %(driver)s, to %(destination)s.", **values)
    return ngettext("Vehicle %(vehicle)s, driver %(driver)s, to %(destination)s; seal %(seals)s.",
                    "Vehicle %(vehicle)s, driver %(driver)s, to %(destination)s; seals %(seals)s.",
                    len(seals), seals=", ".join(seals), **values)

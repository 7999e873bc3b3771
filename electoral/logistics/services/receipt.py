"""Receipt of a consignment item by item and seal by seal, the discrepancies it records, their resolution,
and corrections to the custody history."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import duties
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.logistics.models import (
    SEAL_STATES,
    Consignment,
    CustodyEvent,
    Discrepancy,
)
from electoral.logistics.services.consignments import (
    consignments_query,
    is_supervisor,
    lock_row,
    may_act_for,
    place_label,
    record_event,
    require_draft,
)


@dataclass
class Receipt:
    """What the receiver found: units per line id, state per seal id, seal numbers not on the list."""

    counts: dict[int, int]
    seal_states: dict[int, str]
    other_seals: list[str]


def receive(session: Session, consignment: Consignment, receipt: Receipt, user: User) -> list[Discrepancy]:
    """``user`` confirms receipt item by item and seal by seal; every difference becomes an open discrepancy."""
    # Two storekeepers confirming at once: the second waits here and then finds it received.
    lock_row(session, consignment)
    if consignment.status != "dispatched":
        require_draft(consignment)
        raise ValidationFailed(_("Consignment %(code)s has not been dispatched yet.", code=consignment.code))
    if not may_act_for(user, consignment.destination):
        raise ValidationFailed(_("Consignment %(code)s is bound for a place outside your area.",
                                 code=consignment.code))
    duties.require_other("logistics_dispatch_receive", [consignment.dispatched_by], user.username)
    errors: dict[str, list[str]] = {}
    for line in consignment.lines:
        count = receipt.counts.get(line.id)
        if count is None or count < 0:
            errors.setdefault("counts", []).append(_("Count the %(item)s received.", item=line.item.name))
    for seal in consignment.seals:
        if receipt.seal_states.get(seal.id) not in SEAL_STATES:
            errors.setdefault("seals", []).append(_("Say whether seal %(number)s is intact, broken or missing.",
                                                    number=seal.number))
    if errors:
        raise ValidationFailed(errors)
    # The person recorded is the one the duty was checked for.
    username = user.username
    found: list[Discrepancy] = []

    def discrepancy(kind: str, **values) -> None:
        found.append(Discrepancy(consignment=consignment, kind=kind, recorded_by=username, **values))

    for line in consignment.lines:
        line.received_quantity = receipt.counts[line.id]
        if line.received_quantity != line.quantity:
            discrepancy("shortage" if line.received_quantity < line.quantity else "surplus", item=line.item,
                        expected=line.quantity, found=line.received_quantity)
    for seal in consignment.seals:
        seal.state = receipt.seal_states[seal.id]
        if seal.state != "intact":
            discrepancy(f"{seal.state}_seal", seal_number=seal.number)
    listed = {s.number for s in consignment.seals}
    for number in {n.strip().upper() for n in receipt.other_seals if n and n.strip()} - listed:
        discrepancy("wrong_seal", seal_number=number)
    consignment.status = "received"
    consignment.received_by = username
    consignment.received_at = utcnow()
    record_event(session, consignment, "received", consignment.destination, user,
           ngettext("%(num)s discrepancy recorded.", "%(num)s discrepancies recorded.", len(found))
           if found else _("Received in full."))
    for problem in found:
        session.add(problem)
        record_event(session, consignment, "discrepancy", consignment.destination, user, describe(problem),
               seal_number=problem.seal_number, discrepancy=problem)
    session.flush()
    return found


def describe(problem: Discrepancy) -> str:
    """A discrepancy in words."""
    if problem.kind in ("shortage", "surplus"):
        text = _("%(item)s: %(expected)s sent, %(found)s received.", item=problem.item.name,
                 expected=problem.expected, found=problem.found)
        return (_("Shortage.") if problem.kind == "shortage" else _("Surplus.")) + " " + text
    return {"broken_seal": _("Seal %(number)s is broken."),
            "missing_seal": _("Seal %(number)s is missing."),
            "wrong_seal": _("Seal %(number)s was found but is not on the packing list.")}[problem.kind] % {
        "number": problem.seal_number}


def resolve(session: Session, problem: Discrepancy, user: User, resolution: str) -> None:
    """Close a discrepancy: supervisors only, with the reason in words."""
    if not is_supervisor(user):
        raise ValidationFailed(_("Only a national logistics officer or an administrator resolves discrepancies."))
    if problem.status != "open":
        raise ValidationFailed(_("This discrepancy is already resolved."))
    # The person who found a shortage does not write it off.
    duties.require_other("logistics_record_resolve", [problem.recorded_by], user.username)
    if not (resolution or "").strip():
        raise ValidationFailed({"resolution": [_("Say how it was resolved.")]})
    problem.status, problem.resolution = "resolved", resolution.strip()
    problem.resolved_by, problem.resolved_at = user.username, utcnow()
    record_event(session, problem.consignment, "resolved", place_label(problem.consignment.destination), user,
           describe(problem) + " " + problem.resolution, seal_number=problem.seal_number, discrepancy=problem)
    session.flush()


def record_correction(session: Session, consignment: Consignment, note: str, user: User) -> CustodyEvent:
    """``user`` corrects a received consignment by a new entry in its custody history (never by editing it)."""
    if consignment.status != "received":
        raise ValidationFailed(_("Only a received consignment is corrected this way; change the draft instead."))
    if not (note or "").strip():
        raise ValidationFailed({"note": [_("Say what is corrected.")]})
    event = record_event(session, consignment, "corrected", consignment.destination, user, note.strip())
    session.flush()
    return event


def open_discrepancies_query(scope=None) -> Select:
    query = select(Discrepancy).where(Discrepancy.status == "open").order_by(Discrepancy.id)
    if scope is not None:
        query = query.join(Consignment).where(Consignment.id.in_(consignments_query(scope).with_only_columns(
            Consignment.id).order_by(None)))
    return query


def count_open(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Discrepancy).where(Discrepancy.status == "open"))

"""Edits of approved records: changing what an approval covered returns it to pending.

An approval vouches for certain facts of a record (an accreditation for the person's
name, sex, organisation and photo; a "not a duplicate" decision for the two voters'
identities). Once those facts change, the approval no longer vouches for what the
record says: a renamed observer kept their accreditation, and the public check showed
the new name as accredited. The rule is enforced at flush, so every path that writes
(a form, an import, a photo upload, a CLI command, the API) is held to it; the audit
trail records the reopening with the edit, in the same transaction.

``APPROVALS`` is the one table of approved-record kinds; tests/core/test_approvals.py
walks every entry. Kinds considered and left out, and why:

- Tally sheets (results): an accepted sheet's figures are entries, never edited; a
  correction is a new entry that sends the sheet back through the checks, and
  certification closes the area's sheets to entry (results services).
- Checklists (observation): a published version cannot change; editing makes a new
  draft version (services/checklists.py).
- Consignments (logistics): lines and seals change only while draft; after dispatch
  only receipt, discrepancies and recorded corrections (services/receipt.py).
- Roll cases (registration): a decided claim or objection is a record of a decision
  on the roll, applied when taken; a later change to the voter is a new case.
- Staff assignments (logistics): deployable officials are read at assignment from
  training's certified_officials, whose certificate rule is in this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event, inspect, or_, select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed


@dataclass(frozen=True)
class Approval:
    """One kind of approved record: the record whose fields it covers, and what an edit of them does."""

    kind: str
    model: Callable[[], type]  # the edited record's class, imported late (domains import core)
    covers: tuple[str, ...]  # attribute names; a relationship and its foreign key both count
    # Whether the record, as it was before this flush, stands approved (or underlies an approval).
    approved: Callable[[Session, Any], bool]
    # Return the approval to pending, or refuse (raise ValidationFailed) where there is no pending state.
    reopen: Callable[[Session, Any, list[str]], None]
    why: str


def _was(obj, attribute: str):
    """The attribute's value before this flush's changes (loaded if expired)."""
    history = inspect(obj).attrs[attribute].history
    if history.has_changes():
        return history.deleted[0] if history.deleted else None
    return getattr(obj, attribute)


def _changed(obj, names: tuple[str, ...]) -> list[str]:
    attrs = inspect(obj).attrs
    return [name for name in names if name in attrs and attrs[name].history.has_changes()]


# ---- observers: accreditation ----------------------------------------------------------

def _observer():
    from electoral.observation.models import Observer

    return Observer


def _observer_approved(session: Session, observer) -> bool:
    return not _changed(observer, ("accreditation",)) and _was(observer, "accreditation") == "approved"


def _observer_reopen(session: Session, observer, changed: list[str]) -> None:
    from electoral.core import audit
    from electoral.core.models import utcnow

    # Back to the commission as a request made by whoever edited: segregation of duties
    # (core/duties.py) then keeps that person from approving their own edit. The number
    # is kept, so a re-approved badge carries the same one.
    observer.accreditation = "requested"
    observer.requested_at, observer.requested_by = utcnow(), audit.current_actor().username
    observer.decided_at = observer.decided_by = None
    observer.refusal_reason = None


# ---- voters: "not a duplicate" decisions -------------------------------------------------

def _voter():
    from electoral.registration.models import Voter

    return Voter


def _pairs_decided_apart(session: Session, voter):
    from electoral.registration.models import DuplicatePair

    with session.no_autoflush:
        return list(session.scalars(select(DuplicatePair).where(
            DuplicatePair.status == "not_duplicate",
            or_(DuplicatePair.voter_a_id == voter.id, DuplicatePair.voter_b_id == voter.id))))


def _voter_approved(session: Session, voter) -> bool:
    return voter.id is not None and bool(_pairs_decided_apart(session, voter))


def _voter_reopen(session: Session, voter, changed: list[str]) -> None:
    # The supervisor judged two identities different; one changed, so the judgement is open again.
    for pair in _pairs_decided_apart(session, voter):
        pair.status, pair.decided_by, pair.decided_at = "open", None, None
        with session.no_autoflush:
            for either in (pair.voter_a, pair.voter_b):
                if either.status == "active":
                    either.status = "possible_duplicate"  # as when the pair was first found


# ---- officials: training certificates ----------------------------------------------------

def _official():
    from electoral.training.models import Official

    return Official


def _official_certified(session: Session, official) -> bool:
    from electoral.training.models import Certificate

    if official.id is None:
        return False
    with session.no_autoflush:
        return session.scalar(select(Certificate.id).where(
            Certificate.official_id == official.id, Certificate.valid).limit(1)) is not None


def _official_refuse(session: Session, official, changed: list[str]) -> None:
    # A certificate has no pending state: it is issued from the session's attendance and
    # scores, once per enrolment. Its public page shows the official's name, so an identity
    # edit under a valid certificate is refused; a correction goes through revoking it,
    # which is recorded with its reason.
    raise ValidationFailed({"full_name": [_(
        "%(name)s holds a valid training certificate, which carries the name and recruitment number. "
        "Revoke the certificate (with the reason) before correcting them.",
        name=_was(official, "full_name") or official.full_name)]})


APPROVALS: tuple[Approval, ...] = (
    Approval("observer accreditation", _observer,
             ("family_name", "given_names", "sex", "organisation", "organisation_id", "photo_path"),
             _observer_approved, _observer_reopen,
             "the badge and the public check show the name, sex, organisation and photo the commission "
             "approved; phone, languages and deployment are not part of it"),
    Approval("not-a-duplicate decision", _voter,
             ("family_name", "given_names", "father_name", "sex", "date_of_birth", "id_number"),
             _voter_approved, _voter_reopen,
             "the supervisor compared these facts of the two records"),
    Approval("training certificate", _official,
             ("reference", "full_name"),
             _official_certified, _official_refuse,
             "the certificate prints the name and recruitment number and its public page shows the name; "
             "sex and date of birth appear on neither, and the position is the certificate's own"),
)


@event.listens_for(Session, "before_flush")
def _reopen_edited_approvals(session: Session, flush_context, instances) -> None:
    if not session.dirty:
        return
    for approval in APPROVALS:
        model = approval.model()
        for obj in list(session.dirty):
            if not isinstance(obj, model):
                continue
            changed = _changed(obj, approval.covers)
            if changed and approval.approved(session, obj):
                approval.reopen(session, obj, changed)

"""Changes to the roll after registration: exhibition claims and objections, removals, transfers."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import dates, duties
from electoral.core.errors import ValidationFailed
from electoral.geography import services as geography
from electoral.geography.models import PollingCentre
from electoral.registration import labels
from electoral.registration.models import (
    OBJECTION_GROUNDS,
    REMOVAL_REASONS,
    RollCase,
    RollChange,
    Voter,
)
from electoral.registration.services import election

# What an upheld objection removes a voter for.
GROUND_REMOVAL = {"deceased": "deceased", "under_age": "under_age", "not_citizen": "not_citizen",
                  "registered_twice": "duplicate"}
# Only these reasons may still change the frozen roll.
FROZEN_REMOVALS = {"deceased", "court_order", "duplicate"}
CORRECTABLE = ("family_name", "given_names", "father_name", "date_of_birth", "place_of_birth", "sex")
# A removal reason's and an objection ground's words are registration/labels.py's (with every other state's):
# the voter's page, the lists, the forms' choices and the command line read them through these names.
REMOVAL_LABELS = labels.REMOVAL_REASON
GROUND_LABELS = labels.GROUND
# A supervisor removes for these on the voter's page ("objection" is set by an upheld objection only).
REMOVABLE_BY_HAND = ("deceased", "court_order", "duplicate", "under_age", "not_citizen")
# The fields a claim carries, named as on the registration form (never by their code).
DETAIL_LABELS = {"family_name": _l("Family name"), "given_names": _l("Given names"),
                 "father_name": _l("Father's name"), "sex": _l("Sex"), "date_of_birth": _l("Date of birth"),
                 "place_of_birth": _l("Place of birth"), "id_type": _l("Document type"),
                 "id_number": _l("Document number")}


def remove(session: Session, voter: Voter, reason: str, user: User, kept: Voter | None = None,
           note: str = "") -> Voter:
    """``user`` takes a voter off the roll (never deleted): status removed, with the reason and any kept record."""
    if reason not in REMOVAL_REASONS:
        raise ValidationFailed({"reason": [_("Unknown reason for removal.")]})
    if voter.status == "removed":
        raise ValidationFailed(_("Voter %(number)s is already removed.", number=voter.voter_number))
    frozen = election.is_frozen(session)
    if frozen and reason not in FROZEN_REMOVALS:
        raise ValidationFailed(_("The roll is frozen: a voter can only be removed as deceased, by court "
                                 "order or as a duplicate."))
    voter.status, voter.removal_reason = "removed", reason
    voter.kept_voter_id = kept.id if kept else None
    voter.station_id = None
    if frozen:
        session.add(RollChange(voter_id=voter.id, kind="removal", reason=f"{reason}: {note}".strip(": "),
                               made_by=user.username))
    session.flush()
    return voter


def transfer(session: Session, voter: Voter, centre: PollingCentre, reason: str, user: User) -> Voter:
    """``user`` moves a voter to another polling centre, with the reason recorded."""
    if not reason.strip():
        raise ValidationFailed({"reason": [_("Give the reason for the transfer.")]})
    if voter.status == "removed":
        raise ValidationFailed(_("A removed voter cannot be transferred."))
    voter.centre_id, voter.station_id = centre.id, None
    session.add(RollChange(voter_id=voter.id, kind="transfer", reason=reason.strip(), made_by=user.username))
    session.flush()
    return voter


def _require_exhibition(session: Session, today: date | None) -> None:
    if not election.in_exhibition(session, today):
        raise ValidationFailed(_("Claims and objections are recorded only during the exhibition period."))


def lodge_objection(session: Session, voter: Voter, ground: str, evidence: str, user: User,
                    today: date | None = None) -> RollCase:
    """Record an objection to a listed voter, lodged by ``user``."""
    _require_exhibition(session, today)
    errors = {}
    if ground not in OBJECTION_GROUNDS:
        errors["ground"] = [_("Choose the ground of the objection.")]
    if not evidence.strip():
        errors["evidence"] = [_("Describe the evidence.")]
    if voter.status == "removed":
        errors[""] = [_("Voter %(number)s is not on the roll.", number=voter.voter_number)]
    if errors:
        raise ValidationFailed(errors)
    case = RollCase(kind="objection", voter_id=voter.id, centre_id=voter.centre_id, ground=ground,
                    evidence=evidence.strip(), lodged_by=user.username, details={})
    session.add(case)
    session.flush()
    return case


def lodge_correction(session: Session, voter: Voter, changes: dict[str, str], evidence: str, user: User,
                     today: date | None = None) -> RollCase:
    """Record a claim, lodged by ``user``, to correct a listed voter's name, date or place of birth."""
    _require_exhibition(session, today)
    changes = {k: v for k, v in changes.items() if k in CORRECTABLE and v not in (None, "")}
    errors = {}
    if not changes:
        errors[""] = [_("Enter at least one corrected value.")]
    if not evidence.strip():
        errors["evidence"] = [_("Describe the evidence.")]
    if errors:
        raise ValidationFailed(errors)
    case = RollCase(kind="correction", voter_id=voter.id, centre_id=voter.centre_id, details=changes,
                    evidence=evidence.strip(), lodged_by=user.username)
    session.add(case)
    session.flush()
    return case


def lodge_inclusion(session: Session, centre: PollingCentre, person: dict, evidence: str, user: User,
                    today: date | None = None) -> RollCase:
    """Record a claim, lodged by ``user``, by a person missing from the list; ``person``: the registration fields."""
    _require_exhibition(session, today)
    if not evidence.strip():
        raise ValidationFailed({"evidence": [_("Describe the evidence.")]})
    case = RollCase(kind="inclusion", centre_id=centre.id, details=person, evidence=evidence.strip(),
                    lodged_by=user.username)
    session.add(case)
    session.flush()
    return case


def decide_case(session: Session, case: RollCase, upheld: bool, reason: str, user: User) -> RollCase:
    """The supervisor's (``user``'s) decision; an upheld case changes the roll (audited like every change)."""
    if case.status != "open":
        raise ValidationFailed(_("This case was already decided."))
    duties.require_other("registration_lodge_decide", [case.lodged_by], user.username)
    if not reason.strip():
        raise ValidationFailed({"reason": [_("Give the reason for the decision.")]})
    if election.is_frozen(session):
        raise ValidationFailed(_("The roll is frozen."))
    if upheld:
        if case.kind == "objection":
            remove(session, case.voter, GROUND_REMOVAL[case.ground], user, note=reason)
        elif case.kind == "correction":
            _apply_correction(case.voter, case.details)
        else:
            _include(session, case, user)
    case.status = "upheld" if upheld else "rejected"
    case.decision_reason, case.decided_by = reason.strip(), user.username
    session.flush()
    return case


def _apply_correction(voter: Voter, details: dict) -> None:
    from electoral.registration.services import dedup
    from electoral.registration.services.voters import sort_key

    for name, value in details.items():
        if name == "date_of_birth":  # ISO, or the year alone when only it is known
            voter.date_of_birth, voter.birth_year_only = dates.parse(value, year_only=True)
            voter.birth_year = voter.date_of_birth.year
        else:
            setattr(voter, name, value)
    voter.key_names, voter.key_given, voter.key_family, voter.key_last = dedup.keys(voter.given_names, voter.family_name, voter.sex)
    voter.sort_key = sort_key(voter.family_name, voter.given_names)


def _include(session: Session, case: RollCase, user: User) -> None:
    from electoral.registration.services.voters import Registration, register

    fields = dict(case.details)
    data = Registration(
        family_name=fields["family_name"], given_names=fields["given_names"], sex=fields["sex"],
        date_of_birth=date.fromisoformat(fields["date_of_birth"]), centre=case.centre,
        id_type=fields["id_type"], id_number=fields.get("id_number"), father_name=fields.get("father_name"),
        birth_year_only=bool(fields.get("birth_year_only")), place_of_birth=fields.get("place_of_birth"),
    )
    voter = register(session, data, user, save_as_duplicate=True, in_period=False)
    case.voter_id = voter.id


def cases_query(status: str = "open", centre: PollingCentre | None = None, scope=None):
    """Cases by status, at one centre or inside a user's scope (a region, district or centre)."""
    query = select(RollCase).order_by(RollCase.lodged_at, RollCase.id)
    if status:
        query = query.where(RollCase.status == status)
    if centre is not None:
        query = query.where(RollCase.centre_id == centre.id)
    if scope is not None:
        query = query.where(RollCase.centre_id.in_(geography.ids_within(PollingCentre, scope)))
    return query

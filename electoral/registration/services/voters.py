"""Registering a voter: eligibility, the duplicate check, the number, the photo."""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import stored_files
from electoral.core.errors import ValidationFailed
from electoral.extensions import INSTANCE_PATH
from electoral.geography.models import PollingCentre
from electoral.registration.models import ATTESTATION, SEXES, DuplicatePair, Voter
from electoral.registration.services import dedup, election, evidence, numbers
from electoral.registration.services.names import display_fold

# Someone who knows only their year of birth is recorded as born on 1 July of it, the
# middle of the year; ``birth_year_only`` keeps the fact that the day is unknown.
YEAR_ONLY_DAY = (7, 1)
PHOTO_SIZE = (400, 500)


@dataclass
class Registration:
    """What a clerk enters for one person (a form, an import row, an upheld claim)."""

    family_name: str
    given_names: str
    sex: str
    date_of_birth: date
    centre: PollingCentre
    id_type: str
    id_number: str | None = None
    father_name: str | None = None
    birth_year_only: bool = False
    place_of_birth: str | None = None
    attesting_numbers: list[str] = field(default_factory=list)
    phone: str | None = None
    photo: bytes | None = None

    def person(self) -> dedup.Person:
        return dedup.Person(None, self.family_name, self.given_names, self.father_name or None, self.sex,
                            self.date_of_birth, self.birth_year_only, self.place_of_birth or None,
                            self.id_type, self.id_number or None)


class PossibleDuplicates(Exception):
    """The person may already be on the roll; the clerk decides whether to save anyway."""

    def __init__(self, matches: list[dedup.Match]):
        self.matches = matches
        super().__init__(f"{len(matches)} possible duplicates")


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_eligibility(session: Session, data: Registration, user: User, today: date | None = None) -> None:
    """Raise ValidationFailed with every rule the registration, by ``user`` (in their area), breaks."""
    settings = election.require(session)
    today = today or date.today()
    errors: dict[str, list[str]] = {}
    if not data.family_name.strip():
        errors["family_name"] = [_("Enter the family name.")]
    if not data.given_names.strip():
        errors["given_names"] = [_("Enter the given names.")]
    if data.sex not in SEXES:
        errors["sex"] = [_("Choose the sex.")]
    if data.date_of_birth > today:
        errors["date_of_birth"] = [_("The date of birth is in the future.")]
    elif age_on(data.date_of_birth, settings.polling_day) < settings.minimum_age:
        errors["date_of_birth"] = [_("Not eligible: %(age)d years old on polling day (%(day)s); the minimum is %(min)d.",
                                     age=age_on(data.date_of_birth, settings.polling_day),
                                     day=settings.polling_day.isoformat(), min=settings.minimum_age)]
    elif age_on(data.date_of_birth, today) > 120:
        errors["date_of_birth"] = [_("Check the date of birth: the person would be over 120.")]
    if not user.can_act_in(data.centre):
        errors["centre_code"] = [_("Polling centre %(code)s is outside your area.", code=data.centre.code)]
    rule = evidence.Resolver.of(session).rules.get(data.id_type)
    if rule is None:
        errors["id_type"] = [_("Choose the identity evidence.")]
    elif data.id_type == ATTESTATION:
        errors.update(_check_attestation(session, data.attesting_numbers))
    elif not (data.id_number or "").strip():
        if rule.number_required:
            errors["id_number"] = [_("Enter the number of the identity document.")]
    elif problem := rule.number_problem(data.id_number):
        errors["id_number"] = [problem]
    if errors:
        raise ValidationFailed(errors)


def _check_attestation(session: Session, attesting: list[str]) -> dict[str, list[str]]:
    cleaned = [numbers.clean(n) for n in attesting if n and n.strip()]
    if len(set(cleaned)) != 2:
        return {"attesting_numbers": [_("An attestation needs the voter numbers of two different registered voters.")]}
    problems = []
    for number in cleaned:
        if not numbers.is_valid(number):
            problems.append(_("%(number)s is not a valid voter number (check digits do not agree).", number=number))
            continue
        status = session.scalar(select(Voter.status).where(Voter.voter_number == number))
        if status is None:
            problems.append(_("No voter has the number %(number)s.", number=number))
        elif status != "active":
            problems.append(_("Voter %(number)s is not on the roll and cannot attest.", number=number))
    return {"attesting_numbers": problems} if problems else {}


def register(session: Session, data: Registration, user: User,
             save_as_duplicate: bool = False, today: date | None = None, in_period: bool = True) -> Voter:
    """Put a person on the roll, registered by ``user``, after the eligibility rules and the duplicate check.

    The centre must be in ``user``'s area. Raises PossibleDuplicates when likely matches
    exist and ``save_as_duplicate`` is false; when true, the voter is saved as a possible
    duplicate and every pair goes to the adjudication queue. ``in_period`` false skips the
    registration period (an inclusion claim upheld during exhibition).
    """
    if election.is_frozen(session):
        raise ValidationFailed(_("The roll is frozen: new voters can no longer be registered."))
    election.require(session)
    if in_period and (closed := election.registration_closed(session, today)):
        raise ValidationFailed(closed)
    data.family_name, data.given_names = data.family_name.strip(), data.given_names.strip()
    check_eligibility(session, data, user, today=today)
    dedup.serialise(session, data.person())
    matches = dedup.check(session, data.person())
    if matches and not save_as_duplicate:
        raise PossibleDuplicates(matches)
    voter = new_voter(data, numbers.take(session)[0], user.username)
    voter.status = "possible_duplicate" if matches else "active"
    session.add(voter)
    session.flush()
    for match in matches:
        queue_pair(session, voter.id, match.other.id, match.score, match.reasons, "registration")
        other = session.get(Voter, match.other.id)
        if other.status == "active":
            other.status = "possible_duplicate"
    if data.photo:
        voter.photo_path = save_photo(data.photo, voter.voter_number)
    session.flush()
    return voter


def new_voter(data: Registration, number: str, registered_by: str) -> Voter:
    """A Voter built from a registration, with its blocking and sorting keys."""
    return Voter(**voter_values(data, number, registered_by))


def voter_values(data: Registration, number: str, registered_by: str) -> dict:
    """The voter table's columns for a registration (imports insert these directly)."""
    key_names, key_given, key_family, key_last = dedup.keys(data.given_names, data.family_name, data.sex)
    return dict(
        voter_number=number, family_name=data.family_name, given_names=data.given_names,
        father_name=(data.father_name or "").strip() or None, sex=data.sex, date_of_birth=data.date_of_birth,
        birth_year_only=data.birth_year_only, birth_year=data.date_of_birth.year,
        place_of_birth=(data.place_of_birth or "").strip() or None, centre_id=data.centre.id,
        id_type=data.id_type, id_number=(data.id_number or "").strip() or None,
        attesting_numbers=" ".join(numbers.clean(n) for n in data.attesting_numbers if n) or None,
        phone=(data.phone or "").strip() or None, status="active", key_names=key_names,
        key_given=key_given, key_family=key_family, key_last=key_last, sort_key=sort_key(data.family_name, data.given_names),
        registered_by=registered_by,
    )


def sort_key(family_name: str, given_names: str) -> str:
    """Family then given names, folded to Latin so lists sort the same in every script.

    PyICU is not available here; anyascii folding gives one order for mixed-script
    rolls (Arabic names among Latin ones by their transliteration); the original
    names break ties so the order is total and stable.
    """
    return sort_key_of_folds(display_fold(family_name), display_fold(given_names))


def sort_key_of_folds(family_fold: str, given_fold: str) -> str:
    """``sort_key`` from the names' folded forms (``display_fold``)."""
    return f"{family_fold}\x01{given_fold}"[:200]


def queue_pair(session: Session, a_id: int, b_id: int, score: int, reasons: list, found_by: str) -> bool:
    """Put a pair in the adjudication queue unless it was raised (or decided) before."""
    low, high = sorted((a_id, b_id))
    exists = session.scalar(select(DuplicatePair.id).where(
        DuplicatePair.voter_a_id == low, DuplicatePair.voter_b_id == high))
    if exists:
        return False
    session.add(DuplicatePair(voter_a_id=low, voter_b_id=high, score=score, reasons=reasons,
                              status="open", found_by=found_by))
    return True


def photo_dir() -> Path:
    return Path(current_app.config.get("PHOTO_DIR") or INSTANCE_PATH / "photos")


# Voters' photos: named by the voter number (older ones) or by their content; nothing else is ever read.
VOTER_PHOTOS = stored_files.register(stored_files.FileStore(
    "voter-photos", root=photo_dir, prefix="", pattern=re.compile(rf"(?:[0-9]{{1,30}}|{stored_files.HEX_NAME})\.jpg"),
    columns=(("voter", "photo_path"),), area="voter-photos"))


def save_photo(data: bytes, voter_number: str) -> str:
    """Decode the photo, scale it down and store it as JPEG under its content hash; return the stored name."""
    return stored_files.store_picture(VOTER_PHOTOS, data, size=PHOTO_SIZE, kind="JPEG")


def photo_file(voter: Voter) -> Path | None:
    """The voter's photo on disk, or None (none, or the row names anything but a stored photo)."""
    return VOTER_PHOTOS.resolve(voter.photo_path)


def find_by_number(session: Session, number: str) -> Voter | None:
    return session.scalar(select(Voter).where(Voter.voter_number == numbers.clean(number)))


def find_by_id(session: Session, voter_id: int | None) -> Voter | None:
    return session.get(Voter, voter_id) if voter_id else None


def pairs_of(session: Session, voter: Voter) -> list[DuplicatePair]:
    """Every duplicate pair naming this voter, newest first."""
    from sqlalchemy import or_

    return list(session.scalars(select(DuplicatePair).where(
        or_(DuplicatePair.voter_a_id == voter.id, DuplicatePair.voter_b_id == voter.id))
        .order_by(DuplicatePair.id.desc())))

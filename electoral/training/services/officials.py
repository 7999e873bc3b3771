"""Positions (and the staffing template), officials, their search and their import."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, insert, or_, select
from sqlalchemy.orm import Session

from electoral.config import LANGUAGES
from electoral.core.audit import append_entries
from electoral.core.audit_hash import jsonable
from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import read_table
from electoral.geography.models import District
from electoral.registration.services import election
from electoral.training.models import EDUCATION_LEVELS, SEXES, STATUSES, Official, Position
from electoral.training.services.common import parse_birth_date, within_scope

# Liberia's staffing of a polling place (DOMAIN.md), editable by the administrator.
DEFAULT_POSITIONS = [
    ("MT", "Master trainer", 0), ("TR", "Trainer", 0), ("PO", "Presiding officer", 1),
    ("PA", "Polling assistant", 0), ("QC", "Queue controller", 1), ("BBC", "Ballot box controller", 1),
    ("VIO", "Voter identification officer", 1), ("INK", "Inker", 1),
]
IMPORT_COLUMNS = ["reference", "full_name", "sex", "district_code", "position_code"]
IMPORT_OPTIONAL = ["birth_date", "phone", "languages", "education", "status", "locale"]
MINIMUM_AGE = 18


# ---- positions and the staffing template ---------------------------------

def list_positions(session: Session) -> list[Position]:
    """Every position, in display order."""
    return list(session.scalars(select(Position).order_by(Position.sort_order, Position.code)))


def add_default_positions(session: Session) -> int:
    """Add the usual positions that are missing; return how many were added."""
    existing = set(session.scalars(select(Position.code)))
    added = 0
    for order, (code, name, per_station) in enumerate(DEFAULT_POSITIONS):
        if code not in existing:
            session.add(Position(code=code, name=name, per_station=per_station, sort_order=order * 10))
            added += 1
    session.flush()
    return added


def save_position(session: Session, code: str, name: str, per_station: int, sort_order: int = 100,
                  position: Position | None = None) -> Position:
    """Create a position, or update ``position``."""
    code = (code or "").strip().upper()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = [_("A code is required.")]
    if not (name or "").strip():
        errors["name"] = [_("A name is required.")]
    if per_station is None or per_station < 0:
        errors["per_station"] = [_("Give zero or a positive number.")]
    other = session.scalar(select(Position.id).where(Position.code == code))
    if code and other is not None and (position is None or other != position.id):
        errors["code"] = [_("The code %(code)s is already used.", code=code)]
    if errors:
        raise ValidationFailed(errors)
    position = position or Position()
    position.code, position.name = code, name.strip()
    position.per_station, position.sort_order = per_station, sort_order
    session.add(position)
    session.flush()
    return position


def staffing_template(session: Session) -> dict[str, int]:
    """Officials each polling station needs, by position code (shared with logistics)."""
    rows = session.execute(select(Position.code, Position.per_station)
                           .where(Position.per_station > 0).order_by(Position.sort_order, Position.code))
    return {code: count for code, count in rows}


# ---- officials ------------------------------------------------------------

def officials_query(search: str = "", scope=None, district_id: int | None = None,
                    position_id: int | None = None, status: str = "") -> Select:
    """The select for a paginated list of officials, filtered and limited to ``scope``."""
    query = select(Official).order_by(Official.full_name, Official.id)
    if search := search.strip():
        pattern = f"%{search}%"
        query = query.where(or_(Official.full_name.ilike(pattern), Official.reference.ilike(pattern),
                                Official.phone.ilike(pattern)))
    if district_id:
        query = query.where(Official.district_id == district_id)
    if position_id:
        query = query.where(Official.position_id == position_id)
    if status:
        query = query.where(Official.status == status)
    return within_scope(query, Official.district_id, scope)


def find_official(session: Session, reference: str) -> Official | None:
    """The official with that recruitment number, or None."""
    return session.scalar(select(Official).where(Official.reference == reference.strip()))


@dataclass
class OfficialData:
    reference: str
    full_name: str
    sex: str
    district: District | int | None  # an id when importing
    position: Position | int | None
    birth_date: dt.date | None = None
    birth_year_only: bool = False  # only the year is known: birth_date is 1 July of it
    phone: str = ""
    languages: str = ""
    education: str = ""
    status: str = "applicant"
    locale: str = "en"


def _check(data: OfficialData, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.reference.strip():
        errors["reference"] = [_("A recruitment number is required.")]
    if not data.full_name.strip():
        errors["full_name"] = [_("A name is required.")]
    if data.sex not in SEXES:
        errors["sex"] = [_("Sex must be F or M.")]
    if data.district is None:
        errors["district"] = [_("Choose a district.")]
    if data.position is None:
        errors["position"] = [_("Choose a position.")]
    if data.status not in STATUSES:
        errors["status"] = [_("Unknown recruitment status.")]
    if data.education and data.education not in EDUCATION_LEVELS:
        errors["education"] = [_("Unknown education level.")]
    if data.locale not in LANGUAGES:
        errors["locale"] = [_("Unknown language.")]
    if data.birth_date is not None:
        age = today.year - data.birth_date.year - ((today.month, today.day) < (data.birth_date.month, data.birth_date.day))
        if age < MINIMUM_AGE or age > 100:
            errors["birth_date"] = [_("An official must be at least %(age)d years old.", age=MINIMUM_AGE)]
    return errors


def save_official(session: Session, data: OfficialData, official: Official | None = None) -> Official:
    """Create an official, or update ``official``."""
    errors = _check(data, dt.date.today())
    other = session.scalar(select(Official.id).where(Official.reference == data.reference.strip()))
    if other is not None and (official is None or other != official.id):
        errors["reference"] = [_("The recruitment number %(ref)s is already used.", ref=data.reference)]
    if errors:
        raise ValidationFailed(errors)
    official = official or Official()
    official.reference, official.full_name = data.reference.strip(), data.full_name.strip()
    official.sex, official.birth_date, official.phone = data.sex, data.birth_date, data.phone.strip()
    official.birth_year_only = bool(data.birth_date and data.birth_year_only)
    official.district, official.position = data.district, data.position
    official.languages, official.education = data.languages.strip(), data.education
    official.status, official.locale = data.status, data.locale
    session.add(official)
    session.flush()
    return official


def set_master_trainer(session: Session, official: Official, designated: bool) -> None:
    """Designate (or stop designating) a national master trainer; the audit trail records who."""
    official.master_trainer = designated
    session.flush()


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0


def import_officials(session: Session, data: bytes, filename: str, scope=None,
                     progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Create or update officials from a file; any bad line imports nothing (ImportFailed).

    Officials may only be placed in districts within ``scope``, and only those already there updated.
    """
    districts = dict(session.execute(select(District.code, District.id)).all())
    allowed = set(session.scalars(within_scope(select(District.id), District.id, scope)))
    positions = dict(session.execute(select(Position.code, Position.id)).all())
    existing = {ref: (official_id, district_id) for ref, official_id, district_id in session.execute(
        select(Official.reference, Official.id, Official.district_id))}
    today = dt.date.today()
    order = election.date_order(session)
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    rows: list[dict] = []
    for row in read_table(data, filename, IMPORT_COLUMNS, IMPORT_OPTIONAL):
        v = row.values
        if progress:
            progress(1)
        try:
            birth, year_only = parse_birth_date(v["birth_date"], order) if v.get("birth_date") else (None, False)
        except ValueError as exc:
            errors.append(LineError(row.line, str(exc)))
            continue
        sex = v["sex"].upper()[:1]
        record = OfficialData(
            reference=v["reference"], full_name=v["full_name"], sex=sex,
            district=districts.get(v["district_code"].upper()), position=positions.get(v["position_code"].upper()),
            birth_date=birth, birth_year_only=year_only, phone=v.get("phone", ""), languages=v.get("languages", ""),
            education=v.get("education", "").lower(), status=v.get("status", "").lower() or "applicant",
            locale=v.get("locale", "").lower() or "en")
        problems = _check(record, today)
        if "district" in problems:
            problems["district"] = [_("no district has the code %(code)s", code=v["district_code"])]
        if "position" in problems:
            problems["position"] = [_("no position has the code %(code)s", code=v["position_code"])]
        if record.district is not None and record.district not in allowed:
            problems["district"] = [_("district %(code)s is outside your area", code=v["district_code"])]
        if record.reference in existing and existing[record.reference][1] not in allowed:
            problems["reference"] = [_("%(ref)s is an official of another area", ref=record.reference)]
        if record.reference in seen:
            problems["reference"] = [_("recruitment number %(ref)s is also on line %(line)d",
                                       ref=record.reference, line=seen[record.reference])]
        if problems:
            errors.append(LineError(row.line, "; ".join(m for msgs in problems.values() for m in msgs)))
            continue
        seen[record.reference] = row.line
        rows.append({"reference": record.reference, "full_name": record.full_name.strip(), "sex": sex,
                     "birth_date": birth, "birth_year_only": year_only, "phone": record.phone,
                     "district_id": record.district,
                     "position_id": record.position, "languages": record.languages,
                     "education": record.education, "status": record.status, "locale": record.locale})
    if errors:
        raise ImportFailed(errors)
    summary = ImportSummary()
    new = [r for r in rows if r["reference"] not in existing]
    for start in range(0, len(new), 5000):
        batch = [{**r, "master_trainer": False} for r in new[start:start + 5000]]
        ids = session.scalars(insert(Official).returning(Official.id, sort_by_parameter_order=True), batch).all()
        append_entries(session, [{"action": "create", "entity_type": "Official", "entity_id": str(i),
                                  "before": None, "after": {k: jsonable(val) for k, val in r.items()}}
                                 for i, r in zip(ids, batch, strict=True)])
    summary.created = len(new)
    # Updates are few (corrections): through the ORM, so the trail keeps before and after.
    for r in rows:
        if r["reference"] in existing:
            official = session.get(Official, existing[r["reference"]][0])
            for key, value in r.items():
                setattr(official, key, value)
            if session.is_modified(official):
                summary.updated += 1
    session.flush()
    return summary

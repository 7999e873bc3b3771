"""Search, CSV exports and figures of the roll."""

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from electoral.core.tabular import SafeCsvWriter
from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import dedup, numbers
from electoral.registration.services.names import block_skeleton

ROLL_COLUMNS = ["voter_number", "family_name", "given_names", "father_name", "sex", "date_of_birth",
                "place_of_birth", "centre_code", "id_type", "id_number", "phone", "status", "station_code"]
AGE_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 200)]


def search_query(text: str = "", born: date | None = None, centre: PollingCentre | None = None,
                 status: str = "", scope=None) -> Select:
    """Voters by number, by name (fuzzy, across scripts, through the blocking keys) or date of birth."""
    query = select(Voter).order_by(Voter.sort_key, Voter.id)
    text = (text or "").strip()
    if text:
        cleaned = numbers.clean(text)
        if cleaned.isdigit():
            query = query.where(Voter.voter_number == cleaned)
        else:
            skeletons = {block_skeleton(word) for word in text.split() if block_skeleton(word)}
            conditions = []
            for skeleton in skeletons:
                for sex in ("F", "M"):
                    conditions += [Voter.key_given == f"{sex}:{skeleton}", Voter.key_family == f"{sex}:{skeleton}"]
            conditions.append(Voter.family_name == text)
            query = query.where(or_(*conditions))
    if born:
        query = query.where(Voter.birth_year == born.year,
                            or_(Voter.date_of_birth == born, Voter.birth_year_only.is_(True)))
    if centre is not None:
        query = query.where(Voter.centre_id == centre.id)
    if status:
        query = query.where(Voter.status == status)
    if scope is not None:
        query = _in_scope(query, scope)
    return query


def _in_scope(query: Select, scope) -> Select:
    if isinstance(scope, PollingCentre):
        return query.where(Voter.centre_id == scope.id)
    query = query.join(PollingCentre, PollingCentre.id == Voter.centre_id)
    if isinstance(scope, District):
        return query.where(PollingCentre.district_id == scope.id)
    return query.join(District, District.id == PollingCentre.district_id).where(District.region_id == scope.id)


def roll_rows(session: Session, scope=None) -> Iterator[list]:
    """The roll as export rows (ROLL_COLUMNS), streamed; only the voters inside ``scope`` when given."""
    station = aliased(PollingStation)
    query = (select(Voter, PollingCentre.code, station.code)
             .join(PollingCentre, PollingCentre.id == Voter.centre_id)
             .outerjoin(station, station.id == Voter.station_id))
    if scope is not None:
        query = query.where(Voter.centre_id.in_(geography.ids_within(PollingCentre, scope)))
    result = session.execute(query.order_by(Voter.id).execution_options(yield_per=10_000))
    for voter, centre_code, station_code in result:
        born = str(voter.birth_year) if voter.birth_year_only else voter.date_of_birth.isoformat()
        yield [voter.voter_number, voter.family_name, voter.given_names, voter.father_name or "", voter.sex, born,
               voter.place_of_birth or "", centre_code, voter.id_type, voter.id_number or "", voter.phone or "",
               voter.status, station_code or ""]


def pair_rows(session: Session) -> Iterator[list]:
    """Every pair in the adjudication queue: numbers, score, reasons in words."""
    a, b = aliased(Voter), aliased(Voter)
    result = session.execute(
        select(a.voter_number, b.voter_number, DuplicatePair.score, DuplicatePair.reasons, DuplicatePair.status)
        .join(a, a.id == DuplicatePair.voter_a_id).join(b, b.id == DuplicatePair.voter_b_id)
        .order_by(DuplicatePair.id))
    for number_a, number_b, score, reasons, status in result:
        yield [number_a, number_b, score, "; ".join(dedup.describe(reasons)), status]


def write_csv(rows: Iterator[list], header: list[str], stream) -> int:
    writer = SafeCsvWriter(stream)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def _age_band(polling_day: date):
    age = polling_day.year - Voter.birth_year
    whens = [(age.between(low, high), f"{low}-{high}" if high < 200 else f"{low}+") for low, high in AGE_BANDS]
    return case(*whens, else_="?")


def figures(session: Session, level: str, polling_day: date) -> list[dict]:
    """Registered voters (not removed) by area of ``level``, by sex and by age band."""
    columns = {
        "region": (Region.code, Region.name),
        "district": (District.code, District.name),
        "centre": (PollingCentre.code, PollingCentre.name),
        "station": (PollingStation.code, PollingStation.name),
    }[level]
    band = _age_band(polling_day).label("band")
    query = (select(*columns, Voter.sex, band, func.count(Voter.id))
             .join(PollingCentre, PollingCentre.id == Voter.centre_id)
             .join(District, District.id == PollingCentre.district_id)
             .join(Region, Region.id == District.region_id)
             .where(Voter.registered))
    if level == "station":
        query = query.join(PollingStation, PollingStation.id == Voter.station_id)
    query = query.group_by(*columns, Voter.sex, band).order_by(columns[0])
    table: dict[str, dict] = {}
    for code, name, sex, age_band, count in session.execute(query):
        row = table.setdefault(code, {"code": code, "name": name, "total": 0, "F": 0, "M": 0,
                                      **{_band_label(lo, hi): 0 for lo, hi in AGE_BANDS}})
        row["total"] += count
        row[sex] += count
        if age_band in row:
            row[age_band] += count
    return list(table.values())


def _band_label(low: int, high: int) -> str:
    return f"{low}-{high}" if high < 200 else f"{low}+"


def band_labels() -> list[str]:
    return [_band_label(lo, hi) for lo, hi in AGE_BANDS]


def duplicate_figures(session: Session) -> dict[str, int]:
    rows = session.execute(select(DuplicatePair.status, func.count()).group_by(DuplicatePair.status))
    return {status: n for status, n in rows}

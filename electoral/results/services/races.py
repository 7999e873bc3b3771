"""Races, their areas and candidates; the stations a race is contested at; the roll's figures."""

import re
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from electoral.core import picture_bundles, stored_files
from electoral.core.errors import ImportFailed, LineError
from electoral.core.params import bounded_int
from electoral.core.tabular import read_table
from electoral.extensions import INSTANCE_PATH
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.results.models import RACE_KINDS, Candidate, Race, RaceArea
from electoral.results.seats.importing import SYSTEM_COLUMNS, apply_systems, read_system

RACE_COLUMNS = ["race_code", "race_name", "race_kind", "area_codes", "candidate_code", "candidate_name",
                "party", "ballot_order"]
# The electoral system columns: see electoral/results/seats/importing.py.
RACE_OPTIONAL = ["photo", *SYSTEM_COLUMNS]


def find_race(session: Session, code: str) -> Race | None:
    """The race with that code, or None."""
    return session.scalar(select(Race).where(Race.code == (code or "").strip().upper()))


def all_races(session: Session) -> list[Race]:
    """Every race, by code."""
    return list(session.scalars(select(Race).order_by(Race.code)))


def race_choices(session: Session) -> list[tuple[str, str]]:
    """Every race as a (code, "code — name") choice, for the forms and report parameters that pick one."""
    return [(race.code, f"{race.code} — {race.name}") for race in all_races(session)]


def station_filter(race: Race) -> ColumnElement[bool]:
    """A condition on PollingStation joined to PollingCentre and District: the race is contested there."""
    if not race.areas:
        return true()
    conditions = []
    for column, ids in ((District.region_id, [a.region_id for a in race.areas if a.region_id]),
                        (PollingCentre.district_id, [a.district_id for a in race.areas if a.district_id]),
                        (PollingStation.centre_id, [a.centre_id for a in race.areas if a.centre_id])):
        if ids:
            conditions.append(column.in_(ids))
    return or_(*conditions) if conditions else false()


def stations_query(race: Race):
    """Select of the stations where ``race`` is contested (joined to centre and district)."""
    return (select(PollingStation)
            .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
            .join(District, PollingCentre.district_id == District.id)
            .where(station_filter(race)))


def contested_at(session: Session, race: Race, station: PollingStation) -> bool:
    """True when ``race`` is on the ballot at ``station``."""
    return session.scalar(stations_query(race).with_only_columns(PollingStation.id)
                          .where(PollingStation.id == station.id)) is not None


def races_at(session: Session, station: PollingStation) -> list[Race]:
    """The races on the ballot at ``station``."""
    return [race for race in all_races(session) if contested_at(session, race, station)]


def registered_voters(session: Session, station_ids: list[int]) -> dict[int, int | None]:
    """Registered voters per station; None where no voter is assigned to the station (no roll to read)."""
    from electoral.registration.services.counts import registered_voters_by_station

    counts = registered_voters_by_station(session, station_ids=station_ids) if station_ids else {}
    return {station_id: counts.get(station_id) for station_id in station_ids}


def ballot_item_code(race: Race) -> str:
    """The logistics catalogue's code for this race's ballot paper: BALLOT-<race code>."""
    return f"BALLOT-{race.code}"


def ballots_received(session: Session, race: Race, station_ids: list[int]) -> dict[int, int | None]:
    """Ballots of the race that each station's presiding officer signed for at the centre (logistics'
    hand-over); None where no hand-over is recorded, and the clerks' figure from the sheet is used."""
    from electoral.logistics.services import issued_to_stations

    issued = issued_to_stations(session, ballot_item_code(race), station_ids)
    return {station_id: issued.get(station_id) for station_id in station_ids}


# ---- candidate photos and party symbols ------------------------------------

CANDIDATE_PHOTO_DIR = "candidate_photos"
# Large enough for a ballot-paper symbol to be recognised on a page, small enough for a table row.
CANDIDATE_PHOTO_SIZE = (400, 400)


def find_candidate(race: Race, code: str) -> Candidate | None:
    """The candidate of ``race`` with that code, or None."""
    code = (code or "").strip().upper()
    return next((c for c in race.candidates if c.code == code), None)


# The root is read at each use (tests point the module's INSTANCE_PATH elsewhere).
CANDIDATE_PHOTOS = stored_files.register(stored_files.FileStore(
    "candidate-photos", root=lambda: INSTANCE_PATH, prefix=f"{CANDIDATE_PHOTO_DIR}/",
    pattern=re.compile(stored_files.HEX_NAME + r"\.png"), columns=(("candidate", "photo_path"),), area="instance"))


def save_candidate_photo(session: Session, candidate: Candidate, data: bytes) -> str:
    """Store a photo or party symbol (scaled down, as PNG so a symbol keeps its transparency) under the
    instance folder, outside the database, and point the candidate at it; returns the stored name."""
    # Named by its content: a page or PDF cached with the old picture never shows the new one by mistake.
    name = stored_files.store_picture(CANDIDATE_PHOTOS, data, size=CANDIDATE_PHOTO_SIZE, kind="PNG")
    candidate.photo_path = name
    session.flush()
    return name


def candidate_photo_file(candidate: Candidate) -> Path | None:
    """The candidate's picture on disk, or None when there is none (or the row names anything but a stored picture)."""
    return CANDIDATE_PHOTOS.resolve(candidate.photo_path)


# ---- import --------------------------------------------------------------

@dataclass
class RaceImportSummary:
    races_created: int = 0
    races_updated: int = 0
    candidates_created: int = 0
    candidates_updated: int = 0


def _find_area(session: Session, code: str):
    for model in (Region, District, PollingCentre):
        area = session.scalar(select(model).where(model.code == code))
        if area is not None:
            return area
    return None


def import_races(session: Session, data: bytes, filename: str) -> RaceImportSummary:
    """Import races and candidates, one row per candidate: all rows or none."""
    errors: list[LineError] = []
    races: dict[str, dict] = {}
    rows = 0
    bundle = picture_bundles.open_bundle(data, filename)  # a CSV or XLSX, or a zip of one with the pictures
    for row in read_table(bundle.table, bundle.table_name, RACE_COLUMNS, RACE_OPTIONAL):
        rows += 1
        v = row.values
        missing = [c for c in RACE_COLUMNS if c not in ("party", "area_codes") and not v.get(c)]
        if missing:
            errors.append(LineError(row.line, _("missing %(fields)s", fields=", ".join(missing))))
            continue
        code, kind = v["race_code"].upper(), v["race_kind"].lower()
        if kind not in RACE_KINDS:
            errors.append(LineError(row.line, _("race kind \"%(kind)s\" is not one of %(kinds)s",
                                                kind=v["race_kind"], kinds=", ".join(RACE_KINDS))))
            continue
        if bounded_int(v["ballot_order"], minimum=1) is None:
            errors.append(LineError(row.line, _("ballot order must be a whole number from 1, not \"%(value)s\"",
                                                value=v["ballot_order"])))
            continue
        area_codes = tuple(sorted({c.upper() for c in v["area_codes"].replace(",", " ").split()}))
        plan = races.setdefault(code, {"line": row.line, "name": v["race_name"], "kind": kind,
                                       "areas": area_codes, "candidates": {}, "orders": {}})
        if (plan["name"], plan["kind"], plan["areas"]) != (v["race_name"], kind, area_codes):
            errors.append(LineError(row.line, _(
                "race %(code)s has another name, kind or areas on line %(first)d", code=code, first=plan["line"])))
            continue
        system, problem = read_system(v, row.line)
        if problem is None and system is not None and plan.setdefault("system", system) != system:
            problem = LineError(row.line, _("race %(code)s has another method, seats, threshold or first divisor on "
                                            "line %(first)d", code=code, first=plan["line"]))
        if problem is not None:
            errors.append(problem)
            continue
        candidate, order = v["candidate_code"].upper(), int(v["ballot_order"])
        if candidate in plan["candidates"]:
            errors.append(LineError(row.line, _("candidate %(code)s is already on line %(first)d",
                                                code=candidate, first=plan["candidates"][candidate]["line"])))
            continue
        if order in plan["orders"]:
            errors.append(LineError(row.line, _("ballot order %(order)d of race %(race)s is already on line %(first)d",
                                                order=order, race=code, first=plan["orders"][order])))
            continue
        if v.get("photo"):
            # A cell never names a file on disk (it served instance/secret_key): only a picture in the same zip.
            try:
                _candidate_picture(bundle, v["photo"])
            except ValueError as problem:
                errors.append(LineError(row.line, str(problem)))
                continue
        plan["orders"][order] = row.line
        plan["candidates"][candidate] = {"line": row.line, "name": v["candidate_name"], "party": v.get("party", ""),
                                         "ballot_order": order, "photo": v.get("photo") or None}
    if rows == 0 and not errors:
        raise ImportFailed([LineError(1, _("the file has a header but no rows"))])
    resolved: dict[str, list] = {}
    for code, plan in races.items():
        areas = []
        for area_code in plan["areas"]:
            area = _find_area(session, area_code)
            if area is None:
                errors.append(LineError(plan["line"], _("no region, district or centre has the code %(code)s",
                                                        code=area_code)))
            areas.append(area)
        resolved[code] = areas
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))
    summary = _write_races(session, races, resolved)
    # After the races exist: a refused system fails the whole file (the caller rolls the races back).
    problems = apply_systems(session, {code: (plan["line"], plan["system"]) for code, plan in races.items()
                                       if plan.get("system")})
    if problems:
        raise ImportFailed(sorted(problems, key=lambda e: e.line))
    for code, plan in races.items():  # last: no picture is written for a refused file
        race = find_race(session, code)
        for candidate_code, values in plan["candidates"].items():
            if values["photo"]:
                name, content = _candidate_picture(bundle, values["photo"])
                stored_files.write(CANDIDATE_PHOTOS, name, content)
                find_candidate(race, candidate_code).photo_path = name
    session.flush()
    return summary


def _candidate_picture(bundle: picture_bundles.Bundle, member: str) -> tuple[str, bytes]:
    return picture_bundles.picture(bundle, member, CANDIDATE_PHOTOS, CANDIDATE_PHOTO_SIZE, "PNG")


def _write_races(session: Session, races: dict, resolved: dict) -> RaceImportSummary:
    summary = RaceImportSummary()
    for code, plan in races.items():
        race = find_race(session, code)
        if race is None:
            race = Race(code=code)
            session.add(race)
            summary.races_created += 1
        elif (race.name, race.kind) != (plan["name"], plan["kind"]):
            summary.races_updated += 1
        race.name, race.kind = plan["name"], plan["kind"]
        wanted = {(type(a).__name__, a.id) for a in resolved[code]}
        current = {(type(a.area).__name__, a.area.id): a for a in race.areas}
        if set(current) != wanted:
            race.areas = [_race_area(a) for a in resolved[code]]
        existing = {c.code: c for c in race.candidates}
        # Free the ballot orders first, so two candidates can swap places.
        changed = [c for code_, c in existing.items() if code_ in plan["candidates"]
                   and c.ballot_order != plan["candidates"][code_]["ballot_order"]]
        for offset, candidate in enumerate(changed, start=1):
            candidate.ballot_order = 100000 + offset
        session.flush()
        for candidate_code, values in plan["candidates"].items():
            # The photo is not the file's to set: an uploaded picture stays through a new import.
            fields = {k: values[k] for k in ("name", "party", "ballot_order")}
            candidate = existing.get(candidate_code)
            if candidate is None:
                race.candidates.append(Candidate(code=candidate_code, **fields))
                summary.candidates_created += 1
            elif candidate in changed or any(getattr(candidate, k) != val for k, val in fields.items()):
                for k, val in fields.items():
                    setattr(candidate, k, val)
                summary.candidates_updated += 1
        session.flush()
    return summary


def _race_area(area) -> RaceArea:
    if isinstance(area, Region):
        return RaceArea(region=area)
    if isinstance(area, District):
        return RaceArea(district=area)
    return RaceArea(centre=area)

"""Tally sheet figures from the field imported as one of the two entries; results exported to CSV."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import read_table
from electoral.geography.models import PollingStation
from electoral.results.models import FIELDS, Candidate, Race
from electoral.results.services.aggregate import CHILD, LEVELS, level_label, results
from electoral.results.services.entry import submit_entry

ENTRY_COLUMNS = ["station_code", "race_code", *FIELDS]


@dataclass
class EntryImportSummary:
    rows: int = 0
    matched: int = 0
    mismatched: int = 0


def import_entries(session: Session, data: bytes, filename: str, entry_no: int, clerk: User) -> EntryImportSummary:
    """Import figures as entry ``entry_no`` by ``clerk``, one row per sheet: all rows or none."""
    codes = sorted(set(session.scalars(select(Candidate.code))))
    rows = list(read_table(data, filename, ENTRY_COLUMNS, [c.lower() for c in codes]))
    races = {r.code: r for r in session.scalars(select(Race))}
    errors: list[LineError] = []
    summary = EntryImportSummary()
    seen: dict[tuple[str, str], int] = {}
    if not rows:
        raise ImportFailed([LineError(1, _("the file has a header but no rows"))])
    for row in rows:
        v = row.values
        race = races.get(v["race_code"].upper())
        station = session.scalar(select(PollingStation).where(PollingStation.code == v["station_code"].upper()))
        if race is None or station is None:
            errors.append(LineError(row.line, _("no race %(race)s", race=v["race_code"]) if race is None
                                    else _("no station %(station)s", station=v["station_code"])))
            continue
        key = (race.code, station.code)
        if key in seen:
            errors.append(LineError(row.line, _("the sheet of %(station)s for %(race)s is already on line %(first)d",
                                                station=station.code, race=race.code, first=seen[key])))
            continue
        seen[key] = row.line
        raw = {name: v[name] for name in FIELDS}
        raw["candidates"] = {c.code: v.get(c.code.lower(), "") for c in race.candidates}
        try:
            entry = submit_entry(session, race, station, clerk, raw, source="import", entry_no=entry_no)
        except ValidationFailed as failure:
            errors.append(LineError(row.line, "; ".join(
                f"{_label(k)}: {m}" if k else m for k, msgs in failure.errors.items() for m in msgs)))
            continue
        summary.rows += 1
        if entry_no == 2:
            if entry.sheet.state == "in_correction":
                summary.mismatched += 1
            else:
                summary.matched += 1
    if errors:
        raise ImportFailed(errors)
    return summary


def _label(key: str) -> str:
    return key.removeprefix("candidate_")


def export_rows(session: Session, race: Race, level: str = "station") -> tuple[list[str], list[list]]:
    """Header and rows of the race's counted results at ``level``: the same figures as the pages."""
    if level not in LEVELS:
        raise ValidationFailed({"level": [_("Choose one of: %(levels)s.", levels=", ".join(LEVELS))]})
    candidates = race.candidates
    header = ["level", "code", "name", "stations", "stations_counted", "registered_voters", "ballots_cast",
              "valid", "invalid", *[c.code for c in candidates]]
    rows = []
    for r in results(session, race, level):
        if level == "station" and not r.counted:
            continue
        rows.append([level, r.code, r.name, r.stations, r.counted, r.registered, r.cast, r.valid, r.invalid,
                     *[r.votes.get(c.id, 0) for c in candidates]])
    return header, rows


__all__ = ["CHILD", "ENTRY_COLUMNS", "EntryImportSummary", "export_rows", "import_entries", "level_label"]

"""The whole-tree import: one row per polling station, all rows or none.

A row's GPS point is its station's (field teams take a reading at each station); each
centre's point is the median of its stations' (see points.py), and a station far from
it is a warning on the import's result, not a refusal.
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core.errors import ImportFailed, LineError
from electoral.core.params import bounded_int
from electoral.core.tabular import Row, read_table
from electoral.geography import points
from electoral.geography.models import DEFAULT_STATION_CAPACITY, PollingStation
from electoral.geography.services import LEVELS, _parent, far_stations

IMPORT_COLUMNS = [
    "region_code", "region_name", "district_code", "district_name",
    "centre_code", "centre_name", "station_code", "station_name",
]
IMPORT_OPTIONAL = ["capacity", "latitude", "longitude"]


@dataclass
class ImportSummary:
    rows: int = 0
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    # Imported all the same, but worth a look (a station's GPS point far from its centre's).
    warnings: list[LineError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


@dataclass
class _Planned:
    """What the file says about one area, and the line that first said it."""
    line: int
    name: str
    parent: str | None = None
    extra: dict = field(default_factory=dict)


def _parse_capacity(raw: str) -> int:
    capacity = bounded_int(raw, minimum=1)
    if capacity is None:
        raise ValueError(_("capacity must be a positive whole number, not \"%(value)s\"", value=raw))
    return capacity


def _parse_coordinate(raw: str, label: str, limit: int) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ValueError(_("%(label)s \"%(value)s\" is not a number", label=label, value=raw)) from None
    if not math.isfinite(value) or not -limit <= value <= limit:
        raise ValueError(_("%(label)s %(value)s is out of range (-%(limit)d to %(limit)d)",
                           label=label, value=raw, limit=limit))
    return value


def _plan(rows: Iterable[Row]) -> tuple[dict[str, dict[str, _Planned]], list[LineError], int]:
    """Check every row against the others; return the areas the file describes."""
    planned: dict[str, dict[str, _Planned]] = {level: {} for level in LEVELS}
    errors: list[LineError] = []
    count = 0
    parent_column = {"region": None, "district": "region_code", "centre": "district_code", "station": "centre_code"}
    for row in rows:
        count += 1
        v = row.values
        missing = [c for c in IMPORT_COLUMNS if not v.get(c)]
        if missing:
            errors.append(LineError(row.line, _("missing %(fields)s", fields=", ".join(missing))))
            continue
        # A row's coordinates are its station's: stations of one centre differ by a few metres,
        # and the centre's point is worked out from them (derive_centre_point).
        extra: dict[str, dict] = {"station": {}}
        try:
            extra["station"]["capacity"] = (
                _parse_capacity(v["capacity"]) if v.get("capacity") else DEFAULT_STATION_CAPACITY)
            lat, lon = v.get("latitude", ""), v.get("longitude", "")
            if bool(lat) != bool(lon):
                raise ValueError(_("give both latitude and longitude, or neither"))
            extra["station"]["latitude"] = _parse_coordinate(lat, _("latitude"), 90) if lat else None
            extra["station"]["longitude"] = _parse_coordinate(lon, _("longitude"), 180) if lon else None
        except ValueError as exc:
            errors.append(LineError(row.line, str(exc)))
            continue
        for level in LEVELS:
            code = v[f"{level}_code"].upper()
            name = v[f"{level}_name"]
            parent = v[parent_column[level]].upper() if parent_column[level] else None
            seen = planned[level].get(code)
            if seen is None:
                planned[level][code] = _Planned(row.line, name, parent, extra.get(level, {}))
                continue
            if level == "station":
                errors.append(LineError(row.line, _(
                    "station code %(code)s is already on line %(first)d", code=code, first=seen.line)))
            elif seen.parent != parent:
                errors.append(LineError(row.line, _(
                    "%(level)s %(code)s is under %(parent)s here but under %(earlier)s on line %(first)d",
                    level=_level_label(level), code=code, parent=parent, earlier=seen.parent, first=seen.line)))
            elif seen.name != name:
                errors.append(LineError(row.line, _(
                    "%(level)s %(code)s is named \"%(name)s\" here but \"%(earlier)s\" on line %(first)d",
                    level=_level_label(level), code=code, name=name, earlier=seen.name, first=seen.line)))
    return planned, errors, count


def _level_label(level: str) -> str:
    return {"region": _("region"), "district": _("district"), "centre": _("centre"), "station": _("station")}[level]


def import_geography(session: Session, data: bytes, filename: str,
                     progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Import the whole tree from a CSV or XLSX file: all rows or none.

    Raises ImportFailed listing every bad line; existing areas are updated
    only where the file changes a name, capacity or coordinates.
    """
    planned, errors, count = _plan(read_table(data, filename, IMPORT_COLUMNS, IMPORT_OPTIONAL))
    if count == 0 and not errors:
        raise ImportFailed([LineError(1, _("the file has a header but no rows"))])
    existing = {level: {a.code: a for a in session.scalars(select(model))} for level, model in LEVELS.items()}
    parent_level = {"district": "region", "centre": "district", "station": "centre"}
    for level, areas in planned.items():
        for code, plan in areas.items():
            current = existing[level].get(code)
            if current is None or level == "region":
                continue
            current_parent = _parent(current).code
            if current_parent != plan.parent:
                errors.append(LineError(plan.line, _(
                    "%(level)s %(code)s is under %(parent)s in the file but under %(current)s in the database",
                    level=_level_label(level), code=code, parent=plan.parent, current=current_parent)))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.line))

    summary = ImportSummary(rows=count)
    done = 0
    counted: set[tuple[str, str]] = set()  # areas already counted as created or updated
    for level, model in LEVELS.items():
        for code, plan in planned[level].items():
            area = existing[level].get(code)
            values = {"name": plan.name, **plan.extra}
            if area is None:
                area = model(code=code, **values)
                if level != "region":
                    setattr(area, parent_level[level], existing[parent_level[level]][plan.parent])
                session.add(area)
                existing[level][code] = area
                summary.created[level] += 1
                counted.add((level, code))
            elif any(getattr(area, k) != val for k, val in values.items()):
                for k, val in values.items():
                    setattr(area, k, val)
                summary.updated[level] += 1
                counted.add((level, code))
            if level == "station":
                done += 1
                if progress and done % 500 == 0:
                    progress(500)
                    session.flush()
    if progress:
        progress(done % 500)
    _derive_centre_points(planned, existing, summary, counted)
    session.flush()
    return summary


def _derive_centre_points(planned: dict[str, dict[str, _Planned]], existing: dict[str, dict],
                          summary: ImportSummary, counted: set[tuple[str, str]]) -> None:
    """Set each centre of the file to its stations' median point; warn of stations far from it."""
    by_centre: dict[str, list[PollingStation]] = {code: [] for code in planned["centre"]}
    for station in existing["station"].values():
        # Existing stations' centres are all in the identity map (loaded above): no query each.
        if station.centre.code in by_centre:
            by_centre[station.centre.code].append(station)
    limit_km = points.warning_km()
    for code, plan in planned["centre"].items():
        centre = existing["centre"][code]
        located = [(s.latitude, s.longitude) for s in by_centre[code] if s.latitude is not None]
        # A file without coordinates says the centre has none, as it always did.
        point = points.median_point(located) or (None, None)
        if (centre.latitude, centre.longitude) != point:
            centre.latitude, centre.longitude = point
            if ("centre", code) not in counted:
                summary.updated["centre"] += 1
        for station, km in far_stations(centre, limit_km, sorted(by_centre[code], key=lambda s: s.code)):
            line = planned["station"][station.code].line if station.code in planned["station"] else plan.line
            summary.warnings.append(LineError(line, _(
                "station %(code)s is %(km)s km from the other stations of centre %(centre)s: check its GPS reading",
                code=station.code, km=format_decimal(round(km, 1)), centre=code)))
    summary.warnings.sort(key=lambda w: w.line)


def read_file(path) -> tuple[bytes, str]:
    """The bytes and name of a file given on the command line."""
    from pathlib import Path

    path = Path(path)
    return path.read_bytes(), path.name

"""Rules for the geography: codes, containment, editing and the whole-tree import."""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from electoral.core.errors import ImportFailed, LineError, ValidationFailed
from electoral.core.tabular import Row, read_table
from electoral.geography import points
from electoral.geography.models import (
    DEFAULT_STATION_CAPACITY,
    District,
    PollingCentre,
    PollingStation,
    Region,
)

Area = Region | District | PollingCentre | PollingStation
LEVELS: dict[str, type] = {
    "region": Region,
    "district": District,
    "centre": PollingCentre,
    "station": PollingStation,
}
IMPORT_COLUMNS = [
    "region_code", "region_name", "district_code", "district_name",
    "centre_code", "centre_name", "station_code", "station_name",
]
IMPORT_OPTIONAL = ["capacity", "latitude", "longitude"]


def lineage(area: Area) -> list[Area]:
    """The area and every area above it, from the area up to its region."""
    chain: list[Area] = [area]
    while True:
        parent = _parent(chain[-1])
        if parent is None:
            return chain
        chain.append(parent)


def _parent(area: Area) -> Area | None:
    if isinstance(area, PollingStation):
        return area.centre
    if isinstance(area, PollingCentre):
        return area.district
    if isinstance(area, District):
        return area.region
    return None


def contains(scope: Area, area: Area) -> bool:
    """True when ``area`` is ``scope`` or lies inside it."""
    return any(type(a) is type(scope) and a.id == scope.id for a in lineage(area))


def find_by_code(session: Session, level: str, code: str) -> Area | None:
    """The area of that level with that code, or None."""
    model = LEVELS[level]
    return session.scalar(select(model).where(model.code == code.strip()))


def find_any_by_code(session: Session, code: str) -> Area | None:
    """The region, district, centre or station with that code (codes are checked in that order)."""
    for level in LEVELS:
        if area := find_by_code(session, level, code):
            return area
    return None


# ---- listing -------------------------------------------------------------

def list_query(level: str, search: str = "", scope: Area | None = None, parent: Area | None = None) -> Select:
    """The select for a paginated list of one level, filtered by search text and scope."""
    model = LEVELS[level]
    query = select(model).order_by(model.code)
    if search:
        pattern = f"%{search.strip()}%"
        query = query.where(or_(model.code.ilike(pattern), model.name.ilike(pattern)))
    for area in (scope, parent):
        if area is not None:
            query = _within(query, model, area)
    return query


def _ids_within(model: type, area: Area):
    """A SELECT of the ids of ``model`` rows inside ``area`` (subqueries, so filters combine)."""
    if type(area) is model:
        return select(model.id).where(model.id == area.id)
    parent_key = {District: District.region_id, PollingCentre: PollingCentre.district_id,
                  PollingStation: PollingStation.centre_id}
    parent_model = {District: Region, PollingCentre: District, PollingStation: PollingCentre}
    if model is Region:
        return None
    parents = _ids_within(parent_model[model], area)
    if parents is None:
        return None
    return select(model.id).where(parent_key[model].in_(parents))


def ids_within(model: type, area: Area):
    """A SELECT of the ids of ``model`` rows (districts, centres or stations) inside ``area``."""
    return _ids_within(model, area)


def _within(query: Select, model: type, area: Area) -> Select:
    """Restrict a query on ``model`` to rows inside ``area`` (or ``area`` itself)."""
    ids = _ids_within(model, area)
    if ids is None:
        # The area lies below the listed level (a centre-scoped user listing
        # regions): show the areas above it only.
        above = {type(a): a.id for a in lineage(area)}
        return query.where(model.id == above.get(model, -1))
    return query.where(model.id.in_(ids))


def children(area: Area | None, session: Session) -> list[Area]:
    """The areas one level down (regions when ``area`` is None)."""
    if area is None:
        return list(session.scalars(select(Region).order_by(Region.code)))
    if isinstance(area, Region):
        return area.districts
    if isinstance(area, District):
        return area.centres
    if isinstance(area, PollingCentre):
        return area.stations
    return []


@dataclass
class AreaTotals:
    districts: int = 0
    centres: int = 0
    stations: int = 0
    capacity: int = 0


def totals(session: Session, area: Area | None = None) -> AreaTotals:
    """Counts of districts, centres, stations and total station capacity within an area."""
    query = (
        select(
            func.count(func.distinct(District.id)),
            func.count(func.distinct(PollingCentre.id)),
            func.count(PollingStation.id),
            func.coalesce(func.sum(PollingStation.capacity), 0),
        )
        .select_from(Region)
        .join(District, District.region_id == Region.id, isouter=True)
        .join(PollingCentre, PollingCentre.district_id == District.id, isouter=True)
        .join(PollingStation, PollingStation.centre_id == PollingCentre.id, isouter=True)
    )
    if area is not None:
        model = type(area)
        query = query.where(model.id == area.id)
    districts, centres, stations, capacity = session.execute(query).one()
    return AreaTotals(districts, centres, stations, int(capacity))


# ---- editing -------------------------------------------------------------

def _check_code_free(session: Session, model: type, code: str, current_id: int | None = None) -> None:
    existing = session.scalar(select(model.id).where(model.code == code))
    if existing is not None and existing != current_id:
        raise ValidationFailed({"code": [_("The code %(code)s is already used.", code=code)]})


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise ValidationFailed({"code": [_("A code is required.")]})
    return code


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("A name is required.")]})
    return name


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    """Both or neither, and within the globe's range."""
    if (latitude is None) != (longitude is None):
        raise ValidationFailed({"latitude": [_("Give both latitude and longitude, or neither.")]})
    if latitude is not None and not -90 <= latitude <= 90:
        raise ValidationFailed({"latitude": [_("Latitude must be between -90 and 90.")]})
    if longitude is not None and not -180 <= longitude <= 180:
        raise ValidationFailed({"longitude": [_("Longitude must be between -180 and 180.")]})


def save_region(session: Session, code: str, name: str, region: Region | None = None) -> Region:
    """Create a region, or update ``region``."""
    code = _clean_code(code)
    _check_code_free(session, Region, code, region.id if region else None)
    region = region or Region()
    region.code, region.name = code, _clean_name(name)
    session.add(region)
    session.flush()
    return region


def save_district(session: Session, code: str, name: str, region: Region, district: District | None = None) -> District:
    """Create a district in ``region``, or update ``district``."""
    code = _clean_code(code)
    _check_code_free(session, District, code, district.id if district else None)
    district = district or District()
    district.code, district.name, district.region = code, _clean_name(name), region
    session.add(district)
    session.flush()
    return district


def save_centre(session: Session, code: str, name: str, district: District,
                latitude: float | None = None, longitude: float | None = None,
                centre: PollingCentre | None = None) -> PollingCentre:
    """Create a polling centre in ``district``, or update ``centre``."""
    code = _clean_code(code)
    _check_code_free(session, PollingCentre, code, centre.id if centre else None)
    check_coordinates(latitude, longitude)
    centre = centre or PollingCentre()
    centre.code, centre.name, centre.district = code, _clean_name(name), district
    centre.latitude, centre.longitude = latitude, longitude
    session.add(centre)
    session.flush()
    return centre


def save_station(session: Session, code: str, name: str, centre: PollingCentre,
                 capacity: int | None = None, station: PollingStation | None = None,
                 latitude: float | None = None, longitude: float | None = None) -> PollingStation:
    """Create a polling station in ``centre``, or update ``station``; its centre's point follows its stations'."""
    code = _clean_code(code)
    _check_code_free(session, PollingStation, code, station.id if station else None)
    capacity = DEFAULT_STATION_CAPACITY if capacity is None else capacity
    if capacity <= 0:
        raise ValidationFailed({"capacity": [_("The capacity must be a positive number.")]})
    check_coordinates(latitude, longitude)
    old_centre = station.centre if station is not None else None
    station = station or PollingStation()
    station.code, station.name, station.centre, station.capacity = code, _clean_name(name), centre, capacity
    station.latitude, station.longitude = latitude, longitude
    session.add(station)
    session.flush()
    for affected in {centre, old_centre} - {None}:
        derive_centre_point(affected)
    session.flush()
    return station


def derive_centre_point(centre: PollingCentre) -> bool:
    """Set the centre's point to the median of its stations' points; True when it changed.

    A centre none of whose stations has a reading keeps the point it was given.
    """
    point = points.median_point((s.latitude, s.longitude) for s in centre.stations if s.latitude is not None)
    if point is None or (centre.latitude, centre.longitude) == point:
        return False
    centre.latitude, centre.longitude = point
    return True


def far_stations(centre: PollingCentre, limit_km: float | None = None,
                 stations: Iterable[PollingStation] | None = None) -> list[tuple[PollingStation, float]]:
    """The centre's stations farther than ``limit_km`` (the setting by default) from its point, with the distance."""
    if centre.latitude is None:
        return []
    limit_km = points.warning_km() if limit_km is None else limit_km
    stations = centre.stations if stations is None else stations
    located = [(s, (s.latitude, s.longitude)) for s in stations if s.latitude is not None]
    return points.far_from((centre.latitude, centre.longitude), located, limit_km)


# ---- import --------------------------------------------------------------

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
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(_("capacity must be a positive whole number, not \"%(value)s\"", value=raw))
    return int(raw)


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

"""Rules for the geography: codes, containment, editing, GPS points (the whole-tree import: imports.py)."""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed
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


def search_centres(session: Session, text: str, scope: Area | None, limit: int = 20) -> list[PollingCentre]:
    """Polling centres whose code or name holds ``text``, inside ``scope`` only (the centre picker's answer)."""
    text = (text or "").strip()
    if not text:
        return []
    return list(session.scalars(list_query("centre", text, scope=scope).limit(limit)))


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


def station_points(session: Session) -> dict[str, points.Point]:
    """Where each polling station is, by code: its own reading, else its centre's point.

    The one answer to "where is this station" for maps and open data; stations with neither
    are left out.
    """
    latitude = func.coalesce(PollingStation.latitude, PollingCentre.latitude)
    longitude = func.coalesce(PollingStation.longitude, PollingCentre.longitude)
    rows = session.execute(select(PollingStation.code, latitude, longitude)
                           .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
                           .where(latitude.is_not(None)))
    return {code: (lat, lon) for code, lat, lon in rows}


def far_stations(centre: PollingCentre, limit_km: float | None = None,
                 stations: Iterable[PollingStation] | None = None) -> list[tuple[PollingStation, float]]:
    """The centre's stations farther than ``limit_km`` (the setting by default) from its point, with the distance."""
    if centre.latitude is None:
        return []
    limit_km = points.warning_km() if limit_km is None else limit_km
    stations = centre.stations if stations is None else stations
    located = [(s, (s.latitude, s.longitude)) for s in stations if s.latitude is not None]
    return points.far_from((centre.latitude, centre.longitude), located, limit_km)


# The whole-tree import lives in imports.py; callers that name it here still find it.
_MOVED = {"IMPORT_COLUMNS", "IMPORT_OPTIONAL", "ImportSummary", "import_geography", "read_file"}


def __getattr__(name: str):
    if name in _MOVED:
        from electoral.geography import imports

        return getattr(imports, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


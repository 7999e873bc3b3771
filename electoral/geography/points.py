"""GPS points of polling stations and centres: the centre's point, and stations far from the rest.

Field teams take a reading at each polling station, so the stations of one centre
differ by a few metres. The centre's point is the median of its stations' points: one
mistyped reading (a digit slipped, a point taken at the district office) cannot drag
it away as it would drag a mean. A station far from that point is worth a look, not a
refusal: it may be a typo, or a station really held in a building across town.
"""

import math
from collections.abc import Iterable
from statistics import median

from flask import current_app, has_app_context

Point = tuple[float, float]
# Kilometres a station may lie from its centre's point before the import warns (STATION_DISTANCE_WARNING_KM).
DEFAULT_WARNING_KM = 1.0
_EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def distance_km(a: Point, b: Point) -> float:
    """The great-circle distance between two (latitude, longitude) points, in kilometres (haversine)."""
    lat_a, lon_a, lat_b, lon_b = map(math.radians, (*a, *b))
    h = math.sin((lat_b - lat_a) / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin((lon_b - lon_a) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def median_point(points: Iterable[Point]) -> Point | None:
    """The median latitude and median longitude of the points, or None when there are none."""
    points = list(points)
    if not points:
        return None
    return median(p[0] for p in points), median(p[1] for p in points)


def warning_km() -> float:
    """The distance beyond which a station is reported as far from its centre, from the settings."""
    if has_app_context():
        return float(current_app.config.get("STATION_DISTANCE_WARNING_KM", DEFAULT_WARNING_KM))
    return DEFAULT_WARNING_KM


def far_from(centre: Point, stations: Iterable[tuple[object, Point]], limit_km: float) -> list[tuple[object, float]]:
    """The (station, kilometres) of the stations lying more than ``limit_km`` from the centre's point."""
    far = []
    for station, point in stations:
        km = distance_km(centre, point)
        if km > limit_km:
            far.append((station, km))
    return far

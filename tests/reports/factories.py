"""A small electoral map with Arabic and accented names, for the reports' tests."""

from tests.factories import make_centre, make_district, make_region, make_station


def make_map():
    """Two regions; the first has two districts, three centres and five stations."""
    north = make_region(code="NO", name="Région Nord")
    east = make_region(code="EA", name="الشرق")
    d1 = make_district(north, code="NO-1", name="Kanté")
    d2 = make_district(north, code="NO-2", name="طرابلس")
    c1 = make_centre(d1, code="C-101", name="École Centrale")
    c2 = make_centre(d1, code="C-102", name="Marché")
    c3 = make_centre(d2, code="C-201", name="مدرسة النور")
    for centre, capacities in ((c1, (600, 600)), (c2, (500,)), (c3, (700, 634))):
        for capacity in capacities:
            make_station(centre, capacity=capacity)
    d3 = make_district(east, code="EA-1", name="Bourj")
    make_station(make_centre(d3, code="C-301", name="Souk"), capacity=400)
    return north, east

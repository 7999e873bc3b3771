"""Dates as offices write them in spreadsheets, read one way everywhere.

``05/06/1991`` is 5 June in most of the world and May 6 in the United States and
Liberia: the election's date order (a setting) decides, for every import and form
that reads a date as text. ISO dates (what an XLSX date cell is read as) are never
ambiguous. A birth date may be only a year where registration allows it.
"""

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

DAY_FIRST, MONTH_FIRST = "DMY", "MDY"
DATE_ORDERS = [(DAY_FIRST, _l("Day first: 31/12/1990")), (MONTH_FIRST, _l("Month first: 12/31/1990"))]
# A year alone stands for a birth date whose day is unknown: the middle of the year.
YEAR_ONLY_DAY = (7, 1)

_SEPARATORS = ("/", ".", "-")


def accepted_forms(order: str = DAY_FIRST, year_only: bool = False) -> str:
    """The forms a date may be written in, as the messages name them."""
    local = "MM/DD/YYYY" if order == MONTH_FIRST else "DD/MM/YYYY"
    if year_only:
        return _("%(iso)s, %(local)s or the year alone (%(year)s)", iso="YYYY-MM-DD", local=local, year="YYYY")
    return _("%(iso)s or %(local)s", iso="YYYY-MM-DD", local=local)


def not_a_date(text: str, order: str = DAY_FIRST, year_only: bool = False) -> str:
    return _("\"%(value)s\" is not a date (write %(forms)s)", value=text, forms=accepted_forms(order, year_only))


def parse(text: str, order: str = DAY_FIRST, year_only: bool = False) -> tuple[dt.date, bool]:
    """(date, whether only the year was given); ValueError with the accepted forms named.

    Accepts YYYY-MM-DD (with a time after it, as a spreadsheet's date cell may come),
    the local order with /, . or - between day, month and four-digit year, and the year
    alone when ``year_only``.
    """
    raw = (text or "").strip()
    value = raw.split(" ")[0].split("T")[0]
    if year_only and len(value) == 4 and value.isdigit():
        return dt.date(int(value), *YEAR_ONLY_DAY), True
    try:
        if len(value) == 10 and value[4] == "-":
            return dt.date.fromisoformat(value), False
        for separator in _SEPARATORS:
            parts = value.split(separator)
            if len(parts) == 3 and len(parts[2]) == 4 and all(p.isdigit() for p in parts):
                first, second, year = (int(p) for p in parts)
                day, month = (second, first) if order == MONTH_FIRST else (first, second)
                return dt.date(year, month, day), False
    except ValueError:
        pass
    raise ValueError(not_a_date(raw, order, year_only))

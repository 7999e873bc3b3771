"""Numbers from a request, parsed with a range.

Every integer a request carries (a query parameter, a form field read by hand, a JSON
field) goes through ``bounded_int``: a value that is not a whole number, or falls outside
its range, is answered as missing instead of reaching the database, where a huge integer
overflows the column type (SQLite refuses anything past 64 bits, PostgreSQL past 32 for an
INTEGER) and turns into a server error.
"""

from typing import Any

from flask import request

# The largest id or count any table holds: PostgreSQL's INTEGER.
MAX_ID = 2**31 - 1
# The longest run of digits worth converting; longer text is refused before int() reads it.
_MAX_DIGITS = 20


def bounded_int(value: Any, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """``value`` as an int within [minimum, maximum], or None.

    Accepts an int (not a bool), a float holding a whole number, or text of decimal digits
    with an optional sign; anything else (nested objects, control characters, 10**30) is None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        # isdecimal, not isdigit: "²" is a digit int() refuses; Arabic-Indic digits (an SMS typed
        # on an Arabic keypad) are decimals int() reads.
        if not digits.isdecimal() or len(digits) > _MAX_DIGITS:
            return None
        value = int(text)
    elif not isinstance(value, int):
        return None
    return value if minimum <= value <= maximum else None


def query_int(name: str, default: int | None = None, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The query parameter ``name`` as a bounded int; ``default`` when absent or unreadable."""
    found = bounded_int(request.args.get(name), minimum, maximum)
    return default if found is None else found


def form_int(name: str, default: int | None = None, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """The posted form field ``name`` as a bounded int; ``default`` when absent or unreadable."""
    found = bounded_int(request.form.get(name), minimum, maximum)
    return default if found is None else found


def form_ints(name: str, minimum: int = 0, maximum: int = MAX_ID) -> set[int]:
    """Every readable value of a repeated form field (checkboxes), as bounded ints."""
    return {n for n in (bounded_int(v, minimum, maximum) for v in request.form.getlist(name)) if n is not None}


def coerce_id(value: Any) -> int:
    """WTForms ``coerce`` for a choice naming a row by id: a ValueError (the field's error) when out of range."""
    found = bounded_int(value, minimum=0)
    if found is None:
        raise ValueError("not an id")
    return found

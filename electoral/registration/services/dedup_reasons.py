"""The reasons of a possible duplicate in words (dedup.py): kept as codes, translated when shown."""

from flask_babel import gettext as _

REASON_TEXTS = {
    "same_id": lambda p: _("same ID number"),
    "id_different": lambda p: _("different numbers on the same kind of identity document"),
    "names_same": lambda p: _("same names"),
    "names_variant": lambda p: _("names spelt differently: %(a)s ~ %(b)s", **p),
    "names_script": lambda p: _("names match across scripts: %(a)s ~ %(b)s", **p),
    "typo": lambda p: _("names one letter apart: %(a)s ~ %(b)s", **p),
    "swapped": lambda p: _("given and family names swapped"),
    "middle_missing": lambda p: _("a middle name is missing on one record"),
    "names_joined": lambda p: _("names written joined on one record and apart on the other: %(a)s ~ %(b)s", **p),
    "dob_same": lambda p: _("same date of birth"),
    "dob_year_only": lambda p: _("born the same year; one date is year-only"),
    "dob_jan1": lambda p: _("born the same year; one date is 1 January, a common default"),
    "dob_swapped": lambda p: _("dates of birth with day and month swapped"),
    "dob_year_apart": lambda p: _("dates of birth one year apart"),
    "dob_vague_year_apart": lambda p: _("born a year apart; one date gives only the year"),
    "father_same": lambda p: _("same father's name"),
    "place_same": lambda p: _("same place of birth"),
}


def describe(reasons: list[list]) -> list[str]:
    """The reasons of a match in the user's language."""
    return [str(REASON_TEXTS[code](params)) for code, params in reasons if code in REASON_TEXTS]

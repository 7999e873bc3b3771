"""Two dates of birth compared (dedup.py): the level the weights weigh, and whether they can be one birthday."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from electoral.registration.services.dedup import Person


def compare_dates(a: "Person", b: "Person") -> tuple[str, list]:
    """The level of two dates of birth (match_score.COMPARISONS["dob"]) and its reason ([] for none)."""
    da, db = a.date_of_birth, b.date_of_birth
    vague = a.birth_year_only or b.birth_year_only or (da.month, da.day) == (1, 1) or (db.month, db.day) == (1, 1)
    if a.birth_year_only or b.birth_year_only:
        if da.year == db.year:
            return "year_only", ["dob_year_only", {}]
    elif da == db and (da.month, da.day) != (1, 1):
        return "same", ["dob_same", {}]
    # Unknown birthdays are very often written 1 January.
    elif da.year == db.year and ((da.month, da.day) == (1, 1) or (db.month, db.day) == (1, 1)):
        return "jan1", ["dob_jan1", {}]
    elif da.year == db.year and (da.day, da.month) == (db.month, db.day):
        return "day_month_swapped", ["dob_swapped", {}]
    # The same day and month a year apart is a slip on the year, but only when the day
    # and month were really known: two 1 January defaults a year apart are vague.
    elif (da.month, da.day) == (db.month, db.day) != (1, 1) and abs(da.year - db.year) == 1:
        return "year_apart", ["dob_year_apart", {}]
    if vague and abs(da.year - db.year) == 1:
        # A year-only date (or a 1 January) a year from the other: weak, but the model says how weak.
        return "vague_year_apart", ["dob_vague_year_apart", {}]
    return "other", []


def could_be_one_birthday(a: "Person", b: "Person") -> bool:
    """A cheap filter before the full comparison: is the dates' level anything but "other"?

    Pairs without it are compared only when they share a document number: the scan and
    the check alike (``candidates``, duplicate_scan.candidate_pairs).
    """
    da, db = a.date_of_birth, b.date_of_birth
    apart = abs(da.year - db.year)
    if apart > 1:
        return False
    if a.birth_year_only or b.birth_year_only or (da.month, da.day) == (1, 1) or (db.month, db.day) == (1, 1):
        return True  # year_only, jan1 or vague_year_apart
    if apart:
        return (da.month, da.day) == (db.month, db.day)
    return da == db or (da.day, da.month) == (db.month, db.day)

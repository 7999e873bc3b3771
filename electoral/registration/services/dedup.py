"""Finding people registered twice: blocking keys, a scored comparison, reasons in words.

Blocking: each voter carries three indexed keys built from name skeletons (see
names.py) and sex: both names together in either order (catches swapped names and
spelling or script variants), the first given name alone and the family name alone
(each catches a typo in the other). A check reads a handful of small blocks,
restricted to the birth year (and the years either side for the names key), then
scores each candidate.

Scoring adds evidence for and against. Evidence against matters as much: common
names shared with the same birth year are the main source of false alarms, so a
different father's name or place of birth pulls the score well below the threshold.
A different number on the same kind of identity document is weak evidence only: a
person who registers twice brings whatever paper they have at hand that day.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from electoral.core import locks
from electoral.registration.models import Voter
from electoral.registration.services.names import (
    Token,
    block_skeleton,
    display_fold,
    tokens,
    tokens_match,
)

THRESHOLD = 70
NAME_BASE = 50
# What two different numbers on one kind of document take off a match: never enough to
# hide it (compare keeps the score at the threshold at least), only to rank it lower.
DIFFERENT_DOCUMENT = 5


@dataclass(slots=True)
class Person:
    """What the comparison needs of a voter or of a registration not yet saved."""

    id: int | None
    family_name: str
    given_names: str
    father_name: str | None
    sex: str
    date_of_birth: date
    birth_year_only: bool
    place_of_birth: str | None
    id_type: str | None
    id_number: str | None
    voter_number: str | None = None

    @classmethod
    def of(cls, voter: Voter) -> "Person":
        return cls(voter.id, voter.family_name, voter.given_names, voter.father_name, voter.sex,
                   voter.date_of_birth, voter.birth_year_only, voter.place_of_birth, voter.id_type,
                   voter.id_number, voter.voter_number)


@dataclass
class Match:
    other: Person
    score: int
    reasons: list[list] = field(default_factory=list)  # [code, params]: translated when shown


def keys(given_names: str, family_name: str, sex: str) -> tuple[str, str, str]:
    """(key_names, key_given, key_family) for the voter table's indexed columns."""
    # First tokens of each: a swapped name then gives the same pair, and a dropped
    # middle name leaves both in place.
    return keys_of_skeletons(block_skeleton(given_names), block_skeleton(family_name), sex)


def keys_of_skeletons(given: str, family: str, sex: str) -> tuple[str, str, str]:
    """``keys`` from the names' skeletons (``block_skeleton``), worked out once per name by an import."""
    low, high = (given, family) if given <= family else (family, given)
    return f"{sex}:{low}|{high}", f"{sex}:{given}", f"{sex}:{family}"


_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_id(number: str | None) -> str:
    """An ID number without spaces, dashes or case: "LR-123" and "lr 123" are one number."""
    if not number:
        return ""
    return number.upper() if number.isalnum() else _NOT_ALNUM.sub("", number).upper()


# ---- names -----------------------------------------------------------------

def _pair_tokens(short: tuple[Token, ...], long: tuple[Token, ...]):
    """Match every token of ``short`` to a distinct token of ``long``; None if one cannot be."""
    used: set[int] = set()
    pairs = []
    for i, token in enumerate(short):
        best = None
        for j, other in enumerate(long):
            if j in used:
                continue
            how = tokens_match(token, other)
            if how and (best is None or (how != "typo" and best[1] == "typo")):
                best = (j, how)
                if how != "typo":
                    break
        if best is None:
            return None
        used.add(best[0])
        pairs.append((i, best[0], best[1]))
    return pairs


def compare_names(a: Person, b: Person) -> tuple[int, list[list]] | None:
    """Score and reasons for the names of two people, or None when they are different names."""
    return _compare_name_texts(a.given_names, a.family_name, b.given_names, b.family_name)


# Common names meet each other again and again in a scan: each pair of written names
# is worked out once.
@lru_cache(maxsize=500_000)
def _compare_name_texts(given_a: str, family_a: str, given_b: str, family_b: str):
    ga, fa, gb, fb = tokens(given_a), tokens(family_a), tokens(given_b), tokens(family_b)
    all_a, all_b = ga + fa, gb + fb
    if not all_a or not all_b:
        return None
    flip = len(all_a) > len(all_b)
    short, long = (all_b, all_a) if flip else (all_a, all_b)
    if len(short) < 2 and len(long) > 1:
        return None
    pairs = _pair_tokens(short, long)
    if pairs is None:
        return None
    kinds = [how for _i, _j, how in pairs]
    if kinds.count("typo") > 1:
        return None
    # Where did the family name of the shorter name land in the longer one?
    short_family = range(len(gb if flip else ga), len(short))
    long_given_count = len(ga if flip else gb)
    landed = [j for i, j, _h in pairs if i in short_family]
    score, reasons = NAME_BASE, []
    if landed and all(j < long_given_count for j in landed) and len(long) > 1:
        score -= 3
        reasons.append(["swapped", {}])
    elif not any(j >= long_given_count for j in landed):
        return None
    text_a, text_b = f"{given_a} {family_a}", f"{given_b} {family_b}"
    if "script" in kinds:
        reasons.append(["names_script", {"a": text_a, "b": text_b}])
    elif "typo" in kinds:
        score -= 3
        reasons.append(["typo", {"a": text_a, "b": text_b}])
    elif "variant" in kinds:
        reasons.append(["names_variant", {"a": text_a, "b": text_b}])
    else:
        reasons.append(["names_same", {}])
    if len(short) != len(long):
        score -= 5
        reasons.append(["middle_missing", {}])
    return score, reasons


# ---- dates -----------------------------------------------------------------

def compare_dates(a: Person, b: Person) -> tuple[int, list]:
    """Score and reason for two dates of birth; (0, []) when they do not look like one date."""
    da, db = a.date_of_birth, b.date_of_birth
    if a.birth_year_only or b.birth_year_only:
        # A year-only date a year away from another fits some 700 birthdays: no evidence.
        if da.year == db.year:
            return 25, ["dob_year_only", {}]
        return 0, []
    if da == db:
        return 35, ["dob_same", {}]
    # Unknown birthdays are very often written 1 January.
    if da.year == db.year and ((da.month, da.day) == (1, 1) or (db.month, db.day) == (1, 1)):
        return 25, ["dob_jan1", {}]
    if da.year == db.year and (da.day, da.month) == (db.month, db.day):
        return 25, ["dob_swapped", {}]
    # The same day and month a year apart is a slip on the year, but only when the day
    # and month were really known: two 1 January defaults a year apart are no evidence.
    if (da.month, da.day) == (db.month, db.day) != (1, 1) and abs(da.year - db.year) == 1:
        return 20, ["dob_year_apart", {}]
    return 0, []


@lru_cache(maxsize=200_000)
def _same_text(a: str | None, b: str | None) -> bool | None:
    """Whether two free-text fields (father's name, place) agree; None when one is missing."""
    if not a or not b:
        return None
    ta, tb = tokens(a), tokens(b)
    if ta and tb and len(ta) == len(tb) and all(tokens_match(x, y) for x, y in zip(ta, tb, strict=True)):
        return True
    return fuzz.ratio(display_fold(a), display_fold(b)) >= 85


# Dates that say only the year (year-only, or 1 January, the usual default).
_VAGUE_DATES = {"dob_year_only", "dob_jan1"}
# More people than this sharing the names and sex, born within a year of each other in
# the same place, make a crowd: anyone besides the two compared (see ``compare``).
CROWD = 2


@lru_cache(maxsize=100_000)
def place_key(place: str | None) -> str:
    """The place of birth as namesakes are counted by (case and spaces do not matter)."""
    return " ".join((place or "").lower().split())


def compare(a: Person, b: Person, namesakes: int = 0) -> Match | None:
    """The match between two people with its score and reasons, or None below the threshold.

    ``namesakes``: how many people on the roll share these names and sex and were born
    within a year in the same place (the larger count of the two people's).
    """
    same_id = bool(a.id_number and b.id_number and a.id_type == b.id_type
                   and normalise_id(a.id_number) == normalise_id(b.id_number))
    score, reasons = 0, []
    if same_id:
        score += 60
        reasons.append(["same_id", {}])
    elif a.sex != b.sex:
        return None
    different_document = bool(not same_id and a.id_number and b.id_number and a.id_type == b.id_type)
    names = compare_names(a, b)
    if names is None and not same_id:
        return None
    if names:
        score += names[0]
        reasons.extend(names[1])
    date_score, date_reason = compare_dates(a, b)
    score += date_score
    if date_reason:
        reasons.append(date_reason)
    father = _same_text(a.father_name, b.father_name)
    if father is True:
        score += 10
        reasons.append(["father_same", {}])
    elif father is False:
        score -= 40
    if date_reason and date_reason[0] in _VAGUE_DATES and namesakes > CROWD and father is not True and not same_id:
        # A vague date fits any of the namesakes born that year in that place: with a
        # common name (Mohamed Kamara, Freetown) names, year and place cannot tell which
        # of them is the same person (the main source of false alarms on a national
        # roll), so the father's name must agree.
        return None
    place = _same_text(a.place_of_birth, b.place_of_birth)
    if place is True:
        score += 5
        reasons.append(["place_same", {}])
    elif place is False:
        # Enough to keep namesakes with the same date and father apart (50 + 35 + 10 - 30).
        score -= 30
    if score < THRESHOLD:
        return None
    if different_document:
        # Weak evidence against, never a veto: the supervisor sees it and decides.
        score = max(score - DIFFERENT_DOCUMENT, THRESHOLD)
        reasons.append(["id_different", {}])
    return Match(b, min(score, 100), reasons)


REASON_TEXTS = {
    "same_id": lambda p: _("same ID number"),
    "id_different": lambda p: _("different numbers on the same kind of identity document"),
    "names_same": lambda p: _("same names"),
    "names_variant": lambda p: _("names spelt differently: %(a)s ~ %(b)s", **p),
    "names_script": lambda p: _("names match across scripts: %(a)s ~ %(b)s", **p),
    "typo": lambda p: _("names one letter apart: %(a)s ~ %(b)s", **p),
    "swapped": lambda p: _("given and family names swapped"),
    "middle_missing": lambda p: _("a middle name is missing on one record"),
    "dob_same": lambda p: _("same date of birth"),
    "dob_year_only": lambda p: _("born the same year; one date is year-only"),
    "dob_jan1": lambda p: _("born the same year; one date is 1 January, a common default"),
    "dob_swapped": lambda p: _("dates of birth with day and month swapped"),
    "dob_year_apart": lambda p: _("dates of birth one year apart"),
    "father_same": lambda p: _("same father's name"),
    "place_same": lambda p: _("same place of birth"),
}


def describe(reasons: list[list]) -> list[str]:
    """The reasons of a match in the user's language."""
    return [str(REASON_TEXTS[code](params)) for code, params in reasons if code in REASON_TEXTS]


# ---- checking one registration -----------------------------------------------

_PERSON_COLUMNS = (Voter.id, Voter.family_name, Voter.given_names, Voter.father_name, Voter.sex,
                   Voter.date_of_birth, Voter.birth_year_only, Voter.place_of_birth, Voter.id_type,
                   Voter.id_number, Voter.voter_number)


@lru_cache(maxsize=500_000)
def typo_word(text: str) -> str:
    """The first word of a name in the form a one-letter typo is judged on (names.tokens_match)."""
    found = tokens(text)
    if not found:
        return ""
    return found[0].form if found[0].arabic else found[0].fold


def near(name_a: str, name_b: str, skeleton_a: str, skeleton_b: str) -> bool:
    """Whether two first names could be one name with a typo (or one sound apart across scripts).

    Words one edit apart as written, or skeletons one edit apart (القذافي / Gaddafi: ق
    is written g). What people sharing only the other name must have to be compared.
    """
    apart = Levenshtein.distance(skeleton_a, skeleton_b, score_cutoff=2)
    # A typo moves a skeleton by two edits at most (a vowel made a consonant): the
    # words themselves, dearer to work out, are compared only then.
    return apart <= 1 or (apart == 2 and Levenshtein.distance(typo_word(name_a), typo_word(name_b), score_cutoff=1) <= 1)


def candidates(session: Session, person: Person) -> tuple[list[Person], int]:
    """People on the roll sharing a blocking key (or the ID number) with ``person``, and its namesakes.

    The namesakes are those sharing the names key born within a year in the same place
    (see ``compare``), counting ``person``.
    """
    key_names, key_given, key_family = keys(person.given_names, person.family_name, person.sex)
    year = person.date_of_birth.year
    conditions = [
        and_(Voter.key_names == key_names, Voter.birth_year.between(year - 1, year + 1)),
        and_(Voter.key_given == key_given, Voter.birth_year == year),
        and_(Voter.key_family == key_family, Voter.birth_year == year),
    ]
    if person.id_number:
        conditions.append(Voter.id_number == person.id_number.strip())
    # Plain rows, not ORM objects: a common name brings a thousand people sharing only
    # a first name on a national roll. Of those, as in the batch scan, only the ones
    # whose other name could be a typo of this one's are kept.
    given_skeleton, family_skeleton = key_given[2:], key_family[2:]
    found: dict[int, Person] = {}
    same_names: set[int] = set()
    connection = session.connection()
    for n, condition in enumerate(conditions):
        rows = connection.execute(select(*_PERSON_COLUMNS, Voter.key_given, Voter.key_family)
                                  .where(condition, Voter.registered))
        for row in rows:
            voter_id = row[0]
            if voter_id == person.id or voter_id in found:
                continue
            if n == 1 and not near(person.family_name, row.family_name, family_skeleton, row.key_family[2:]):
                continue
            if n == 2 and not near(person.given_names, row.given_names, given_skeleton, row.key_given[2:]):
                continue
            found[voter_id] = Person(*row[:len(_PERSON_COLUMNS)])
            if n == 0:
                same_names.add(voter_id)
    place = place_key(person.place_of_birth)
    namesakes = 1 + sum(1 for voter_id in same_names if place_key(found[voter_id].place_of_birth) == place)
    return list(found.values()), namesakes


def serialise(session: Session, person: Person) -> None:
    """Hold, until the transaction ends, a lock shared with everyone who could match ``person``.

    Two clerks registering one person at the same moment would each check, find
    nobody, and both save. Every pair the check can find shares one of these keys
    (see ``candidates``), so the second check waits for the first save and sees it.
    """
    key_names, key_given, key_family = keys(person.given_names, person.family_name, person.sex)
    year = person.date_of_birth.year
    lock_keys = [f"dedup:{key_names}", f"dedup:{key_given}|{year}", f"dedup:{key_family}|{year}"]
    if person.id_number:
        lock_keys.append(f"dedup:id|{normalise_id(person.id_number)}")
    locks.hold(session, *lock_keys)


def check(session: Session, person: Person, limit: int = 10) -> list[Match]:
    """The likely duplicates of ``person`` already on the roll, best first."""
    others, namesakes = candidates(session, person)
    matches = [m for m in (compare(person, other, namesakes) for other in others) if m]
    matches.sort(key=lambda m: -m.score)
    return matches[:limit]

"""Finding people registered twice: blocking keys, a scored comparison, reasons in words.

Blocking: each voter carries four indexed keys built from name skeletons (see
names.py) and sex: the first given and first family name together in either order
(swapped names, spelling and script variants, a middle name dropped), the last given
and last family name likewise (the first given name dropped or added), and the first
given name alone and the family name alone (each catches a typo in the other). A
check reads these few blocks within a year either side of the birth year, keeps of
the single-name blocks only those whose other name is near (``name_compare.near``) and of all
only dates that can be one birthday, then scores each candidate. The batch scan
(duplicate_scan.py) uses the same keys, filters and comparison.

Scoring: each comparison lands on a level and the levels' weights, estimated on
labelled pairs (match_score.py, Fellegi–Sunter), give the probability that the two
records are one person, shown to the supervisor in percent with the reasons. A few
rules come before the weights, as a shared document number alone overrides them:
another sex, names that are different names, birthdays that cannot be one, another
father's name or place of birth. A different number on the same kind of identity
document is weak evidence only, never a veto: a person who registers twice brings
whatever paper they have at hand that day.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from electoral.core import locks
from electoral.registration.models import Voter
from electoral.registration.services import match_score
from electoral.registration.services.dedup_dates import compare_dates, could_be_one_birthday  # noqa: F401
from electoral.registration.services.dedup_lookup import (
    PERSON_COLUMNS,
    birthday_dates,
    lookup_statements,
)
from electoral.registration.services.dedup_reasons import REASON_TEXTS, describe  # noqa: F401
from electoral.registration.services.name_compare import compare_name_texts, near
from electoral.registration.services.names import (
    block_skeleton,
    display_fold,
    tokens,
    tokens_match,
)


def __getattr__(name: str):
    # THRESHOLD: the score (percent) from which a pair is shown, as shipped with the
    # weights; read when first asked for, so the fitting script can import this module
    # before any weights file exists.
    if name == "THRESHOLD":
        return round(match_score.weights().threshold * 100)
    raise AttributeError(name)


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


def keys(given_names: str, family_name: str, sex: str) -> tuple[str, str, str, str]:
    """(key_names, key_given, key_family, key_last) for the voter table's indexed columns."""
    return keys_of_skeletons(block_skeleton(given_names), block_skeleton(family_name), sex,
                             block_skeleton(given_names, last=True), block_skeleton(family_name, last=True))


def keys_of_skeletons(given: str, family: str, sex: str, last_given: str | None = None,
                      last_family: str | None = None) -> tuple[str, str, str, str]:
    """``keys`` from the names' skeletons (``block_skeleton``), worked out once per name by an import.

    The first tokens of each name, in either order: a swapped name gives the same pair
    and a dropped middle name leaves both in place. The last tokens, in either order:
    a first given name dropped or added (Mariam Aminata / Aminata, Foday / Abu Foday)
    leaves them in place. Each first name alone catches a typo in the other.
    """
    low, high = (given, family) if given <= family else (family, given)
    last_given = given if last_given is None else last_given
    last_family = family if last_family is None else last_family
    low_last, high_last = sorted((last_given, last_family))
    return f"{sex}:{low}|{high}", f"{sex}:{given}", f"{sex}:{family}", f"{sex}:{low_last}|{high_last}"


_NOT_ALNUM = re.compile(r"[\W_]+")


def normalise_id(number: str | None) -> str:
    """An ID number without spaces, dashes or case: "LR-123" and "lr 123" are one number."""
    if not number:
        return ""
    return number.upper() if number.isalnum() else _NOT_ALNUM.sub("", number).upper()


# ---- names -----------------------------------------------------------------

def compare_names(a: Person, b: Person) -> tuple[str, str, list[list]] | None:
    """(names level, layout level, reasons) for two people's names, or None when they are different names."""
    return compare_name_texts(a.given_names, a.family_name, b.given_names, b.family_name)


@lru_cache(maxsize=200_000)
def _same_text(a: str | None, b: str | None, place: bool = False) -> bool | None:
    """Whether two free-text fields (father's name, ``place``) agree; None when one is missing."""
    if not a or not b:
        return None
    ta, tb = tokens(a), tokens(b)
    if ta and tb and len(ta) == len(tb) and all(tokens_match(x, y) for x, y in zip(ta, tb, strict=True)):
        return True
    if place and ta and tb and ta[0].arabic != tb[0].arabic:
        # A place written in the other script: the same sounds are the same place;
        # otherwise nothing can be said (طرابلس / Tripoli: the s is not written in Latin).
        # People's names across scripts are matched token by token above.
        return True if [t.skeleton for t in ta] == [t.skeleton for t in tb] else None
    return fuzz.ratio(display_fold(a), display_fold(b)) >= 85


# Dates that say only the year (year-only, or 1 January, the usual default).
_VAGUE_DATES = match_score.VAGUE_DATES
_NO_BIRTHDAY = {"other", "vague_year_apart"}
# More people than this sharing the names and sex, born within a year of each other in
# the same place, make a crowd: anyone besides the two compared (see ``compare``).
CROWD = 2
CROWDED = 10  # namesakes from which a vague date says next to nothing (a second level of the weights)
_AGREES = {True: "same", None: "missing", False: "different"}


@lru_cache(maxsize=100_000)
def place_key(place: str | None) -> str:
    """The place of birth as namesakes are counted by (case and spaces do not matter)."""
    return " ".join((place or "").lower().split())


def comparison_levels(a: Person, b: Person, namesakes: int = 0, rules: bool = True,
                      father_share: float | None = None) -> tuple[dict[str, str], list[list]] | None:
    """Each comparison's level (match_score.COMPARISONS) and the reasons in words, or None.

    None when the two cannot be one person whatever the weights say: names that are
    different names (and no shared document number), different sexes, and (``rules``)
    the evidence only a shared number overrides. The weights are counted over every
    pair the names let through (``rules`` off), so that they learn what that evidence says too.
    ``father_share``: see ``crowd_level`` (default: the shipped weights').
    """
    same_id = bool(a.id_number and b.id_number and a.id_type == b.id_type
                   and normalise_id(a.id_number) == normalise_id(b.id_number))
    if not same_id and a.sex != b.sex:
        return None
    names = compare_names(a, b)
    if names is None and not same_id:
        return None
    reasons: list[list] = []
    if same_id:
        reasons.append(["same_id", {}])
        document = "same_number"
    elif a.id_number and b.id_number and a.id_type == b.id_type:
        document = "different_number"
    else:
        document = "none"
    name_level, layout = (names[0], names[1]) if names else ("typo", "missing")
    if names:
        reasons.extend(names[2])
    dob, date_reason = compare_dates(a, b)
    father = _same_text(a.father_name, b.father_name)
    place = _same_text(a.place_of_birth, b.place_of_birth, place=True)
    if rules and not same_id and (dob in _NO_BIRTHDAY or father is False or place is False):
        # Evidence only a shared document number overrides: birthdays that cannot be
        # one (could_be_one_birthday keeps most of them out of the scan and the check),
        # a year-only or 1 January date a year from the other (it fits some 700
        # birthdays), another father's name or place of birth (what keeps namesakes
        # apart on a national roll). The weights weigh everything else.
        return None
    if date_reason:
        reasons.append(date_reason)
    if father:
        reasons.append(["father_same", {}])
    if place:
        reasons.append(["place_same", {}])
    levels = {"names": name_level, "layout": layout, "dob": dob, "father": _AGREES[father],
              "place": _AGREES[place], "document": document}
    levels["crowd"] = crowd_level(namesakes, dob, levels["father"],
                                  match_score.weights().father_share if father_share is None else father_share)
    return levels, reasons


def crowd_level(namesakes: int, dob: str, father: str, father_share: float) -> str:
    """The crowd comparison's level: how many namesakes a vague date fits.

    A year-only date fits anyone sharing these names, year and place (Mohamed Kamara,
    Freetown, 1980), which the weights learn to discount. When the two share a father's
    name, only the namesakes who would share it too are left: ``father_share`` of the
    others (the share of different people met by the blocking who share one, counted
    with the weights). How much the crowd then weighs is estimated (match_score's vague-date
    correction, over the namesake and name counts): a shared father's name tells one person
    among a few namesakes, not among forty.
    """
    if dob not in _VAGUE_DATES:
        return "no"
    crowd = namesakes if father != "same" else CROWD + max(namesakes - CROWD, 0) * father_share
    return "no" if crowd <= CROWD else ("vague" if crowd <= CROWDED else "vague_many")


def compare(a: Person, b: Person, namesakes: int = 0, model: match_score.Weights | None = None,
            name_count: int = 0) -> Match | None:
    """The match between two people with its probability (percent) and reasons, or None below the threshold.

    ``namesakes``: how many people on the roll share these names and sex and were born
    within a year in the same place (the larger count of the two people's). ``model``:
    other weights than those shipped (the benchmark's train-on-one, test-on-the-other).
    ``name_count``: how many people on the roll share these names and sex and were born
    within a year, wherever (the larger count; match_score.Weights.name_count_ref).
    """
    model = model or match_score.weights()
    found = comparison_levels(a, b, namesakes, father_share=model.father_share)
    if found is None:
        return None
    levels, reasons = found
    probability = model.probability(levels, name_count, namesakes)
    if levels["document"] == "different_number":
        # Weak evidence against, never a veto: a pair that would be shown without the
        # numbers is still shown (at the threshold at least), the reason named.
        without = model.probability({**levels, "document": "none"}, name_count, namesakes)
        if without < model.threshold:
            return None
        score = max(_percent(probability), round(model.threshold * 100))
        # Ranked below the same pair without the numbers, which rounding could hide.
        score = min(score, _percent(without) - 1) if _percent(without) > round(model.threshold * 100) else score
        reasons.append(["id_different", {}])
        return Match(b, score, reasons)
    if probability < model.threshold:
        return None
    return Match(b, _percent(probability), reasons)


def _percent(probability: float) -> int:
    """A probability as the whole percent shown (never 0 or 100: the weights are estimates)."""
    return max(1, min(99, round(probability * 100)))


# ---- checking one registration -----------------------------------------------

def candidates(session: Session, person: Person) -> tuple[list[Person], int, int]:
    """People on the roll sharing a blocking key (or the ID number) with ``person``, its namesakes and name count.

    The namesakes are those sharing the names key born within a year in the same place,
    the name count those born within a year anywhere (see ``compare``), counting ``person``.
    Of the others, only those ``compare`` could match: dates that can be one birthday,
    and without a shared document number, none the rules turn down (``_ruled_out``).
    """
    key_names, key_given, key_family, key_last = keys(person.given_names, person.family_name, person.sex)
    born = person.date_of_birth
    year = born.year
    # A year either side for every key: a typo and a slip on the year at once (compound variants).
    lookups = [{"key": key, "low": year - 1, "high": year + 1} for key in (key_names, key_last, key_given, key_family)]
    statements = lookup_statements()
    chosen = statements[:4]
    if not (person.birth_year_only or (born.month, born.day) == (1, 1)):
        dates = birthday_dates(born)
        chosen = [statements[0], *statements[5:]]
        for lookup in lookups[1:]:
            lookup["dates"] = dates
    if person.id_number:
        lookups.append({"key": person.id_number.strip()})
        chosen.append(statements[4])
    # Plain rows, not ORM objects: a common name brings a thousand people sharing only
    # a first name on a national roll. Of those, as in the batch scan, only the ones
    # whose other name could be a typo of this one's are kept.
    given_skeleton, family_skeleton = key_given[2:], key_family[2:]
    found: dict[int, Person] = {}
    seen: set[int] = set()
    place = place_key(person.place_of_birth)
    namesakes = name_count = 1
    connection = session.connection()
    # Those sharing one first name (lookups 2 and 3) share a few hundred other names: each
    # is tried once. Per lookup: the row's other name and key, this person's, its skeleton, the tried.
    other_name = {2: ("family_name", "key_family", person.family_name, family_skeleton, {}),
                  3: ("given_names", "key_given", person.given_names, given_skeleton, {})}
    for n, lookup in enumerate(lookups):
        rows = connection.execute(chosen[n], lookup)
        for row in rows:
            voter_id = row[0]
            if voter_id == person.id or voter_id in found or (n < 4 and voter_id in seen):
                continue
            seen.add(voter_id)
            if n == 0:
                name_count += 1
                if place_key(row.place_of_birth) == place:
                    namesakes += 1
            other = Person(*row[:len(PERSON_COLUMNS)])
            # As the scan: dates that cannot be one birthday are compared only with a shared document number.
            if n < 4 and (not could_be_one_birthday(person, other) or _ruled_out(person, other)):
                continue
            if n in other_name:
                text_column, key_column, mine, skeleton, tried = other_name[n]
                pair = (getattr(row, text_column), getattr(row, key_column))
                close = tried.get(pair)
                if close is None:
                    close = tried[pair] = near(mine, pair[0], skeleton, pair[1][2:])
                if not close:
                    continue
            found[voter_id] = other
    return list(found.values()), namesakes, name_count


def _ruled_out(a: Person, b: Person) -> bool:
    """Whether ``compare`` turns the two down by its rules alone (``comparison_levels``), cheaper than it does.

    Without a shared document number: a vague date a year from the other, another place
    of birth or father's name. Dates that can be one birthday (could_be_one_birthday) only.
    """
    if (a.id_number and b.id_number and a.id_type == b.id_type
            and normalise_id(a.id_number) == normalise_id(b.id_number)):
        return False
    da, db = a.date_of_birth, b.date_of_birth
    if da.year != db.year and (a.birth_year_only or b.birth_year_only or (da.month, da.day) == (1, 1)
                               or (db.month, db.day) == (1, 1)):
        return True  # compare_dates: vague_year_apart
    return (_same_text(a.place_of_birth, b.place_of_birth, place=True) is False
            or _same_text(a.father_name, b.father_name) is False)


def serialise(session: Session, person: Person) -> None:
    """Hold, until the transaction ends, a lock shared with everyone who could match ``person``.

    Two clerks registering one person at the same moment would each check, find
    nobody, and both save. Every pair the check can find shares one of these keys
    (see ``candidates``), so the second check waits for the first save and sees it.
    """
    key_names, key_given, key_family, key_last = keys(person.given_names, person.family_name, person.sex)
    year = person.date_of_birth.year
    # The single-name keys are checked a year either side: each registration takes its
    # year and the next, so two registrations a year apart share one of them.
    lock_keys = [f"dedup:{key_names}", f"dedup:last:{key_last}",
                 *(f"dedup:{key}|{y}" for key in (key_given, key_family) for y in (year, year + 1))]
    if person.id_number:
        lock_keys.append(f"dedup:id|{normalise_id(person.id_number)}")
    locks.hold(session, *lock_keys)


def check(session: Session, person: Person, limit: int = 10) -> list[Match]:
    """The likely duplicates of ``person`` already on the roll, best first."""
    others, namesakes, name_count = candidates(session, person)
    matches = [m for m in (compare(person, other, namesakes, name_count=name_count) for other in others) if m]
    matches.sort(key=lambda m: -m.score)
    return matches[:limit]

"""A second labelled roll, built differently from synthetic.py, to measure duplicate detection on.

For benchmarks and tests, never for real use. Names come from per-country frequency
tables shipped in data/names/ (Liberia, Sierra Leone, DR Congo, Central African
Republic, Libya: names only, sources in its README). Libyans are written with the
four-part chain (own, father's and grandfather's given names, family name) half the
time, in Arabic script or in Latin. Variants are made by their own procedure
(``Variants``): every kind the issue listed, one at a time and two at once, and a
second registration brings another paper more often than the same one (sometimes the
same kind of document with another number). Hard negatives are different people who
look alike: namesakes born the same year, siblings sharing their father's name, twins.
"""

import csv
import random
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from electoral.registration.synthetic import COLUMNS, SyntheticRoll

DATA = Path(__file__).with_name("data") / "names"
COUNTRIES = {"liberia": 25, "sierra_leone": 30, "drc": 20, "car": 10, "libya": 15}  # share of the roll
SINGLE_KINDS = ["particle", "first_given_dropped", "first_given_added", "typo_short", "typo", "arabic_letter_dropped",
                "script_four_part", "spelling", "swapped", "middle_dropped", "year_only", "jan1",
                "day_month_swapped", "year_apart", "same_document_other_number"]
COMPOUND_KINDS = ["typo+year_apart", "script+particle", "first_given_dropped+jan1", "spelling+typo",
                  "swapped+year_only", "particle+day_month_swapped"]
KINDS = SINGLE_KINDS + COMPOUND_KINDS
NEGATIVE_KINDS = ["namesakes_same_year", "namesakes_year_only", "siblings_father", "twins"]
TWIN_NAMES = {"M": [("Hassan", "Hussein"), ("Taiwo", "Kehinde"), ("Jean", "Joseph"), ("Foday", "Lansana")],
              "F": [("Fatima", "Zainab"), ("Esther", "Ruth"), ("Hawa", "Adama"), ("Marie", "Jeanne")]}


@cache
def table(country: str) -> dict[str, list[tuple[str, list[str]]]]:
    """The country's names by kind: (name, Latin spellings) in rank order."""
    found: dict[str, list[tuple[str, list[str]]]] = {}
    with open(DATA / f"{country}.csv", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            latin = row["latin"].split("|") if row["latin"] else [row["name"]]
            found.setdefault(row["kind"], []).append((row["name"], latin))
    return found


@dataclass
class Person:
    country: str
    sex: str
    given: list[tuple[str, list[str]]]
    family: tuple[str, list[str]]
    father: tuple[str, list[str]] | None
    born: date
    year_only: bool
    place: tuple[str, list[str]]
    id_type: str
    id_number: str
    centre: str
    arabic: bool  # written in Arabic script (Libyans only)
    spelling: dict[str, str] = field(default_factory=dict)  # Latin spelling chosen per Arabic name


def _text(name: tuple[str, list[str]], person: Person, arabic: bool | None = None) -> str:
    if person.country != "libya":
        return name[0]
    if person.arabic if arabic is None else arabic:
        return name[0]
    return person.spelling.get(name[0], name[1][0])


def row_of(person: Person, arabic: bool | None = None) -> dict[str, str]:
    """The person as one line of a registration file."""
    return {
        "family_name": _text(person.family, person, arabic),
        "given_names": " ".join(_text(g, person, arabic) for g in person.given),
        "father_name": _text(person.father, person, arabic) if person.father else "",
        "sex": person.sex,
        "date_of_birth": str(person.born.year) if person.year_only else person.born.isoformat(),
        "place_of_birth": _text(person.place, person, arabic),
        "centre_code": person.centre, "id_type": person.id_type, "id_number": person.id_number, "phone": "",
    }


class People:
    """Draws people from the tables with rank-weighted choices."""

    def __init__(self, centres: list[str], rng: random.Random, today: date = date(2026, 6, 1)):
        self.rng, self.centres, self.today, self.serial = rng, centres, today, 0

    def pick(self, country: str, kind: str) -> tuple[str, list[str]]:
        names = table(country)[kind]
        return self.rng.choices(names, weights=[(rank + 1) ** -0.9 for rank in range(len(names))])[0]

    def number(self, kind: str) -> str:
        self.serial += 1
        return f"{ {'national_id': 'NIN', 'passport': 'PP', 'old_voter_card': 'OVC'}[kind]}-{self.serial:07d}"

    def person(self, country: str | None = None, sex: str | None = None) -> Person:
        rng = self.rng
        country = country or rng.choices(list(COUNTRIES), weights=list(COUNTRIES.values()))[0]
        sex = sex or rng.choice("MF")
        own = "male" if sex == "M" else "female"
        father = self.pick(country, "male")
        if country == "libya":
            # The nasab: own name, father's, grandfather's, then the family name.
            given = [self.pick(country, own)] + ([father, self.pick(country, "male")] if rng.random() < 0.5 else [])
        else:
            given = [self.pick(country, own)] + ([self.pick(country, own)] if rng.random() < 0.35 else [])
        if len(given) > 1 and given[0] == given[1]:
            given = given[:1]
        born = self.today - timedelta(days=rng.randint(18 * 366, 85 * 365))
        year_only = rng.random() < 0.08
        if year_only:
            born = date(born.year, 7, 1)
        elif rng.random() < 0.05:
            born = date(born.year, 1, 1)
        id_type = rng.choices(["national_id", "passport", "old_voter_card"], [75, 10, 15])[0]
        person = Person(country, sex, given, self.pick(country, "family"), father if rng.random() < 0.92 else None,
                        born, year_only, self.pick(country, "town"), id_type, self.number(id_type),
                        rng.choice(self.centres), country == "libya" and rng.random() < 0.5)
        for name in [*given, person.family, father, person.place]:
            person.spelling[name[0]] = rng.choice(name[1])
        return person


class Variants:
    """Second registrations of a person, one kind of difference (or two) at a time."""

    def __init__(self, people: People):
        self.people, self.rng = people, people.rng

    def make(self, person: Person, kind: str) -> dict[str, str] | None:
        row = row_of(person)
        for part in kind.split("+"):
            row = self._apply(person, part, row)
            if row is None:
                return None
        if "same_document_other_number" not in kind:
            # Most come back with another paper; some with the same one.
            if self.rng.random() < 0.7:
                row["id_type"] = self.rng.choice([t for t in ("national_id", "passport", "old_voter_card")
                                                  if t != person.id_type])
                row["id_number"] = self.people.number(row["id_type"])
        return row

    def _apply(self, person: Person, kind: str, row: dict[str, str]) -> dict[str, str] | None:
        rng = self.rng
        if kind == "particle":
            for column in ("family_name", "given_names"):
                text = row[column]
                if "-" in text or re.search(r"\b(Al|El|Ben|Bin|Bel) ", text):
                    # Written joined (Al-Zawi -> AlZawi or Alzawi) or, when joined, apart.
                    parts = re.split(r"[- ]", text, maxsplit=1)
                    joined = parts[0] + (parts[1] if rng.random() < 0.5 else parts[1].lower())
                    return {**row, column: joined}
                if re.match(r"^(Al|El)[A-Z]", text):
                    return {**row, column: text[:2] + "-" + text[2:]}
            return None
        if kind in ("first_given_dropped", "middle_dropped"):
            # Whole names dropped, not words: عبد الله is one name.
            if len(person.given) < 2 or row["given_names"] != row_of(person)["given_names"]:
                return None
            kept = person.given[1:] if kind == "first_given_dropped" else person.given[:1]
            return {**row, "given_names": " ".join(_text(g, person) for g in kept)}
        if kind == "first_given_added":
            own = "male" if person.sex == "M" else "female"
            extra = _text(self.people.pick(person.country, own), person)
            if extra in row["given_names"].split():
                return None
            return {**row, "given_names": f"{extra} {row['given_names']}"}
        if kind in ("typo", "typo_short"):
            column = rng.choice(["family_name", "given_names"])
            words = row[column].split()
            fit = [i for i, w in enumerate(words) if re.fullmatch(r"[A-Za-z]+", w)
                   and (4 <= len(w) <= 5 if kind == "typo_short" else len(w) >= 5)]
            if not fit:
                return None
            i = rng.choice(fit)
            words[i] = _typo(words[i], rng, transpose_only=kind == "typo_short" and len(words[i]) == 4)
            return {**row, column: " ".join(words)}
        if kind == "arabic_letter_dropped":
            if not (person.country == "libya" and person.arabic):
                return None
            words = row["given_names"].split()
            fit = [i for i, w in enumerate(words) if len(w) >= 4]
            if not fit:
                return None
            i = rng.choice(fit)
            inner = [p for p in range(1, len(words[i]) - 1) if words[i][p] not in "اوي"]
            if not inner:
                return None
            p = rng.choice(inner)
            words[i] = words[i][:p] + words[i][p + 1:]
            return {**row, "given_names": " ".join(words)}
        if kind in ("script_four_part", "script"):
            if person.country != "libya" or (kind == "script_four_part" and len(person.given) < 3):
                return None
            other = row_of(person, arabic=not person.arabic)
            return {**row, **{k: other[k] for k in ("family_name", "given_names", "father_name", "place_of_birth")}}
        if kind == "spelling":
            names = [n for n in [*person.given, person.family] if len(n[1]) > 1]
            if person.country != "libya" or person.arabic or not names:
                return None
            name = rng.choice(names)
            other = replace(person, spelling={**person.spelling,
                                              name[0]: rng.choice([v for v in name[1] if v != person.spelling[name[0]]])})
            written = row_of(other)
            return {**row, "given_names": written["given_names"], "family_name": written["family_name"]}
        if kind == "swapped":
            return {**row, "given_names": row["family_name"], "family_name": row["given_names"]}
        born = person.born
        if kind == "year_only":
            return None if person.year_only else {**row, "date_of_birth": str(born.year)}
        if kind == "jan1":
            if person.year_only or (born.month, born.day) == (1, 1):
                return None
            return {**row, "date_of_birth": date(born.year, 1, 1).isoformat()}
        if kind == "day_month_swapped":
            if person.year_only or born.day > 12 or born.day == born.month:
                return None
            return {**row, "date_of_birth": date(born.year, born.day, born.month).isoformat()}
        if kind == "year_apart":
            if person.year_only or (born.month, born.day) == (2, 29):
                return None
            return {**row, "date_of_birth": born.replace(year=born.year + rng.choice((-1, 1))).isoformat()}
        if kind == "same_document_other_number":
            return {**row, "id_number": self.people.number(person.id_type)}
        raise ValueError(kind)


def _typo(word: str, rng: random.Random, transpose_only: bool = False) -> str:
    """One slip of the pen inside a word: a letter swapped with the next, changed, dropped or doubled."""
    position = rng.randrange(1, len(word) - 1)
    how = "transpose" if transpose_only else rng.choice(["transpose", "change", "drop", "double"])
    if how == "transpose":
        return word[:position] + word[position + 1] + word[position] + word[position + 2:]
    if how == "change":
        letter = rng.choice([c for c in "bdgklmnprstaeiou" if c != word[position].lower()])
        return word[:position] + letter + word[position + 1:]
    if how == "drop":
        return word[:position] + word[position + 1:]
    return word[:position] + word[position] + word[position:]


def _negative(people: People, kind: str) -> tuple[Person, Person]:
    rng = people.rng
    a = people.person()
    b = people.person(a.country, a.sex)
    b.arabic = a.arabic
    if kind.startswith("namesakes"):
        # Two people with one name, born the same year, of other fathers.
        b.given, b.family = list(a.given), a.family
        b.spelling.update({k: v for k, v in a.spelling.items() if k in {g[0] for g in a.given} | {a.family[0]}})
        b.born = date(a.born.year, rng.randint(1, 12), rng.randint(1, 28))
        b.year_only = False
        # Of other fathers, both named: what tells namesakes apart.
        a.father = a.father or people.pick(a.country, "male")
        while b.father is None or b.father[0] == a.father[0]:
            b.father = people.pick(a.country, "male")
        b.spelling.setdefault(b.father[0], b.father[1][0])
        if kind == "namesakes_year_only":
            a.year_only, a.born, b.place = True, date(a.born.year, 7, 1), a.place
        return a, b
    # Siblings and twins: one family, one father, one place.
    b.family, b.father, b.place = a.family, a.father, a.place
    b.spelling.update({a.family[0]: a.spelling[a.family[0]], a.place[0]: a.spelling[a.place[0]]})
    if a.father:
        b.spelling[a.father[0]] = a.spelling.get(a.father[0], a.father[1][0])
    if kind == "siblings_father":
        # Libyan brothers share father's and grandfather's names in the chain; others often a second name.
        b.given = [b.given[0], *a.given[1:]]
        if b.given[0][0] == a.given[0][0]:
            return _negative(people, kind)
        b.born = a.born.replace(year=a.born.year + rng.choice((-3, -2, 2, 3, 5)), day=min(a.born.day, 28))
        b.year_only = a.year_only
        return a, b
    first, second = rng.choice(TWIN_NAMES[a.sex])
    a.given = [(first, [first])] + a.given[1:]
    b.given = [(second, [second])] + a.given[1:]
    b.born, b.year_only = a.born, a.year_only
    return a, b


def generate(size: int, centres: list[str], duplicates: int | None = None, negatives: int | None = None,
             seed: int = 17) -> SyntheticRoll:
    """``size`` rows: people, their second registrations of every kind, and pairs of hard negatives."""
    rng = random.Random(seed)
    people = People(centres, rng)
    variants = Variants(people)
    duplicates = size // 10 if duplicates is None else duplicates
    negatives = size // 13 if negatives is None else negatives
    roll = SyntheticRoll(rows=[], centres=centres)
    originals: list[tuple[int, Person]] = []
    for _ in range(size - duplicates - 2 * negatives):
        person = people.person()
        originals.append((len(roll.rows), person))
        roll.rows.append(row_of(person))
    index, attempts = 0, 0
    while len(roll.duplicates) < duplicates and attempts < duplicates * 50:
        attempts += 1
        kind = KINDS[index % len(KINDS)]
        original, person = rng.choice(originals)
        row = variants.make(person, kind)
        if row is None:
            continue
        index += 1
        roll.duplicates.append((original, len(roll.rows), kind))
        roll.rows.append(row)
    for n in range(negatives):
        kind = NEGATIVE_KINDS[n % len(NEGATIVE_KINDS)]
        a, b = _negative(people, kind)
        roll.negatives.append((len(roll.rows), len(roll.rows) + 1, kind))
        roll.rows.extend([row_of(a), row_of(b)])
    assert all(set(row) == set(COLUMNS) for row in roll.rows[:1])
    return roll

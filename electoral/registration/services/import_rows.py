"""Checking the rows of an import file: every rule, and the very values the voter table receives.

Checking a row builds the tuple the voter table receives (blocking and sorting keys
included), with the lookups done once per file: polling centres by code, the user's
scope per centre, the keys of each distinct name. Each row carries a hash of its
content and of how many identical rows came before it in the file (``import_key``),
by which a re-run of an import recognises the rows already written (see imports.py).
"""

import calendar
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core import dates
from electoral.core.tabular import read_columns
from electoral.geography.models import PollingCentre
from electoral.registration.models import ATTESTATION
from electoral.registration.services import dedup, election, evidence, names
from electoral.registration.services.voters import sort_key_of_folds

IMPORT_COLUMNS = ["family_name", "given_names", "sex", "date_of_birth", "centre_code", "id_type"]
IMPORT_OPTIONAL = ["father_name", "place_of_birth", "id_number", "phone"]
ALL_COLUMNS = ["family_name", "given_names", "father_name", "sex", "date_of_birth", "place_of_birth",
               "centre_code", "id_type", "id_number", "phone"]
SEX_WORDS = {"f": "F", "female": "F", "femme": "F", "feminin": "F", "m": "M", "male": "M", "homme": "M",
             "masculin": "M", "ذكر": "M", "أنثى": "F", "انثى": "F"}
# The voter table's columns in the order the checked rows carry them; the rest are set per batch.
ROW_COLUMNS = ("family_name", "given_names", "father_name", "sex", "date_of_birth", "birth_year_only",
               "birth_year", "place_of_birth", "centre_id", "id_type", "id_number", "phone",
               "key_names", "key_given", "key_family", "key_last", "sort_key", "import_key")
IMPORT_KEY_LENGTH = 32  # hex digits of SHA-256 kept (Voter.import_key)
PROGRESS_EVERY = 20_000  # rows between two progress reports while checking


@dataclass
class Rejected:
    line: int
    values: dict[str, str]
    reason: str


# (stage "checking", "loading" (a bulk load), "writing" or "scanning", rows done, rows in all)
Progress = Callable[[str, int, int], None]


def parse_date(text: str, order: str = dates.DAY_FIRST) -> tuple[date, bool]:
    """A date of birth as people write it: 1990-05-14, 14/05/1990 (in the election's order), or only the year."""
    return dates.parse(text, order, year_only=True)


class RowChecker:
    """Checks rows against the rules, with every lookup a rule needs done once per file."""

    def __init__(self, session: Session, user=None, today: date | None = None):
        settings = election.require(session)
        self.polling_day, self.minimum_age = settings.polling_day, settings.minimum_age
        self.date_order = settings.date_order or dates.DAY_FIRST
        self.today = today or date.today()
        # Old enough on polling day means born on or before this day (28 February when the
        # polling day is 29 February and that year, minimum_age earlier, has none).
        day, year = self.polling_day, self.polling_day.year - self.minimum_age
        leap_day_missing = (day.month, day.day) == (2, 29) and not calendar.isleap(year)
        self.born_by = date(year, 2, 28) if leap_day_missing else day.replace(year=year)
        self.user = user
        # Plain ids by code: the caller may commit while rows are checked (a job's progress),
        # and an expired centre object would be read again from the database at each use.
        self.centres = {c.code: (c.id, c) for c in session.scalars(select(PollingCentre))}
        self._in_scope: dict[int, bool] = {}
        self._names: dict[str, tuple[str, str]] = {}
        # SQLite keeps dates as ISO text: rows carry it ready, as SQLAlchemy would convert it.
        self._dates_as_text = session.get_bind().dialect.name == "sqlite"
        self._seen: Counter[bytes] = Counter()
        # The election's evidence types by every word a file may use; an attestation needs two
        # voters who attest in person, which a file cannot carry.
        self.evidence = evidence.Resolver.of(session)
        self.document_types = ", ".join(c for c in self.evidence.known if c != ATTESTATION)

    def settle(self) -> None:
        """Look up now what checking rows would look up later: a forked checker must not query."""
        for centre_id, centre in self.centres.values():
            self._allowed(centre_id, centre)
        get_locale()
        get_translations()

    def _allowed(self, centre_id: int, centre: PollingCentre) -> bool:
        allowed = self._in_scope.get(centre_id)
        if allowed is None:
            allowed = self._in_scope[centre_id] = self.user is None or self.user.can_act_in(centre)
        return allowed

    def _name(self, text: str) -> tuple[str, str, str]:
        # The same names come back thousands of times in a roll (whole given names far less
        # often than each name alone): work out each name's skeleton and folded form once.
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = (names.block_skeleton(text), names.display_fold(text),
                                         names.block_skeleton(text, last=True))
        return found

    def _name_keys(self, given: str, family: str, sex: str) -> tuple[str, str, str, str, str]:
        given_skeleton, given_fold, given_last = self._name(given)
        family_skeleton, family_fold, family_last = self._name(family)
        return (*dedup.keys_of_skeletons(given_skeleton, family_skeleton, sex, given_last, family_last),
                sort_key_of_folds(family_fold, given_fold))

    def check(self, values: tuple[str, ...]) -> tuple:
        """The voter table's values for a row read in ``ALL_COLUMNS`` order (``ROW_COLUMNS``).

        ValueError with every reason the row breaks a rule.
        """
        family, given, father, sex_text, born_text, place, centre_code, id_type_text, id_number, phone = values
        problems = []
        if not family:
            problems.append(_("%(column)s is empty", column="family_name"))
        if not given:
            problems.append(_("%(column)s is empty", column="given_names"))
        sex = SEX_WORDS.get(sex_text.lower())
        if sex is None:
            problems.append(_("sex must be F or M, not \"%(value)s\"", value=sex_text))
        born, year_only = None, False
        try:
            born, year_only = parse_date(born_text, self.date_order)
        except ValueError as problem:
            problems.append(f"date_of_birth {problem}")
        if born is not None:
            if born > self.today:
                problems.append(_("date of birth is in the future"))
            elif born > self.born_by:
                problems.append(_("under %(min)d on polling day", min=self.minimum_age))
        centre_id, centre = self.centres.get(centre_code, (None, None))
        if centre_id is None:
            problems.append(_("no polling centre has the code \"%(code)s\"", code=centre_code))
        elif not self._allowed(centre_id, centre):
            problems.append(_("polling centre %(code)s is outside your area", code=centre_code))
        rule = self.evidence.resolve(id_type_text)
        id_type = rule.code if rule is not None else ""
        if rule is None or id_type == ATTESTATION:
            problems.append(_("id_type must be one of %(types)s", types=self.document_types))
        elif not id_number:
            if rule.number_required:
                problems.append(_("id_number is empty"))
        elif problem := rule.number_problem(id_number):
            problems.append(problem)
        if problems:
            raise ValueError("; ".join(problems))
        # The row's content, as read: with how many identical rows came before it, its import key.
        content = "\x1f".join(values)
        # 128 bits of SHA-256: no two rows of a national roll collide, and the key's index
        # is half the size of a whole digest's.
        first = hashlib.sha256(f"{content}\x1e0".encode()).digest()[:16]
        # Counted by the first copy's digest, not by the text: a million rows' texts held
        # until the end would slow the whole check down.
        occurrence = self._seen[first]
        self._seen[first] = occurrence + 1
        key = first.hex() if not occurrence else \
            hashlib.sha256(f"{content}\x1e{occurrence}".encode()).hexdigest()[:IMPORT_KEY_LENGTH]
        key_names, key_given, key_family, key_last, sorting = self._name_keys(given, family, sex)
        return (family, given, father or None, sex, born.isoformat() if self._dates_as_text else born, year_only,
                born.year, place or None, centre_id, id_type, id_number or None, phone or None, key_names, key_given,
                key_family, key_last, sorting, key)


def checked_batches(checker: RowChecker, data: bytes, filename: str,
                    batch_size: int) -> Iterator[tuple[list[tuple], list[Rejected]]]:
    """The file's rows checked, in batches: (values of ``batch_size`` good rows, the rows rejected meanwhile)."""
    good, bad = [], []
    check = checker.check
    for line, values in read_columns(data, filename, ALL_COLUMNS, IMPORT_COLUMNS):
        try:
            good.append(check(values))
        except ValueError as problem:
            bad.append(Rejected(line, dict(zip(ALL_COLUMNS, values, strict=True)), str(problem)))
        if len(good) == batch_size:
            yield good, bad
            good, bad = [], []
    yield good, bad


def read_rows(session: Session, data: bytes, filename: str, user=None, today: date | None = None,
              progress: Progress | None = None, lines: int | None = None) -> tuple[list[tuple], list[Rejected]]:
    """Every row of the file checked: (good rows' values, in ``ROW_COLUMNS`` order; rejected rows with reasons).

    ``lines``: the file's newlines, when the caller has counted them already.
    """
    checker = RowChecker(session, user=user, today=today)
    good, bad = [], []
    approx = max((data.count(b"\n") if lines is None else lines) - 1, 1)
    for batch, rejected in checked_batches(checker, data, filename, PROGRESS_EVERY):
        good.extend(batch)
        bad.extend(rejected)
        if progress:
            progress("checking", len(good) + len(bad), approx)
    if progress:
        progress("checking", len(good) + len(bad), len(good) + len(bad))
    return good, bad

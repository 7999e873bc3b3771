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
from itertools import compress, repeat
from operator import add, itemgetter, methodcaller

from flask_babel import get_locale, get_translations
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core import dates
from electoral.core.tabular import read_column_chunks
from electoral.geography.models import PollingCentre
from electoral.registration.models import ATTESTATION
from electoral.registration.services import dedup, election, evidence, names
from electoral.registration.services.copy_text import copy_lines
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
CHUNK = 1000  # rows read and checked at a time (checked_batches)


_FIRST_BYTES = itemgetter(slice(0, 16))


def _first_digest(content: str) -> bytes:
    """128 bits of the SHA-256 of a row's content and 0: its import key, when it is the first such row in the file.

    128 bits: no two rows of a national roll collide, and the key's index is half the size of a whole digest's.
    """
    return hashlib.sha256(f"{content}\x1e0".encode()).digest()[:16]


def _number_wrong(rule: evidence.Rule, number: str) -> bool:
    """What ``_validated`` refuses of an evidence number (read stripped) for a type."""
    if not number:
        return rule.number_required
    return rule.pattern is not None and not rule.pattern.fullmatch(number)


def _parts(column: list[tuple], width: int) -> list[list]:
    return [list(map(itemgetter(part), column)) for part in range(width)]


def _or_none(column: list[str]) -> list[str | None]:
    return [value or None for value in column] if "" in column else column


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
        self._names: dict[str, tuple[str, str, str]] = {}
        # The same, part by part (skeleton, folded form, last token's skeleton): ``check_many``
        # maps a column through each dict, with no tuple per row to take apart.
        self._name_parts: tuple[dict[str, str], ...] = ({}, {}, {})
        # Rows carry dates as ISO text: SQLite keeps them so (as SQLAlchemy would convert them),
        # PostgreSQL's COPY reads them so, and a forked checker's marshal takes no date objects.
        self._dates_as_text = session.get_bind().dialect.name in ("sqlite", "postgresql")
        self._seen: Counter[bytes] = Counter()
        # The election's evidence types by every word a file may use; an attestation needs two
        # voters who attest in person, which a file cannot carry.
        self.evidence = evidence.Resolver.of(session)
        self.document_types = ", ".join(c for c in self.evidence.known if c != ATTESTATION)
        # ``check_many``'s verdicts on each distinct text of a column: the row's value, or None
        # when the text breaks a rule (``check`` then words the reasons).
        self._sexes: dict[str, str | None] = {}
        self._dates: dict[str, tuple | None] = {}
        self._date_parts: tuple[dict, ...] = ({}, {}, {})  # a good date's three values, part by part
        self._centre_ids: dict[str, int | None] = {}
        self._types: dict[str, str | None] = {}
        self._wrong: dict[str, set[str]] = {}  # the texts judged None, by judge

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
            for parts, part in zip(self._name_parts, found, strict=True):
                parts[text] = part
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
        family, given, father, _sex_text, _born_text, place, _centre_code, _id_type_text, id_number, phone = values
        sex, born, year_only, centre_id, id_type = self._validated(values)
        # The row's content, as read: with how many identical rows came before it, its import key.
        content = "\x1f".join(values)
        key = self._import_key(content, _first_digest(content))
        key_names, key_given, key_family, key_last, sorting = self._name_keys(given, family, sex)
        return (family, given, father or None, sex, born.isoformat() if self._dates_as_text else born, year_only,
                born.year, place or None, centre_id, id_type, id_number or None, phone or None, key_names, key_given,
                key_family, key_last, sorting, key)

    def check_many(self, lines: list[int], rows: list[tuple[str, ...]], columns: list[list[str]],
                   copy_text: bool = False) -> tuple[list[tuple] | list[str], list[Rejected]]:
        """``check`` of a chunk of rows, given also column by column: (good rows' values, rejected rows).

        The very values and reasons ``check`` gives row by row, worked out column by
        column: each distinct sex word, date, centre code, evidence type and name is judged
        once (a roll repeats them endlessly), and each row costs a few C-level maps and
        zips, not a Python call per rule. A row that breaks a rule goes through
        ``_validated``, which words every reason as ``check`` does.

        ``copy_text``: each good row as a line of PostgreSQL's COPY text instead (``copy_text.copy_lines``).
        """
        suspects = self._suspects(rows, columns)
        bad = []
        if suspects:
            keep = [True] * len(rows)
            for index in sorted(suspects):
                try:
                    self._validated(rows[index])
                except ValueError as problem:
                    bad.append(Rejected(lines[index], dict(zip(ALL_COLUMNS, rows[index], strict=True)), str(problem)))
                    keep[index] = False
                else:  # the verdicts and _validated are the same rules: they cannot disagree
                    raise RuntimeError(f"line {lines[index]}: the import's two checks disagree")
            rows = list(compress(rows, keep))
            columns = [list(compress(column, keep)) for column in columns]
        if not rows:
            return [], bad
        family, given, father, sex_text, born_text, place, centre_code, id_type_text, id_number, phone = columns
        sexes = list(map(self._sexes.__getitem__, sex_text))
        # Each part of a date or a name by a map through its own dict: no tuple per row to take apart.
        born, year_only, year = (list(map(parts.__getitem__, born_text)) for parts in self._date_parts)
        # difference() with the dict looks up each of the chunk's names; ``- dict.keys()`` would
        # copy every name met so far into a set, chunk after chunk.
        for text in set(family).union(given).difference(self._names):
            self._name(text)
        skeletons, folds, lasts = self._name_parts
        keys = _parts(list(map(dedup.keys_of_skeletons, map(skeletons.__getitem__, given),
                               map(skeletons.__getitem__, family), sexes, map(lasts.__getitem__, given),
                               map(lasts.__getitem__, family))), 4)
        centres = map(self._centre_ids.__getitem__, centre_code)
        types = map(self._types.__getitem__, id_type_text)
        sorting = map(sort_key_of_folds, map(folds.__getitem__, family), map(folds.__getitem__, given))
        if copy_text:
            return copy_lines(ROW_COLUMNS, [family, given, father, sexes, born, year_only, year, place, centres, types, id_number,
                               phone, *keys, sorting, self._import_keys(rows)]), bad
        good = list(zip(family, given, _or_none(father), sexes, born, year_only, year, _or_none(place), centres, types,
                        _or_none(id_number), _or_none(phone), *keys, sorting, self._import_keys(rows), strict=True))
        return good, bad

    def _suspects(self, rows: list[tuple[str, ...]], columns: list[list[str]]) -> set[int]:
        """The rows of a chunk that break a rule, found by judging each distinct text of a column once."""
        family, given, _father, sex_text, born_text, _place, centre_code, id_type_text, id_number, _phone = columns
        suspects = {index for column in (family, given) if "" in column
                    for index, text in enumerate(column) if not text}
        for column, verdicts, judge in ((sex_text, self._sexes, self._sex_verdict),
                                        (born_text, self._dates, self._date_verdict),
                                        (centre_code, self._centre_ids, self._centre_verdict),
                                        (id_type_text, self._types, self._type_verdict)):
            distinct = set(column)
            wrong = self._wrong.setdefault(judge.__name__, set())
            for text in distinct.difference(verdicts):  # the chunk's texts looked up, not the dict copied
                verdicts[text] = verdict = judge(text)
                if verdict is None:
                    wrong.add(text)
            if not wrong.isdisjoint(distinct):
                suspects.update(index for index, text in enumerate(column) if text in wrong)
        rules = {text: self.evidence.resolve(text) for text in set(id_type_text)}
        typed = {text for text, rule in rules.items() if rule is not None and rule.pattern is not None}
        if typed:  # a number in a format: each row's number looked at
            suspects.update(index for index, (text, number) in enumerate(zip(id_type_text, id_number, strict=True))
                            if rules[text] is not None and _number_wrong(rules[text], number))
        elif "" in id_number:  # otherwise only a missing number can be wrong
            suspects.update(index for index, (text, number) in enumerate(zip(id_type_text, id_number, strict=True))
                            if not number and rules[text] is not None and rules[text].number_required)
        return suspects

    def _sex_verdict(self, text: str) -> str | None:
        return SEX_WORDS.get(text.lower())

    def _date_verdict(self, text: str) -> tuple | None:
        born, year_only, problems = self._date(text)
        if problems:
            return None
        verdict = born.isoformat() if self._dates_as_text else born, year_only, born.year
        for parts, part in zip(self._date_parts, verdict, strict=True):
            parts[text] = part
        return verdict

    def _centre_verdict(self, code: str) -> int | None:
        centre_id, centre = self.centres.get(code, (None, None))
        return centre_id if centre_id is not None and self._allowed(centre_id, centre) else None

    def _type_verdict(self, text: str) -> str | None:
        rule = self.evidence.resolve(text)
        return None if rule is None or rule.code == ATTESTATION else rule.code

    def _import_keys(self, rows: list[tuple[str, ...]]) -> list[str]:
        """``_import_key`` of each row, by C-level maps when no row repeats one met before (nearly always)."""
        contents = list(map("\x1f".join, rows))
        firsts = list(map(_FIRST_BYTES, map(methodcaller("digest"), map(
            hashlib.sha256, map(str.encode, map(add, contents, repeat("\x1e0")))))))
        if len(set(firsts)) == len(firsts) and self._seen.keys().isdisjoint(firsts):
            self._seen.update(firsts)
            return list(map(bytes.hex, firsts))
        return list(map(self._import_key, contents, firsts))

    def _import_key(self, content: str, first: bytes) -> str:
        """The import key of a row whose content's first digest (``_first_digest``) is ``first``."""
        # Counted by the first copy's digest, not by the text: a million rows' texts held
        # until the end would slow the whole check down.
        occurrence = self._seen[first]
        self._seen[first] = occurrence + 1
        return first.hex() if not occurrence else \
            hashlib.sha256(f"{content}\x1e{occurrence}".encode()).hexdigest()[:IMPORT_KEY_LENGTH]

    def _date(self, text: str) -> tuple[date | None, bool, list[str]]:
        """(date of birth, only its year given, why it will not do) of a date as written."""
        problems = []
        born, year_only = None, False
        try:
            born, year_only = parse_date(text, self.date_order)
        except ValueError as problem:
            problems.append(f"date_of_birth {problem}")
        if born is not None:
            if born > self.today:
                problems.append(_("date of birth is in the future"))
            elif born > self.born_by:
                problems.append(_("under %(min)d on polling day", min=self.minimum_age))
        return born, year_only, problems

    def _validated(self, values: tuple[str, ...]) -> tuple[str, date, bool, int, str]:
        """(sex, date of birth, year only, centre id, evidence type) of a row that breaks no rule.

        ValueError with every reason the row breaks a rule.
        """
        family, given, _father, sex_text, born_text, _place, centre_code, id_type_text, id_number, _phone = values
        problems = []
        if not family:
            problems.append(_("%(column)s is empty", column="family_name"))
        if not given:
            problems.append(_("%(column)s is empty", column="given_names"))
        sex = SEX_WORDS.get(sex_text.lower())
        if sex is None:
            problems.append(_("sex must be F or M, not \"%(value)s\"", value=sex_text))
        born, year_only, date_problems = self._date(born_text)
        problems.extend(date_problems)
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
        return sex, born, year_only, centre_id, id_type


def checked_batches(checker: RowChecker, data: bytes, filename: str, batch_size: int, lossy_checked: bool = False,
                    copy_text: bool = False) -> Iterator[tuple[list[tuple] | list[str], list[Rejected]]]:
    """The file's rows checked, in batches: (values of at least ``batch_size`` good rows, the rows rejected meanwhile).

    The last batch holds the rest (maybe none). Rows are read and checked ``CHUNK`` at a
    time (or ``batch_size``, if fewer): chunks that fit the processor's caches go several
    times faster than big ones. ``lossy_checked``: the caller looks for names lost to the
    file's encoding (see tabular.lossy_slices). ``copy_text``: good rows as lines of COPY text (``copy_text.copy_lines``).
    """
    good, bad = [], []
    chunks = read_column_chunks(data, filename, ALL_COLUMNS, IMPORT_COLUMNS, min(CHUNK, batch_size), lossy_checked)
    for lines, rows, columns in chunks:
        chunk_good, chunk_bad = checker.check_many(lines, rows, columns, copy_text)
        good += chunk_good
        bad += chunk_bad
        if len(good) >= batch_size:
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

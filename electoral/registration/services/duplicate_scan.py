"""The batch duplicate scan: the whole roll compared block by block, new pairs queued for a supervisor."""

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from electoral.core.audit import append_entries
from electoral.core.memory import paused_gc
from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import dedup, name_compare
from electoral.registration.services.dedup import could_be_one_birthday
from electoral.registration.services.scan_pairs import block_pairs, date_signature, related_tokens

# Which pairs the scan compares, without comparing every pair of a block: scan_pairs.py.
# Blocks are independent, so they are shared out between processes (forked after
# the roll is read, so the roll is read once); each returns the matches it found.

_COLUMNS = (Voter.id, Voter.family_name, Voter.given_names, Voter.father_name, Voter.sex,
            Voter.date_of_birth, Voter.birth_year_only, Voter.place_of_birth, Voter.id_type,
            Voter.id_number, Voter.voter_number, Voter.key_names, Voter.key_given, Voter.key_family,
            Voter.key_last, Voter.birth_year)
PARALLEL_FROM = 100_000  # below this many voters, starting processes costs more than it saves
_CHUNK = 20_000  # block members per piece of work handed to a process


@dataclass
class _Snapshot:
    """The roll as the scan holds it in memory, with its blocks."""

    people: list[dedup.Person] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    # The first given and family names' tokens (names.Token) by number in ``tokens`` (-1 for none),
    # and for each, the others a typo, a sound or a name joined away that can be one name (scan_pairs).
    given_token: list[int] = field(default_factory=list)
    family_token: list[int] = field(default_factory=list)
    tokens: list = field(default_factory=list)
    related: dict[int, list[int]] = field(default_factory=dict)
    names_keys: list[str] = field(default_factory=list)
    namesakes: list[int] = field(default_factory=list)  # same names, born within a year in one place (dedup.compare)
    name_counts: list[int] = field(default_factory=list)  # same names, born within a year anywhere
    # (kind, key) -> member indexes, in id order; kind "n" names, "l" last names, "g" given name,
    # "f" family name, "i" ID
    blocks: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    neighbours: dict[str, set[str]] = field(default_factory=dict)  # written first names one edit apart
    skeleton_neighbours: dict[str, set[str]] = field(default_factory=dict)
    involving: set[int] | None = None


def _roll_rows(session: Session, batch_size: int):
    """The roll's voters (``_COLUMNS``) as the driver's plain tuples, in id order.

    Straight from the driver's cursor, on the session's connection and transaction:
    SQLAlchemy's rows and type conversions cost more than everything else the scan
    does per voter while it reads. On PostgreSQL a named (server-side) cursor streams
    the roll; SQLite's cursor steps through it. SQLite's dates come as ISO text.
    """
    connection = session.connection()
    dialect = connection.dialect
    statement = select(*_COLUMNS).where(Voter.registered).order_by(Voter.id)
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    driver = connection.connection.driver_connection
    cursor = driver.cursor(name="roll_scan") if dialect.name == "postgresql" else driver.cursor()
    born_at = _COLUMNS.index(Voter.date_of_birth)
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(batch_size):
            if dialect.name == "sqlite":
                for row in rows:
                    yield (*row[:born_at], date.fromisoformat(row[born_at]), *row[born_at + 1:])
            else:
                yield from rows
    finally:
        cursor.close()


def _read_roll(session: Session, batch_size: int) -> _Snapshot:
    return snapshot(_roll_rows(session, batch_size))


class _TokenNumbers(dict):
    """A name's first token as a number in ``tokens`` (-1 for an empty name), each name text worked out once."""

    def __init__(self, tokens: list):
        super().__init__()
        self.tokens, self.numbers = tokens, {}

    def __call__(self, text: str) -> int:
        number = self.get(text)
        if number is None:
            token = name_compare.first_token(text)
            number = -1 if token is None else self.numbers.setdefault(token, len(self.numbers))
            if number == len(self.tokens):
                self.tokens.append(token)
            self[text] = number
        return number


def snapshot(rows) -> _Snapshot:
    """The roll in memory with its blocks, from rows of ``_COLUMNS`` (also how the weights are fitted).

    Worked out column by column: a loop over a million rows costs more than all it does.
    """
    snap = _Snapshot()
    rows = list(rows)
    (voter_ids, family_names, given_names, father_names, sexes, borns, year_only, places, id_types, id_numbers,
     voter_numbers, key_names, key_given, key_family, key_last, years) = zip(*rows, strict=True) if rows else [()] * len(_COLUMNS)
    del rows
    snap.people = list(map(dedup.Person, voter_ids, family_names, given_names, father_names, sexes, borns, year_only,
                           places, id_types, id_numbers, voter_numbers))
    snap.signatures = list(map(date_signature, borns, year_only))
    snap.years, snap.names_keys = list(years), list(key_names)
    token_of = _TokenNumbers(snap.tokens)
    for texts, numbers in ((given_names, snap.given_token), (family_names, snap.family_token)):
        number_of = {text: token_of(text) for text in dict.fromkeys(texts)}
        numbers.extend(map(number_of.__getitem__, texts))
    # A block per key, whatever the birth year: scan_pairs.block_pairs pairs each year
    # with itself and the year before.
    normalise_id = dedup.normalise_id
    by_id: dict[str, list[int]] = defaultdict(list)
    for index, (id_type, id_number) in enumerate(zip(id_types, id_numbers, strict=True)):
        if id_number:
            by_id[f"{id_type}:{normalise_id(id_number)}"].append(index)
    by_names = _grouped(key_names)
    snap.namesakes, snap.name_counts = _namesakes(by_names.values(), snap.years, places)
    snap.blocks = {(kind, key): members
                   for kind, found in (("i", by_id), ("n", by_names), ("l", _grouped(key_last)),
                                       ("g", _grouped(key_given)), ("f", _grouped(key_family)))
                   for key, members in found.items() if len(members) > 1}
    snap.related = related_tokens(snap.tokens)
    return snap


def _grouped(keys) -> dict[str, list[int]]:
    """The row indexes by key."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        groups[key].append(index)
    return groups


def _namesakes(names_blocks, years: list[int], places: list[str | None]) -> tuple[list[int], list[int]]:
    """For each voter, how many share the names key born within a year in the same place, and anywhere.

    Counting the voter (dedup.compare's ``namesakes`` and ``name_count``): one alone in its
    names block counts only itself.
    """
    namesakes, name_counts = [1] * len(years), [1] * len(years)
    place_key = dedup.place_key
    for members in names_blocks:
        if len(members) < 2:
            continue
        per_year: dict[int, int] = defaultdict(int)
        per_place: dict[tuple[int, str], int] = defaultdict(int)
        for index in members:
            per_year[years[index]] += 1
            per_place[(years[index], place_key(places[index]))] += 1
        for index in members:
            year, place = years[index], place_key(places[index])
            name_counts[index] = per_year.get(year - 1, 0) + per_year[year] + per_year.get(year + 1, 0)
            namesakes[index] = (per_place.get((year - 1, place), 0) + per_place[(year, place)]
                                + per_place.get((year + 1, place), 0))
    return namesakes, name_counts


def candidate_pairs(snap: _Snapshot, keys: list[tuple[str, str]] | None = None, dates: bool = True,
                    rules: bool = False):
    """The (first, second) indexes of every pair the blocks bring to a comparison, each once.

    The older record first, whichever block found the pair. ``dates``: only pairs whose
    dates of birth can be one birthday (dedup.could_be_one_birthday), as the scan and
    the check compare; the weights are fitted on all of them, so that they learn what
    two different dates say. ``rules`` (the scan): only pairs the comparison's rules
    could let through (dedup.comparison_levels); of those the rules turn down without a
    shared document number (a vague date a year apart, another place of birth or father's
    name: nine in ten of a large roll's candidates), the ones sharing a number are met
    in their ID block.
    """
    seen: set[tuple[int, int]] = set()
    people, involving = snap.people, snap.involving
    same_text = dedup._same_text
    for kind, key in snap.blocks if keys is None else keys:
        prune = rules and kind != "i"
        for first, second in block_pairs(snap, kind, snap.blocks[(kind, key)], prune):
            if first > second:
                first, second = second, first
            a, b = people[first], people[second]
            if involving is not None and a.id not in involving and b.id not in involving:
                continue
            if dates and kind != "i" and not could_be_one_birthday(a, b):
                continue
            if prune and (same_text(a.place_of_birth, b.place_of_birth, place=True) is False
                          or same_text(a.father_name, b.father_name) is False):
                continue
            if (first, second) in seen:
                continue
            seen.add((first, second))
            yield first, second


def _scan_blocks(snap: _Snapshot, keys: list[tuple[str, str]]) -> dict[tuple[int, int], dedup.Match]:
    found: dict[tuple[int, int], dedup.Match] = {}
    people, namesakes, name_counts = snap.people, snap.namesakes, snap.name_counts
    for first, second in candidate_pairs(snap, keys, rules=True):
        match = dedup.compare(people[first], people[second], max(namesakes[first], namesakes[second]),
                              name_count=max(name_counts[first], name_counts[second]))
        if match:
            a, b = people[first], people[second]
            found[(a.id, b.id) if a.id < b.id else (b.id, a.id)] = match
    return found


_SHARED: _Snapshot | None = None  # the roll a forked worker reads (inherited, never pickled)


def _scan_shared(keys: list[tuple[str, str]]) -> tuple[int, list[tuple[int, int, int, list]]]:
    found = _scan_blocks(_SHARED, keys)
    work = sum(len(_SHARED.blocks[key]) for key in keys)
    return work, [(low, high, match.score, match.reasons) for (low, high), match in found.items()]


def _chunks(snap: _Snapshot, size: int) -> list[list[tuple[str, str]]]:
    """The blocks in chunks of about ``size`` members, the ID blocks first."""
    chunks, current, weight = [], [], 0
    for key in sorted(snap.blocks, key=lambda k: k[0] != "i"):
        current.append(key)
        weight += len(snap.blocks[key])
        if weight >= size:
            chunks.append(current)
            current, weight = [], 0
    if current:
        chunks.append(current)
    return chunks


def scan(session: Session, progress: Callable[[int, int], None] | None = None, batch_size: int = 50_000,
         involving: set[int] | None = None, workers: int | None = None) -> int:
    """Compare the whole roll block by block; queue every new pair; return how many were queued.

    ``involving`` limits the pairs to those with at least one of these voters (an import).
    ``workers`` processes share the blocks (default: one per core on a large roll).
    """
    with paused_gc():  # in the workers too: they are forked with it paused
        return _scan(session, progress, batch_size, involving, workers)


def _scan(session: Session, progress: Callable[[int, int], None] | None, batch_size: int,
          involving: set[int] | None, workers: int | None) -> int:
    global _SHARED
    snap = _read_roll(session, batch_size)
    if involving is not None:
        # Only blocks holding one of these voters can yield a pair with one of them.
        people = snap.people
        snap.blocks = {key: members for key, members in snap.blocks.items()
                       if any(people[index].id in involving for index in members)}
        snap.involving = involving
    total = len(snap.people)
    if workers is None:
        workers = (os.cpu_count() or 1) if total >= PARALLEL_FROM else 1
    chunks = _chunks(snap, _CHUNK)
    work_total = sum(len(members) for members in snap.blocks.values()) or 1
    results: list[tuple[int, int, int, list]] = []
    done = 0
    _SHARED = snap
    try:
        if workers > 1 and len(chunks) > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                outcomes = pool.imap_unordered(_scan_shared, chunks)
                for work, found in outcomes:
                    results.extend(found)
                    done += work
                    if progress:
                        progress(total * done // work_total, total)
        else:
            for chunk in chunks:
                work, found = _scan_shared(chunk)
                results.extend(found)
                done += work
                if progress:
                    progress(total * done // work_total, total)
    finally:
        _SHARED = None
    del snap
    if progress:
        progress(total, total)
    return _queue_found(session, results)


def _queue_found(session: Session, results: list[tuple[int, int, int, list]]) -> int:
    """Insert the new pairs in bulk (a pair raised or decided before is skipped) and mark their voters."""
    known = {(a, b) for a, b in session.execute(select(DuplicatePair.voter_a_id, DuplicatePair.voter_b_id))}
    pairs: dict[tuple[int, int], tuple[int, list]] = {}
    for low, high, score, reasons in results:
        if (low, high) not in known:
            pairs.setdefault((low, high), (score, reasons))
    if not pairs:
        return 0
    rows = [{"voter_a_id": low, "voter_b_id": high, "score": score, "reasons": reasons, "status": "open",
             "found_by": "scan"} for (low, high), (score, reasons) in sorted(pairs.items())]
    session.execute(insert(DuplicatePair), rows)
    flagged = sorted({voter_id for pair in pairs for voter_id in pair})
    marked = []
    for start in range(0, len(flagged), 5000):
        chunk = flagged[start:start + 5000]
        ids = list(session.scalars(select(Voter.id).where(Voter.id.in_(chunk), Voter.status == "active")))
        if ids:
            session.execute(update(Voter).where(Voter.id.in_(ids)).values(status="possible_duplicate")
                            .execution_options(synchronize_session=False))
            marked.extend(ids)
    # Bulk writes bypass the ORM's per-row audit, so the scan records one entry naming
    # every pair it queued and every voter it marked, in the same transaction.
    append_entries(session, [{
        "action": "create", "entity_type": "DuplicateScan", "entity_id": f"{len(rows)} pairs", "before": None,
        "after": {"pairs": [[low, high] for low, high in sorted(pairs)], "marked_possible_duplicate": marked},
    }])
    session.expire_all()
    return len(rows)

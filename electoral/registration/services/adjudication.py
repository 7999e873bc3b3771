"""The adjudication queue: a supervisor decides whether two records are one person."""

from collections import defaultdict
from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import dedup, roll
from electoral.registration.services.voters import queue_pair


def _settle_status(session: Session, voter: Voter) -> None:
    """A possible duplicate becomes active again once no open pair names it."""
    if voter.status != "possible_duplicate":
        return
    still_open = session.scalar(select(DuplicatePair.id).where(
        DuplicatePair.status == "open",
        or_(DuplicatePair.voter_a_id == voter.id, DuplicatePair.voter_b_id == voter.id)).limit(1))
    if not still_open:
        voter.status = "active"


def decide(session: Session, pair: DuplicatePair, is_duplicate: bool, username: str,
           keep: Voter | None = None) -> DuplicatePair:
    """Record the supervisor's decision; a duplicate removes the record not kept."""
    if pair.status != "open":
        raise ValidationFailed(_("This pair was already decided."))
    pair.decided_by, pair.decided_at = username, utcnow()
    if not is_duplicate:
        pair.status = "not_duplicate"
        session.flush()
        for voter in (pair.voter_a, pair.voter_b):
            _settle_status(session, voter)
        session.flush()
        return pair
    keep = keep or pair.voter_a
    if keep.id not in (pair.voter_a_id, pair.voter_b_id):
        raise ValidationFailed(_("Keep one of the two records of the pair."))
    drop = pair.voter_b if keep.id == pair.voter_a_id else pair.voter_a
    pair.status = "duplicate"
    session.flush()
    roll.remove(session, drop, "duplicate", username, kept=keep,
                note=_("duplicate of %(number)s", number=keep.voter_number))
    # The removed record's other open pairs are moot now.
    for other in session.scalars(select(DuplicatePair).where(
            DuplicatePair.status == "open",
            or_(DuplicatePair.voter_a_id == drop.id, DuplicatePair.voter_b_id == drop.id))):
        other.status, other.decided_by, other.decided_at = "duplicate", username, utcnow()
    session.flush()
    _settle_status(session, keep)
    session.flush()
    return pair


def queue_query(status: str = "open"):
    """The select for the adjudication queue page, highest scores first."""
    query = select(DuplicatePair).order_by(DuplicatePair.score.desc(), DuplicatePair.id)
    return query.where(DuplicatePair.status == status) if status else query


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(DuplicatePair.status, func.count()).group_by(DuplicatePair.status))
    return {status: n for status, n in rows}


# ---- batch scan --------------------------------------------------------------

_COLUMNS = (Voter.id, Voter.family_name, Voter.given_names, Voter.father_name, Voter.sex,
            Voter.date_of_birth, Voter.birth_year_only, Voter.place_of_birth, Voter.id_type,
            Voter.id_number, Voter.voter_number, Voter.key_names, Voter.key_given, Voter.key_family,
            Voter.birth_year)


def _quick_date_link(a: dedup.Person, b: dedup.Person) -> bool:
    """A cheap filter before the full comparison: could these two dates be one birthday?"""
    da, db = a.date_of_birth, b.date_of_birth
    if abs(da.year - db.year) > 1:
        return False
    if a.birth_year_only or b.birth_year_only or da == db:
        return True
    if da.year == db.year:
        return (da.month, da.day) in ((1, 1), (db.day, db.month)) or (db.month, db.day) == (1, 1)
    return (da.month, da.day) == (db.month, db.day)


def _date_signature(person: dedup.Person) -> str:
    """Birthdays that can be one person's share a signature: the day and month in either order.

    A year-only date, or 1 January (the usual default), can be anyone's birthday in
    that year: "*" marks them to be compared with the whole block.
    """
    born = person.date_of_birth
    if person.birth_year_only or (born.month, born.day) == (1, 1):
        return "*"
    low, high = sorted((born.month, born.day))
    return f"{low}-{high}"


def _block_pairs(members: list[int], signatures: list[str]):
    """Index pairs worth comparing within one block: same date signature, or one of them a wildcard."""
    buckets: dict[str, list[int]] = defaultdict(list)
    for index in members:
        buckets[signatures[index]].append(index)
    wild = buckets.pop("*", [])
    for bucket in buckets.values():
        for i, first in enumerate(bucket):
            for second in bucket[i + 1:]:
                yield first, second
    for i, first in enumerate(wild):
        for second in wild[i + 1:]:
            yield first, second
        for bucket in buckets.values():
            for second in bucket:
                yield first, second


def scan(session: Session, progress: Callable[[int, int], None] | None = None, batch_size: int = 50_000,
         involving: set[int] | None = None) -> int:
    """Compare the whole roll block by block; queue every new pair; return how many were queued.

    ``involving`` limits the pairs to those with at least one of these voters (an import).
    """
    total = session.scalar(select(func.count()).select_from(Voter).where(Voter.status != "removed")) or 0
    people: list[dedup.Person] = []
    signatures: list[str] = []
    keys: list[tuple[str, str, str, int]] = []
    blocks: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    id_blocks: dict[str, list[int]] = defaultdict(list)
    result = session.execute(select(*_COLUMNS).where(Voter.status != "removed").order_by(Voter.id)
                             .execution_options(yield_per=batch_size))
    for row in result:
        index = len(people)
        person = dedup.Person(row.id, row.family_name, row.given_names, row.father_name, row.sex,
                              row.date_of_birth, row.birth_year_only, row.place_of_birth, row.id_type,
                              row.id_number, row.voter_number)
        people.append(person)
        signatures.append(_date_signature(person))
        keys.append((row.key_names, row.key_given, row.key_family, row.birth_year))
        # The names key is blocked across a year's margin by putting each voter in
        # its own year and the next; the single-name keys stay within one year.
        blocks[("n", row.key_names, row.birth_year)].append(index)
        blocks[("n", row.key_names, row.birth_year + 1)].append(index)
        blocks[("g", row.key_given, row.birth_year)].append(index)
        blocks[("f", row.key_family, row.birth_year)].append(index)
        if row.id_number:
            id_blocks[f"{row.id_type}:{dedup.normalise_id(row.id_number)}"].append(index)
    known = {(a, b) for a, b in session.execute(select(DuplicatePair.voter_a_id, DuplicatePair.voter_b_id))}
    found: dict[tuple[int, int], dedup.Match] = {}

    def elsewhere(kind: str, year: int, first: int, second: int) -> bool:
        """True when another block compares this pair, so each pair is compared once without
        remembering millions of pairs (the names block of the later year, then given, then family)."""
        names_a, given_a, _family_a, year_a = keys[first]
        names_b, given_b, _family_b, year_b = keys[second]
        if kind == "n":
            return max(year_a, year_b) != year
        if names_a == names_b and abs(year_a - year_b) <= 1:
            return True
        return kind == "f" and given_a == given_b and year_a == year_b

    def consider(first: int, second: int, by_id: bool) -> None:
        a, b = people[first], people[second]
        pair = (a.id, b.id) if a.id < b.id else (b.id, a.id)
        if pair in found or pair in known:
            return
        if involving is not None and a.id not in involving and b.id not in involving:
            return
        if not by_id and not _quick_date_link(a, b):
            return
        match = dedup.compare(a, b)
        if match:
            found[pair] = match

    for members in id_blocks.values():
        for i, first in enumerate(members):
            for second in members[i + 1:]:
                consider(first, second, True)
    done, work = 0, sum(len(members) for members in blocks.values()) or 1
    for (kind, _key, year), members in blocks.items():
        if len(members) > 1:
            for first, second in _block_pairs(members, signatures):
                if not elsewhere(kind, year, first, second):
                    consider(first, second, False)
        done += len(members)
        if progress and done % 50_000 < len(members):
            progress(total * done // work, total)
    if progress:
        progress(total, total)
    for (low, high), match in found.items():
        queue_pair(session, low, high, match.score, match.reasons, "scan")
    if found:
        flagged = sorted({voter_id for pair in found for voter_id in pair})
        for start in range(0, len(flagged), 5000):
            chunk = flagged[start:start + 5000]
            for voter in session.scalars(select(Voter).where(Voter.id.in_(chunk), Voter.status == "active")):
                voter.status = "possible_duplicate"
    session.flush()
    return len(found)

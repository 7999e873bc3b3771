"""Walking the audit trail to check it: every entry's hash, its place in the chain, and the seal of
entries still waiting for their place (``electoral audit verify``, the audit page, backups)."""

import hmac
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core.audit_hash import GENESIS, entry_hash, seal
from electoral.core.models import AuditEntry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    entry_id: int
    message: str


def verify_chain(session: Session, batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole trail; return how many entries were read and every break found.

    Read-only and lock-free. An entry still waiting for its place in the chain is
    sound if its seal is; one without a valid seal was put there by hand.
    """
    problems: list[ChainProblem] = []
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for row in session.execute(select(AuditEntry.__table__).where(AuditEntry.seq.is_(None))).mappings():
        if not hmac.compare_digest(row["hash"] or "", seal(row)):
            problems.append(ChainProblem(0, row["id"], _("inserted outside the chain: it has no place in it")))
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq).execution_options(yield_per=batch_size)
    ).scalars()
    for entry in rows:
        count += 1
        fields = {c: getattr(entry, c) for c in (
            "seq", "created_at", "user_id", "username", "action", "entity_type",
            "entity_id", "before", "after", "prev_hash")}
        if entry_hash(fields) != entry.hash:
            problems.append(ChainProblem(entry.seq, entry.id, _("altered: its content no longer matches its hash")))
        if entry.seq != expected_seq:
            problems.append(ChainProblem(
                entry.seq, entry.id,
                _("entries %(first)d to %(last)d are missing (removed)", first=expected_seq, last=entry.seq - 1)
                if entry.seq > expected_seq else _("out of order: its sequence number repeats or goes back")))
        elif entry.prev_hash != expected_prev:
            problems.append(ChainProblem(
                entry.seq, entry.id,
                _("does not chain to the entry before it: that entry was altered, "
                  "or this one was inserted or moved")))
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    return count, problems

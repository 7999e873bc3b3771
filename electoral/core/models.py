"""Models shared by every domain: the audit trail and the auditable mixin."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from electoral.extensions import db


def sql_in(column: str, values) -> str:
    """The SQL of a check constraint ``column IN (...)`` over a state tuple (strings quoted, numbers as they are)."""
    def literal(value) -> str:
        return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"

    return f"{column} IN ({', '.join(literal(v) for v in values)})"


def utcnow() -> datetime:
    return datetime.now(UTC)


class Audited:
    """Marks a model whose creates, updates and deletes go to the audit trail.

    Columns named in ``__audit_secret__`` are recorded only as changed, never
    with their value (password hashes, tokens).
    """

    __audit_secret__: frozenset[str] = frozenset()


class AuditEntry(db.Model):
    """One change to one record; append-only, each entry hashing the one before."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Position in the chain; unique so two writers cannot fork it. Empty only
    # between the flush that wrote the entry and the commit that chains it.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))
    entity_type: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

"""Queries over the audit trail for the administrator's pages and reports."""

import datetime as dt

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from electoral.core.models import AuditEntry


def audit_query(username: str = "", entity_type: str = "", action: str = "", entity_id: str = "",
                date_from: dt.date | None = None, date_to: dt.date | None = None) -> Select:
    """The trail, newest first, filtered as the administrator asks."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc())
    if username:
        query = query.where(AuditEntry.username.ilike(f"%{username.strip()}%"))
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if action:
        query = query.where(AuditEntry.action == action)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id.strip())
    if date_from:
        query = query.where(AuditEntry.created_at >= dt.datetime.combine(date_from, dt.time.min, dt.UTC))
    if date_to:
        query = query.where(AuditEntry.created_at < dt.datetime.combine(
            date_to + dt.timedelta(days=1), dt.time.min, dt.UTC))
    return query


def entity_types(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)))

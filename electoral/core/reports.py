"""The audit trail on paper, for inspectors and archives (administrators only)."""

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from electoral.core.auth import Role
from electoral.core.models import AuditEntry
from electoral.core.services import audit_query, entity_types
from electoral.extensions import db
from electoral.reports.registry import Param, report

MAX_CHANGE_TEXT = 300
ACTIONS = {"create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted")}


def _record_types() -> list[tuple[str, str]]:
    return [(name, name) for name in entity_types(db.session)]


def _value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def changes(entry: AuditEntry) -> str:
    """What the entry changed, in one line; secret columns are already "***" in the trail."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "update":
        parts = [f"{key}: {_value(before.get(key))} → {_value(after[key])}" for key in after]
    else:
        parts = [f"{key}={_value(value)}" for key, value in (after if entry.action == "create" else before).items()
                 if value is not None]
    text = "; ".join(parts)
    return text if len(text) <= MAX_CHANGE_TEXT else text[:MAX_CHANGE_TEXT - 1] + "…"


@report("audit-extract", title=_l("Audit trail extract"), roles=[Role.ADMINISTRATOR], background=True,
        description=_l("Entries of the audit trail, filtered by user, record type, action and dates."),
        params=[Param("user", _l("User")),
                Param("record_type", _l("Record type"), kind="choice", choices=_record_types),
                Param("action", _l("Action"), kind="choice", choices=list(ACTIONS.items())),
                Param("date_from", _l("From"), kind="date"),
                Param("date_to", _l("To"), kind="date")])
def build(doc, params) -> None:
    query = audit_query(username=params["user"] or "", entity_type=params["record_type"] or "",
                        action=params["action"] or "", date_from=params["date_from"],
                        date_to=params["date_to"])
    filters = [f"{label}: {value}" for label, value in (
        (_("User"), params["user"]), (_("Record type"), params["record_type"]),
        (_("Action"), ACTIONS[params["action"]] if params["action"] else None),
        (_("From"), doc.date(params["date_from"])), (_("To"), doc.date(params["date_to"]))) if value]
    doc.area = _("Whole trail")
    doc.subtitle = "; ".join(filters)
    doc.title(_("Audit trail extract"))
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    doc.paragraph(_("Filters: %(filters)s", filters="; ".join(filters)) if filters else _("No filter: every entry."))
    doc.figures({_("Entries"): count})
    rows = []
    for entry in db.session.scalars(query.execution_options(yield_per=2000)):
        rows.append([str(entry.seq), doc.datetime(entry.created_at, "short"), entry.username,
                     str(ACTIONS.get(entry.action, entry.action)), f"{entry.entity_type} {entry.entity_id}",
                     changes(entry)])
    doc.table([_("No."), _("Time"), _("User"), _("Action"), _("Record"), _("Changes")], rows,
              [0.07, 0.15, 0.13, 0.1, 0.15, 0.4], align=["end", "start", "start", "start", "start", "start"],
              font_size=8)

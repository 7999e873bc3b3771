"""Versions of an imported XLSForm: a new `version` makes a new checklist version; the same one must not change."""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from electoral.core.errors import ImportFailed, LineError
from electoral.observation.models import ChecklistTemplate


def next_version(session: Session, existing: ChecklistTemplate, name: str, phase: str,
                 form_version: str) -> ChecklistTemplate:
    """A new draft version of ``existing``'s checklist, numbered after its latest."""
    template = ChecklistTemplate(code=existing.code, name=name.strip() or existing.name, phase=phase,
                                 version=existing.version + 1, published=False, retired=False,
                                 form_version=form_version)
    session.add(template)
    session.flush()
    return template


def content(template: ChecklistTemplate) -> dict[str, Any]:
    """Everything a form defines of a checklist, to tell whether two imports differ."""
    return {
        "name": template.name, "phase": template.phase,
        "sections": [(s.code, s.texts) for s in template.sections],
        "questions": [(q.code, q.type, q.texts, q.choices, q.minimum, q.maximum, q.required, q.relevance,
                       q.critical, q.tally, q.hints, q.constraint_message, q.default_value, q.constraint, q.choice_filter,
                       q.calculation, q.section.code if q.section else None) for q in template.questions],
    }


def same_version(session: Session, existing: ChecklistTemplate, imported: ChecklistTemplate) -> ChecklistTemplate:
    """The existing version when the re-import is the same form; refused when it changed without a new version."""
    if content(existing) != content(imported):
        shown = existing.form_version or _("(none)")
        raise ImportFailed([LineError(0, _(
            "settings sheet, column version: the checklist %(code)s was imported with version %(version)s and this "
            "file changes it. Raise version in the settings sheet to import it as a new version.",
            code=existing.code, version=shown))])
    session.delete(imported)
    session.flush()
    return existing

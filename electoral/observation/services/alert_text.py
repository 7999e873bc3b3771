"""A critical-answer alert in the reader's words: the question's label and the answer's choice labels."""

from typing import Any

from flask_babel import gettext as _

from electoral.observation.models import Alert, Question
from electoral.observation.services.checklists import text_in

__all__ = ["critical_answer"]


def _answer_in(question: Question, value: Any, lang: str) -> str:
    """An answer as the observer saw it on the form: a choice's label, yes or no in words, else the value."""
    if question.type == "yes_no":
        return {"yes": _("Yes"), "no": _("No")}.get(value, str(value))
    if question.type in ("single_choice", "multiple_choice"):
        labels = {c["value"]: text_in(c.get("texts"), lang) or c["value"] for c in question.choices or []}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def critical_answer(alert: Alert, lang: str) -> tuple[str, str] | None:
    """(question label, answer) of a critical-answer alert in ``lang``; None for an incident or a lost question.

    The alert's stored summary is English, written once at filing; a reader in French or Arabic
    reads the question and the answer in the words of the checklist in their language.
    """
    submission = alert.submission
    if submission is None or not alert.question_code:
        return None
    question = next((q for q in submission.template.questions if q.code == alert.question_code), None)
    if question is None or alert.question_code not in (submission.answers or {}):
        return None
    return text_in(question.texts, lang), _answer_in(question, submission.answers[alert.question_code], lang)

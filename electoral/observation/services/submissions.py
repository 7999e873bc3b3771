"""Validating and filing checklists: idempotent by client id, a correction makes a new revision."""

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from typing import Any

from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import locks
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography.models import PollingStation
from electoral.observation import conditions
from electoral.observation.models import (
    Alert,
    Answer,
    ChecklistTemplate,
    Observer,
    Question,
    Submission,
)
from electoral.observation.services.answer_types import geopoint_answer, image_answer, moment_answer
from electoral.observation.services.checklists import text_in
from electoral.observation.services.filing import Definition, ObserverRef, StationRef, definition_of

CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_TEXT = 2000


def _coerce(question: Question, raw: Any) -> tuple[Any, str | None]:
    """The typed answer, or an error message."""
    kind = question.type
    if kind == "multiple_choice":
        if raw is None:
            raw = []
        values = raw if isinstance(raw, list) else [v for v in str(raw).replace(",", " ").split() if v]
        allowed = {c["value"] for c in question.choices}
        bad = [str(v) for v in values if str(v) not in allowed]
        if bad:
            return None, _("Not a choice of this question: %(values)s.", values=", ".join(bad))
        return [str(v) for v in values] or None, None
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, (dict, list)):
        # A nested object where one value is expected: refused, never turned into text.
        return None, _("Give one value, not a list or an object.")
    if kind == "yes_no":
        value = {"yes": "yes", "no": "no", "true": "yes", "false": "no", True: "yes", False: "no"}.get(
            raw.lower() if isinstance(raw, str) else raw)
        return (value, None) if value else (None, _("Answer yes or no."))
    if kind in ("integer", "decimal"):
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = float(raw)
            if not math.isfinite(value):
                raise ValueError
            if kind == "integer":
                if not value.is_integer():
                    raise ValueError
                value = int(value)
        except (TypeError, ValueError, OverflowError):
            return None, _("Give a whole number.") if kind == "integer" else _("Give a number.")
        if question.minimum is not None and value < question.minimum:
            return None, _constraint_message(question) or _("At least %(n)s.", n=_plain(question.minimum))
        if question.maximum is not None and value > question.maximum:
            return None, _constraint_message(question) or _("At most %(n)s.", n=_plain(question.maximum))
        return value, None
    if kind == "single_choice":
        value = str(raw)
        if value not in {c["value"] for c in question.choices}:
            return None, _("Not a choice of this question: %(values)s.", values=value)
        return value, None
    if kind == "datetime":
        return moment_answer(raw)
    if kind == "geopoint":
        return geopoint_answer(raw)
    if kind == "image":
        return image_answer(raw)
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(raw)[:10]).isoformat(), None
        except ValueError:
            return None, _("Give a date as YYYY-MM-DD.")
    if kind == "time":
        value = str(raw)[:5]
        return (value, None) if TIME.match(value) else (None, _("Give a time as HH:MM."))
    value = str(raw)
    return (value, None) if len(value) <= MAX_TEXT else (None, _("At most %(n)d characters.", n=MAX_TEXT))


def _constraint_message(question: Question) -> str:
    """The form's own message for a broken constraint (XLSForm constraint_message), in the reader's language."""
    messages = getattr(question, "constraint_message", None) or {}
    if not messages:
        return ""
    locale = get_locale() if has_request_context() else None
    return text_in(messages, locale.language if locale else "en")


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def validate_answers(template: ChecklistTemplate, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed answers to the relevant questions, and every error by question code.

    Relevance is checked again here: an answer to a question the conditions hide is dropped.
    A repeat's entries come as a list of answers under the repeat's code; each entry is checked
    with its own answers, the top-level ones and its number (errors under "code[0].question").
    """
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    repeats = {r.code: r for r in template.repeats}
    known = {q.code for q in template.questions if not q.repeat_code} | set(repeats)
    for code in raw:
        if code not in known:
            errors[code] = [_("This checklist has no question %(code)s.", code=code)]
    for question in template.questions:
        if not question.repeat_code:
            _check(question, raw.get(question.code), clean, clean, errors, question.code)
        elif question.repeat_code not in clean:  # the repeat's first question: every entry, here, in order
            _check_entries(template, repeats[question.repeat_code], raw.get(question.repeat_code), clean, errors)
    return clean, errors


MAX_ENTRIES = 200


def _check_entries(template: ChecklistTemplate, repeat, raw: Any, clean: dict[str, Any],
                   errors: dict[str, list[str]]) -> None:
    """Each entry of a repeat checked as its own answers, with the top-level answers and its number beside them."""
    code = repeat.code
    entries = [] if raw in (None, "") else raw
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        errors[code] = [_("Give the entries as a list of answers.")]
        clean[code] = []
        return
    if len(entries) > MAX_ENTRIES:
        errors[code] = [_("At most %(n)d entries.", n=MAX_ENTRIES)]
        entries = entries[:MAX_ENTRIES]
    if repeat.repeat_count:  # XLSForm repeat_count: as many entries as the count says (0 when unanswered)
        expected = conditions.compute(conditions.parse_calculation(repeat.repeat_count), clean)
        expected = int(expected) if isinstance(expected, (int, float)) and not isinstance(expected, bool) else 0
        if len(entries) != expected:
            errors[code] = [_("Give %(n)d entries.", n=expected)]
    questions = [q for q in template.questions if q.repeat_code == code]
    codes = {q.code for q in questions}
    kept = []
    clean[code] = entries  # count(${repeat}) reads how many while the entries are checked
    for index, entry in enumerate(entries):
        for key in entry:
            if key not in codes:
                errors[f"{code}[{index}].{key}"] = [_("This checklist has no question %(code)s.", code=key)]
        own: dict[str, Any] = {}
        context = {**clean, conditions.POSITION: index + 1}
        for question in questions:
            _check(question, entry.get(question.code), own, {**context, **own}, errors,
                   f"{code}[{index}].{question.code}")
        # An entry none of whose questions is asked (the repeat's own relevance false) is not kept.
        if own or any(conditions.evaluate(conditions.parse(q.relevance), {**context, **own}) for q in questions):
            kept.append(own)
    clean[code] = kept


def _check(question: Question, raw: Any, into: dict[str, Any], context: dict[str, Any],
           errors: dict[str, list[str]], key: str) -> None:
    """One answer checked against its question, read with ``context`` (the answers it may name); kept in ``into``."""
    if question.type == "note" or not conditions.evaluate(conditions.parse(question.relevance), context):
        return  # a note is read, never answered
    if question.type == "calculate":
        # Computed here from the answers before it; whatever the client sent for it is not read.
        value = conditions.compute(conditions.parse_calculation(question.calculation), context)
        if value is not None:
            into[question.code] = value
        return
    value, error = _coerce(question, raw)
    if not error and value is not None and getattr(question, "choice_filter", ""):
        # The cascade's rule (XLSForm choice_filter): only the choices the earlier answers leave.
        tree = conditions.parse(question.choice_filter)
        left = {c["value"] for c in question.choices if conditions.choice_passes(tree, c, context)}
        if any(v not in left for v in (value if isinstance(value, list) else [value])):
            error = _("Not a choice of this question: %(values)s.", values=value)
    if not error and value is not None and getattr(question, "constraint", ""):
        # The form's own rule, read with the answers before it and "." for this one (as the phone does).
        if not conditions.evaluate(conditions.parse(question.constraint), {**context, ".": value}):
            error = _constraint_message(question) or _("This answer breaks the checklist's rule %(rule)s.",
                                                       rule=question.constraint)
    if error:
        errors[key] = [error]
    elif value is None:
        if question.required:
            errors[key] = [_("Answer this question.")]
    else:
        into[question.code] = value


def critical_questions(template: ChecklistTemplate, answers: dict[str, Any]) -> list[tuple[Question, Any]]:
    """The questions whose critical condition the answers meet, with the answer (a repeat's: each entry's)."""
    found = []
    for q in template.questions:
        if not q.critical:
            continue
        if not q.repeat_code:
            if q.code in answers and conditions.evaluate(conditions.parse(q.critical), answers, default=False):
                found.append((q, answers[q.code]))
            continue
        for index, entry in enumerate(answers.get(q.repeat_code) or [], start=1):
            context = {**answers, **entry, conditions.POSITION: index}
            if q.code in entry and conditions.evaluate(conditions.parse(q.critical), context, default=False):
                found.append((q, entry[q.code]))
    return found


def find_submission(session: Session, client_id: str) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.client_id == client_id))


@functools.cache
def _retry_or_previous_query():
    # A filing with this client id (a retry), and the current filing of the same checklist it corrects.
    return select(Submission).where(or_(
        Submission.client_id == bindparam("client_id"),
        and_(Submission.current.is_(True), Submission.station_id == bindparam("station_id"),
             Submission.observer_id == bindparam("observer_id"),
             Submission.template_id.in_(select(ChecklistTemplate.id).where(
                 ChecklistTemplate.code == bindparam("code")))))).with_for_update()


def parse_moment(value: Any) -> dt.datetime | None:
    """An ISO date-time from a phone, in UTC; None if unreadable."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def submit(session: Session, template: ChecklistTemplate | Definition, station: PollingStation | StationRef,
           raw: dict[str, Any], client_id: str, observer: Observer | ObserverRef | None = None, user: User | None = None,
           submitted_at: dt.datetime | None = None, known_new: bool = False,
           channel: str = "web", on_filing: Callable[[Submission], None] | None = None,
           locked: bool = False) -> tuple[Submission, bool]:
    """File a checklist; the same client id again returns the first filing (created False).

    A filing by the same observer for the same station and checklist after an
    earlier one is a correction: it becomes the next revision, the earlier kept.
    Two requests racing with one client id: the unique constraint refuses the
    second (IntegrityError at flush or commit); the caller rolls back and returns
    the first, as the API does. ``known_new`` skips the look-up the caller made.
    ``on_filing`` is called with a new filing before it is written, so that a record
    pointing to it (the SMS that carried it) goes in the same flush and audit append.
    ``locked``: the caller's filing_context already holds the filing lock.
    """
    if isinstance(template, ChecklistTemplate):
        template = definition_of(session, template)
    errors: dict[str, list[str]] = {}
    if not CLIENT_ID.match(client_id or ""):
        errors["client_id"] = [_("The client id must have 8 to 64 letters, digits, dashes or colons.")]
    if not template.published:
        errors["template"] = [_("This checklist is not published.")]
    clean, answer_errors = validate_answers(template, raw or {})
    errors.update({f"answers.{code}": msgs for code, msgs in answer_errors.items()})
    if errors:
        existing = None if known_new or not client_id else find_submission(session, client_id)
        if existing is not None:
            return existing, False
        raise ValidationFailed(errors)
    if observer is not None and not observer.accredited:
        # Callers also check deployment with the filing's context; accreditation is checked here so
        # that no path (page, API, SMS, import) files for an observer not or no longer accredited.
        raise ValidationFailed(_("Only accredited observers can file checklists."))
    observer_id = observer.id if observer else None
    # Two filings of one checklist at once would each find no current filing to correct (or
    # the same one) and both become current: the second waits here for the first.
    if not locked:
        locks.hold_pair(session, station.id, observer_id or 0)
    # One query finds both a filing with this client id (a retry) and the current filing it corrects.
    if observer_id is None:
        found = session.scalars(select(Submission).where(or_(
            Submission.client_id == client_id,
            and_(Submission.current.is_(True), Submission.station_id == station.id,
                 Submission.observer_id.is_(None), Submission.template_id.in_(select(ChecklistTemplate.id).where(
                     ChecklistTemplate.code == template.code))))).with_for_update()).all()
    else:
        found = session.scalars(_retry_or_previous_query(), {
            "client_id": client_id, "station_id": station.id, "observer_id": observer_id,
            "code": template.code}).all()
    existing = next((f for f in found if f.client_id == client_id), None)
    if existing is not None:
        return existing, False
    previous = next((f for f in found if f.current), None)
    now = utcnow()
    submission = Submission(
        client_id=client_id, template_id=template.id, station_id=station.id, observer_id=observer_id,
        user_id=user.id if user else None, submitted_at=submitted_at or now, received_at=now,
        revision=previous.revision + 1 if previous else 1, current=True, answers=clean, channel=channel,
        # The first revision leaves it empty; corrections point to the first.
        original_id=(previous.original_id or previous.id) if previous else None)
    critical = critical_questions(template, clean)
    submission.critical = bool(critical)
    if previous is not None:
        previous.current = False
    session.add(submission)
    # Alerts go in the same flush as the submission: one audit append for both.
    for question, value in critical:
        session.add(Alert(station_id=station.id, submission=submission, question_code=question.code,
                          status="open", note="",
                          summary=f"{question.code}: {text_in(question.texts, 'en')} = {_show(value)}"))
    if on_filing is not None:
        on_filing(submission)
    session.flush()
    if previous is not None:
        answers = Answer.__table__
        session.connection().execute(update(answers).where(answers.c.submission_id == previous.id)
                                     .values(current=False))
    rows = _answer_rows(template, submission.id, clean)
    if rows:
        # The table's plain INSERT: the ORM's bulk path costs more than the statement itself.
        session.connection().execute(_insert_answers(), rows)
    return submission, True


@functools.cache
def _insert_answers():
    return insert(Answer.__table__)


def _show(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _answer_rows(template: ChecklistTemplate | Definition, submission_id: int, answers: dict[str, Any]) -> list[dict]:
    rows = []
    for question in template.questions:
        # A repeat's question: a row per entry that answers it.
        entries = (answers.get(question.repeat_code) or []) if question.repeat_code else [answers]
        for value in (entry[question.code] for entry in entries if question.code in entry):
            rows += _rows_of(question, value, submission_id)
    return rows


def _rows_of(question: Question, value: Any, submission_id: int) -> list[dict]:
    # Every row with the same keys, so the insert goes as one statement.
    base = {"submission_id": submission_id, "question_id": question.id, "current": True}
    if question.type == "multiple_choice":
        return [{**base, "value_num": None, "value_text": v} for v in value]
    if question.type == "yes_no":
        return [{**base, "value_num": 1.0 if value == "yes" else 0.0, "value_text": value}]
    if question.type in ("integer", "decimal"):
        return [{**base, "value_num": float(value), "value_text": None}]
    return [{**base, "value_num": None, "value_text": str(value)[:500]}]


def history(session: Session, submission: Submission) -> list[Submission]:
    """Every revision of a submission, newest first."""
    original = submission.original_id or submission.id
    return list(session.scalars(select(Submission).where(
        or_(Submission.id == original, Submission.original_id == original))
                                .order_by(Submission.revision.desc())))

"""Validating and filing checklists (idempotent by client id, revisions), incidents, alerts, API tokens."""

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, exists, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from electoral.accounts.models import User, UserRole
from electoral.core import locks
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography.models import PollingStation
from electoral.observation import conditions
from electoral.observation.models import (
    ALERT_STATES,
    Alert,
    Answer,
    ApiToken,
    ChecklistTemplate,
    Incident,
    Observer,
    ObserverCentre,
    Question,
    Submission,
    is_accredited,
)
from electoral.observation.services.checklists import text_in
from electoral.observation.services.observers import stations_of

CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
INCIDENT_CATEGORIES = ("violence", "intimidation", "materials", "procedure", "access", "other")
SEVERITIES = ("low", "medium", "high")
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
    if kind == "yes_no":
        value = {"yes": "yes", "no": "no", "true": "yes", "false": "no", True: "yes", False: "no"}.get(
            raw.lower() if isinstance(raw, str) else raw)
        return (value, None) if value else (None, _("Answer yes or no."))
    if kind in ("integer", "decimal"):
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = float(raw)
            if kind == "integer":
                if not value.is_integer():
                    raise ValueError
                value = int(value)
        except (TypeError, ValueError):
            return None, _("Give a whole number.") if kind == "integer" else _("Give a number.")
        if question.minimum is not None and value < question.minimum:
            return None, _("At least %(n)s.", n=_plain(question.minimum))
        if question.maximum is not None and value > question.maximum:
            return None, _("At most %(n)s.", n=_plain(question.maximum))
        return value, None
    if kind == "single_choice":
        value = str(raw)
        if value not in {c["value"] for c in question.choices}:
            return None, _("Not a choice of this question: %(values)s.", values=value)
        return value, None
    if kind == "time":
        value = str(raw)[:5]
        return (value, None) if TIME.match(value) else (None, _("Give a time as HH:MM."))
    value = str(raw)
    return (value, None) if len(value) <= MAX_TEXT else (None, _("At most %(n)d characters.", n=MAX_TEXT))


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def validate_answers(template: ChecklistTemplate, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Typed answers to the relevant questions, and every error by question code.

    Relevance is checked again here: an answer to a question the conditions hide is dropped.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    known = {q.code for q in template.questions}
    for code in raw:
        if code not in known:
            errors[code] = [_("This checklist has no question %(code)s.", code=code)]
    for question in template.questions:
        if not conditions.evaluate(conditions.parse(question.relevance), clean):
            continue
        value, error = _coerce(question, raw.get(question.code))
        if error:
            errors[question.code] = [error]
        elif value is None:
            if question.required:
                errors[question.code] = [_("Answer this question.")]
        else:
            clean[question.code] = value
    return clean, errors


def critical_questions(template: ChecklistTemplate, answers: dict[str, Any]) -> list[Question]:
    """The questions whose critical condition the answers meet."""
    return [q for q in template.questions
            if q.code in answers and conditions.evaluate(conditions.parse(q.critical), answers, default=False)]


@dataclasses.dataclass(frozen=True)
class ObserverRef:
    """An observer as filing needs it (who, and whether accredited), read without the whole row."""

    id: int
    accreditation: str
    valid_until: dt.date | None

    @property
    def accredited(self) -> bool:
        return is_accredited(self.accreditation, self.valid_until)


def may_file(observer: Observer | None, station: PollingStation) -> str | None:
    """Why this observer may not file for this station, or None when they may."""
    deployed = observer is not None and station.id in {s.id for s in stations_of(observer)}
    return refusal(observer, station.code, deployed)


def refusal(observer: Observer | ObserverRef | None, station_code: str, deployed: bool) -> str | None:
    """Why this observer may not file for the station, told whether they are deployed there."""
    if observer is None:
        return _("Your account is not linked to an observer.")
    if not observer.accredited:
        return _("Only accredited observers can file checklists.")
    if not deployed:
        return _("You are not deployed to polling station %(code)s.", code=station_code)
    return None


def find_submission(session: Session, client_id: str) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.client_id == client_id))


@dataclasses.dataclass(frozen=True, eq=False)
class QuestionRule:
    """What validating, alerting and storing an answer read of a question (the names of Question's columns)."""

    id: int
    code: str
    type: str
    texts: dict[str, str]
    choices: list[dict[str, Any]]
    minimum: float | None
    maximum: float | None
    required: bool
    relevance: str
    critical: str


@dataclasses.dataclass(frozen=True, eq=False)
class Definition:
    """A published checklist version as filing reads it, in place of the ORM template and its questions."""

    id: int
    code: str
    version: int
    questions: tuple[QuestionRule, ...]
    published: bool = True

    def question(self, code: str) -> QuestionRule | None:
        return next((q for q in self.questions if q.code == code), None)


# A published version never changes (editing makes a new version), so its definition is read
# once per process. The key holds the row's creation time as well as its id: a database
# emptied and filled again (tests, a restored backup) reuses ids, not creation times.
_definitions: dict[tuple, Definition] = {}
_definitions_lock = threading.Lock()


def published_definition(session: Session, template_id: int, code: str, version: int,
                         created_at: dt.datetime) -> Definition:
    """The definition of a published template version, read from the database the first time only."""
    key = (session.get_bind().url, template_id, created_at)
    found = _definitions.get(key)
    if found is not None:
        return found
    rows = session.execute(select(
        Question.id, Question.code, Question.type, Question.texts, Question.choices, Question.minimum,
        Question.maximum, Question.required, Question.relevance, Question.critical,
    ).where(Question.template_id == template_id).order_by(Question.position)).all()
    definition = Definition(template_id, code, version, tuple(QuestionRule(*row) for row in rows))
    with _definitions_lock:
        if len(_definitions) > 500:
            _definitions.clear()
        _definitions[key] = definition
    return definition


def definition_of(session: Session, template: ChecklistTemplate) -> ChecklistTemplate | Definition:
    """The cached definition of a published template; a draft as it is (it may still change)."""
    if not template.published:
        return template
    return published_definition(session, template.id, template.code, template.version, template.created_at)


@dataclasses.dataclass(frozen=True)
class StationRef:
    """A polling station as filing needs it."""

    id: int
    code: str


@dataclasses.dataclass(frozen=True)
class TokenUser:
    """The account behind an API token, as the API needs it (no ORM object, no second query for roles)."""

    id: int
    username: str
    roles: frozenset[Role]

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))


@dataclasses.dataclass
class FilingContext:
    observer: ObserverRef | None
    station: StationRef | None
    deployed: bool
    template: Definition | ChecklistTemplate | None
    # The observer's filing lock for the station is held (PostgreSQL): submit() need not take it.
    locked: bool = False


# The hot path's statements are built once: building them costs more than running them from the cache.
@functools.cache
def _filing_context_query(dialect: str, by_token: bool):
    """Observer, station, deployment and template version in one row; by token, the account too.

    On PostgreSQL the row also takes the filing lock, a round trip sooner than submit() would.
    The statement's snapshot is older than the lock, but it reads only what filing does not
    change; submit()'s next statement, with a snapshot of its own, sees every earlier filing.
    """
    one = select(literal(1).label("one")).subquery("one")
    deployed = or_(PollingStation.id == Observer.station_id, exists().where(
        ObserverCentre.observer_id == Observer.id, ObserverCentre.centre_id == PollingStation.centre_id))
    columns = [Observer.id, Observer.accreditation, Observer.valid_until, PollingStation.id, PollingStation.code,
               deployed,
               ChecklistTemplate.id, ChecklistTemplate.published, ChecklistTemplate.created_at]
    if dialect == "postgresql":
        columns.append(case((and_(PollingStation.id.is_not(None), Observer.id.is_not(None)),
                             locks.pair_lock(PollingStation.id, Observer.id))).label("locked"))
    else:
        columns.append(literal(None).label("locked"))
    query = select(*columns).select_from(one)
    if by_token:
        query = query.add_columns(User.id, User.username, User.active, exists().where(
            UserRole.user_id == User.id, UserRole.role == Role.OBSERVER.value)).outerjoin(
            ApiToken, and_(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False))).outerjoin(
            User, User.id == ApiToken.user_id).outerjoin(Observer, Observer.user_id == User.id)
    else:
        query = query.outerjoin(Observer, Observer.user_id == bindparam("user_id"))
    return (query.outerjoin(PollingStation, PollingStation.code == bindparam("station_code"))
            .outerjoin(ChecklistTemplate, and_(ChecklistTemplate.code == bindparam("template_code"),
                                               ChecklistTemplate.version == bindparam("version"))))


@functools.cache
def _retry_or_previous_query():
    # A filing with this client id (a retry), and the current filing of the same checklist it corrects.
    return select(Submission).where(or_(
        Submission.client_id == bindparam("client_id"),
        and_(Submission.current.is_(True), Submission.station_id == bindparam("station_id"),
             Submission.observer_id == bindparam("observer_id"),
             Submission.template_id.in_(select(ChecklistTemplate.id).where(
                 ChecklistTemplate.code == bindparam("code")))))).with_for_update()


@functools.cache
def _token_user_query():
    return (select(User.id, User.username, User.active, UserRole.role)
            .join(ApiToken, ApiToken.user_id == User.id)
            .outerjoin(UserRole, UserRole.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False)))


def filing_context(session: Session, user_id: int, station_code: str, template_code: str,
                   version: int | None) -> FilingContext:
    """The account's observer, the station by code (and whether the observer is deployed there) and the
    template version, read in one query that also takes the filing lock."""
    dialect = session.get_bind().dialect.name
    row = session.execute(_filing_context_query(dialect, False), {
        "user_id": user_id, "station_code": station_code, "template_code": template_code, "version": version}).one()
    return _context(session, dialect, row, template_code, version)


def filing_context_for_token(session: Session, token: str, station_code: str, template_code: str,
                             version: int | None) -> tuple[TokenUser | None, FilingContext]:
    """filing_context for the account of an API token, read in the same query: the API's hot path.

    The account is None unless the token is unrevoked and its account active; its roles are
    only the one filing needs (observer), when it holds it.
    """
    dialect = session.get_bind().dialect.name
    row = session.execute(_filing_context_query(dialect, True), {
        "token_hash": _digest(token), "station_code": station_code, "template_code": template_code,
        "version": version}).one()
    user_id, username, active, observer_role = row[-4:]
    user = TokenUser(user_id, username, frozenset({Role.OBSERVER} if observer_role else ())) if active else None
    return user, _context(session, dialect, row, template_code, version)


def _context(session: Session, dialect: str, row, template_code: str, version: int | None) -> FilingContext:
    observer_id, accreditation, valid_until, station_id, code, is_deployed, template_id, published, created_at = row[:9]
    observer = ObserverRef(observer_id, accreditation, valid_until) if observer_id is not None else None
    template = None
    if template_id is not None:
        template = (published_definition(session, template_id, template_code, version, created_at) if published
                    else session.get(ChecklistTemplate, template_id))
    # The query's lock column took the lock exactly when both were found (PostgreSQL).
    locked = dialect == "postgresql" and station_id is not None and observer is not None
    return FilingContext(observer, StationRef(station_id, code) if station_id is not None else None,
                         bool(is_deployed), template, locked)


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
    for question in critical:
        session.add(Alert(station_id=station.id, submission=submission, question_code=question.code,
                          status="open", note="",
                          summary=f"{question.code}: {text_in(question.texts, 'en')} = {_show(clean[question.code])}"))
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
        if question.code not in answers:
            continue
        value = answers[question.code]
        # Every row with the same keys, so the insert goes as one statement.
        base = {"submission_id": submission_id, "question_id": question.id, "current": True}
        if question.type == "multiple_choice":
            rows += [{**base, "value_num": None, "value_text": v} for v in value]
        elif question.type == "yes_no":
            rows.append({**base, "value_num": 1.0 if value == "yes" else 0.0, "value_text": value})
        elif question.type in ("integer", "decimal"):
            rows.append({**base, "value_num": float(value), "value_text": None})
        else:
            rows.append({**base, "value_num": None, "value_text": str(value)[:500]})
    return rows


def history(session: Session, submission: Submission) -> list[Submission]:
    """Every revision of a submission, newest first."""
    original = submission.original_id or submission.id
    return list(session.scalars(select(Submission).where(
        or_(Submission.id == original, Submission.original_id == original))
                                .order_by(Submission.revision.desc())))


def find_incident(session: Session, client_id: str) -> Incident | None:
    return session.scalar(select(Incident).where(Incident.client_id == client_id)) if client_id else None


def report_incident(session: Session, observer: Observer | None, station: PollingStation, category: str,
                    description: str, severity: str, client_id: str, occurred_at: dt.datetime | None = None,
                    photo_path: str | None = None) -> tuple[Incident, bool]:
    """File an incident report (idempotent by client id); it raises an alert."""
    # A phone's retries racing each other: the second waits here, then finds the first.
    locks.hold(session, f"incident:{client_id}")
    existing = session.scalar(select(Incident).where(Incident.client_id == client_id))
    if existing is not None:
        return existing, False
    errors: dict[str, list[str]] = {}
    if category not in INCIDENT_CATEGORIES:
        errors["category"] = [_("Choose a category.")]
    if severity not in SEVERITIES:
        errors["severity"] = [_("Choose a severity.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe what happened.")]
    if not CLIENT_ID.match(client_id or ""):
        errors["client_id"] = [_("The client id must have 8 to 64 letters, digits, dashes or colons.")]
    if errors:
        raise ValidationFailed(errors)
    incident = Incident(client_id=client_id, observer=observer, station=station, category=category,
                        description=description.strip()[:MAX_TEXT], severity=severity,
                        occurred_at=occurred_at or utcnow(), photo_path=photo_path)
    session.add(incident)
    session.flush()
    session.add(Alert(station=station, incident=incident, status="open", note="",
                      summary=f"{category} ({severity}): {incident.description[:200]}"))
    session.flush()
    return incident, True


def handle_alert(session: Session, alert: Alert, status: str, note: str, username: str) -> None:
    """Acknowledge or resolve an alert with a note."""
    if status not in ALERT_STATES[1:]:
        raise ValidationFailed({"status": [_("Choose acknowledge or resolve.")]})
    if status == "resolved" and not (note or "").strip():
        raise ValidationFailed({"note": [_("Say how the alert was resolved.")]})
    alert.status = status
    if (note or "").strip():
        alert.note = (alert.note + "\n" if alert.note else "") + note.strip()
    alert.handled_by = username
    session.flush()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user: User) -> str:
    """A new API token for the user; only its hash is stored, so show it now or never."""
    token = "eot_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=_digest(token), revoked=False))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user an unrevoked token belongs to, or None."""
    if not token:
        return None
    user = session.scalar(select(User).join(ApiToken, ApiToken.user_id == User.id).where(
        ApiToken.token_hash == _digest(token), ApiToken.revoked.is_(False)))
    return user if user is not None and user.active else None


def token_user(session: Session, token: str) -> TokenUser | None:
    """The active account an unrevoked token belongs to, with its roles, in one query; or None."""
    if not token:
        return None
    rows = session.execute(_token_user_query(), {"token_hash": _digest(token)}).all()
    if not rows or not rows[0].active:
        return None
    return TokenUser(rows[0].id, rows[0].username, frozenset(Role(r.role) for r in rows if r.role))

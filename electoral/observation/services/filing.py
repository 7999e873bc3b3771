"""What filing reads before it writes: the observer, the station and the deployment there, and the
published checklist version (cached per process), on the hot path in one query."""

import dataclasses
import datetime as dt
import functools
import threading
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, exists, literal, or_, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User, UserRole
from electoral.core import locks
from electoral.core.auth import Role
from electoral.geography.models import PollingStation
from electoral.observation.models import (
    ApiToken,
    ChecklistTemplate,
    Observer,
    ObserverCentre,
    Question,
    Section,
    is_accredited,
)
from electoral.observation.services.observers import stations_of
from electoral.observation.services.tokens import TokenUser, token_digest


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
    constraint_message: dict[str, str] = dataclasses.field(default_factory=dict)
    constraint: str = ""
    choice_filter: str = ""
    calculation: str = ""
    # The repeat it is answered in, once per entry ("" at the top level): Question.repeat_code.
    repeat_code: str = ""


@dataclasses.dataclass(frozen=True, eq=False)
class RepeatRule:
    """A repeat (XLSForm begin repeat) as filing reads it (the names of Section's columns)."""

    code: str
    texts: dict[str, str]
    repeat_count: str = ""


@dataclasses.dataclass(frozen=True, eq=False)
class Definition:
    """A published checklist version as filing reads it, in place of the ORM template and its questions."""

    id: int
    code: str
    version: int
    questions: tuple[QuestionRule, ...]
    published: bool = True
    repeats: tuple[RepeatRule, ...] = ()

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
        Question.maximum, Question.required, Question.relevance, Question.critical, Question.constraint_message,
        Question.constraint, Question.choice_filter, Question.calculation,
        case((Section.repeat.is_(True), Section.code), else_=""),
    ).outerjoin(Section, Section.id == Question.section_id)
        .where(Question.template_id == template_id).order_by(Question.position)).all()
    repeats = session.execute(select(Section.code, Section.texts, Section.repeat_count).where(
        Section.template_id == template_id, Section.repeat.is_(True)).order_by(Section.position)).all()
    definition = Definition(template_id, code, version, tuple(QuestionRule(*row) for row in rows),
                            repeats=tuple(RepeatRule(*row) for row in repeats))
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
        "token_hash": token_digest(token), "station_code": station_code, "template_code": template_code,
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

"""What the coordinator's dashboard shows: coverage, aggregates, alerts, late stations, conflicts.

Every figure is computed by the database (GROUP BY over typed answer rows), so
the page stays fast with a hundred thousand submissions.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.observation.models import Alert, Answer, ChecklistTemplate, Observer, Question, Submission

# The level below each level, and the column that names an area at that level.
_CHILD_KEY = {
    None: Region.id,
    "region": District.id,
    "district": PollingCentre.id,
    "centre": PollingStation.id,
}


def _located(query: Select, station_column) -> Select:
    return (query.join(PollingStation, PollingStation.id == station_column)
            .join(PollingCentre, PollingCentre.id == PollingStation.centre_id)
            .join(District, District.id == PollingCentre.district_id)
            .join(Region, Region.id == District.region_id))


def _in_area(query: Select, area) -> Select:
    if area is None:
        return query
    column = {"region": Region.id, "district": District.id, "centre": PollingCentre.id,
              "station": PollingStation.id}[area.level]
    return query.where(column == area.id)


@dataclass
class CoverageRow:
    area: Any
    expected: int
    reported: int

    @property
    def share(self) -> float | None:
        return self.reported / self.expected if self.expected else None


def coverage(session: Session, phase: str, area=None) -> list[CoverageRow]:
    """Stations reported / expected for a phase, one row per area one level below ``area``.

    A station is expected when an accredited observer is deployed there.
    """
    key = _CHILD_KEY[area.level if area is not None else None]
    reported = _in_area(_located(
        select(key, func.count(distinct(Submission.station_id)))
        .join(ChecklistTemplate, ChecklistTemplate.id == Submission.template_id)
        .where(Submission.current.is_(True), ChecklistTemplate.phase == phase), Submission.station_id), area)
    expected = _in_area(_located(
        select(key, func.count(distinct(Observer.station_id))).where(Observer.accreditation == "approved"),
        Observer.station_id), area)
    got = dict(session.execute(reported.group_by(key)).all())
    want = dict(session.execute(expected.group_by(key)).all())
    return [CoverageRow(child, want.get(child.id, 0), got.get(child.id, 0))
            for child in geography.children(area, session)]


@dataclass
class QuestionAggregate:
    code: str
    type: str
    texts: dict
    count: int = 0
    mean: float | None = None
    distribution: dict[str, int] = field(default_factory=dict)

    @property
    def share_yes(self) -> float | None:
        return self.distribution.get("yes", 0) / self.count if self.count and self.type == "yes_no" else None


def aggregates(session: Session, template_code: str, area=None) -> list[QuestionAggregate]:
    """For each question of a checklist (all versions): answers, mean, share of yes, distribution."""
    latest = session.scalar(select(ChecklistTemplate).where(ChecklistTemplate.code == template_code)
                            .order_by(ChecklistTemplate.version.desc()).limit(1))
    if latest is None:
        return []
    result = {q.code: QuestionAggregate(q.code, q.type, q.texts) for q in latest.questions}
    query = (select(Question.code, Answer.value_text, func.count(), func.avg(Answer.value_num))
             .join(Question, Question.id == Answer.question_id)
             .join(ChecklistTemplate, ChecklistTemplate.id == Question.template_id)
             .where(ChecklistTemplate.code == template_code, Answer.current.is_(True)))
    if area is not None:
        query = _in_area(_located(query.join(Submission, Submission.id == Answer.submission_id),
                                  Submission.station_id), area)
    for code, text, count, mean in session.execute(query.group_by(Question.code, Answer.value_text)):
        row = result.get(code)
        if row is None:
            continue
        if row.type in ("integer", "decimal"):
            row.count, row.mean = count, mean
        elif row.type in ("yes_no", "single_choice", "multiple_choice"):
            row.distribution[text] = count
            row.count += count
        else:
            row.count += count
    return list(result.values())


def submission_count(session: Session, area=None) -> int:
    query = select(func.count(Submission.id)).where(Submission.current.is_(True))
    if area is not None:
        query = _in_area(_located(query, Submission.station_id), area)
    return session.scalar(query) or 0


def alerts_query(status: str = "", area=None) -> Select:
    """Critical alerts and incidents, newest first."""
    query = select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc())
    if status == "unresolved":
        query = query.where(Alert.status != "resolved")
    elif status:
        query = query.where(Alert.status == status)
    if area is not None:
        query = _in_area(_located(query, Alert.station_id), area)
    return query


def open_alert_count(session: Session, area=None) -> int:
    query = select(func.count(Alert.id)).where(Alert.status == "open")
    if area is not None:
        query = _in_area(_located(query, Alert.station_id), area)
    return session.scalar(query) or 0


def late_stations(session: Session, phase: str, deadline: dt.datetime, now: dt.datetime, area=None,
                  limit: int = 200) -> list[PollingStation]:
    """Expected stations with no report for the phase, once the deadline has passed."""
    if now < deadline:
        return []
    reported = (select(Submission.station_id).join(ChecklistTemplate)
                .where(Submission.current.is_(True), ChecklistTemplate.phase == phase))
    query = (select(PollingStation).distinct()
             .join(PollingCentre, PollingCentre.id == PollingStation.centre_id)
             .join(District, District.id == PollingCentre.district_id)
             .join(Region, Region.id == District.region_id)
             .join(Observer, Observer.station_id == PollingStation.id)
             .where(Observer.accreditation == "approved", PollingStation.id.not_in(reported)))
    query = _in_area(query, area)
    return list(session.scalars(query.order_by(PollingStation.code).limit(limit)))


@dataclass
class Conflict:
    station: PollingStation
    template_code: str
    questions: dict[str, list[Any]]


def conflicts(session: Session, phase: str, area=None, limit: int = 100) -> list[Conflict]:
    """Stations where two observers' current reports on one checklist disagree, with the questions."""
    doubled = _in_area(_located(
        select(Submission.station_id, ChecklistTemplate.code)
        .join(ChecklistTemplate, ChecklistTemplate.id == Submission.template_id)
        .where(Submission.current.is_(True), ChecklistTemplate.phase == phase), Submission.station_id), area
    ).group_by(Submission.station_id, ChecklistTemplate.code).having(
        func.count(distinct(Submission.observer_id)) > 1).limit(limit * 4)
    found = []
    for station_id, code in session.execute(doubled).all():
        rows = session.scalars(select(Submission).join(ChecklistTemplate).where(
            Submission.current.is_(True), Submission.station_id == station_id, ChecklistTemplate.code == code))
        answers = [s.answers for s in rows]
        codes = sorted({c for a in answers for c in a})
        differ = {c: [a.get(c) for a in answers] for c in codes
                  if len({repr(sorted(v) if isinstance(v, list) else v) for v in (a.get(c) for a in answers)}) > 1}
        if differ:
            found.append(Conflict(session.get(PollingStation, station_id), code, differ))
        if len(found) >= limit:
            break
    return found


def live_figures(session: Session, area=None) -> dict[str, Any]:
    """The small JSON the dashboard polls: counts that change as reports arrive."""
    latest = session.scalar(select(func.max(Submission.id)))
    newest_alert = session.scalar(select(func.max(Alert.id)))
    return {"submissions": submission_count(session, area), "open_alerts": open_alert_count(session, area),
            "last_submission": latest or 0, "last_alert": newest_alert or 0}



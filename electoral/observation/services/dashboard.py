"""What the coordinator's dashboard shows: coverage, aggregates, alerts, late stations, conflicts.

Every figure is computed by the database (GROUP BY over typed answer rows), so
the page stays fast with a hundred thousand submissions.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from electoral.geography import services as geography
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.observation.models import (
    Alert,
    Answer,
    ChecklistTemplate,
    Observer,
    Question,
    Submission,
)

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


def _phase_templates(session: Session, phase: str) -> list[int]:
    # A handful of ids: filtering on them lets the (current, template_id, station_id)
    # index answer, where a join to the templates would scan every submission.
    return list(session.scalars(select(ChecklistTemplate.id).where(ChecklistTemplate.phase == phase)))


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
    # The distinct reporting stations first (one index scan), then where they lie: far
    # cheaper than joining every submission to the geography.
    stations = (select(Submission.station_id.label("station_id")).distinct()
                .where(Submission.current.is_(True), Submission.template_id.in_(_phase_templates(session, phase)))
                .subquery())
    reported = _in_area(_located(select(key, func.count()).select_from(stations), stations.c.station_id), area)
    deployed = (select(Observer.station_id.label("station_id")).distinct()
                .where(Observer.accreditation == "approved", Observer.station_id.is_not(None)).subquery())
    expected = _in_area(_located(select(key, func.count()).select_from(deployed), deployed.c.station_id), area)
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
    codes = dict(session.execute(select(Question.id, Question.code).join(
        ChecklistTemplate, ChecklistTemplate.id == Question.template_id).where(
        ChecklistTemplate.code == template_code)).all())
    query = (select(Answer.question_id, Answer.value_text, func.count(), func.avg(Answer.value_num))
             .where(Answer.question_id.in_(list(codes)), Answer.current.is_(True)))
    if area is not None:
        query = query.where(Answer.submission_id.in_(_in_area(_located(
            select(Submission.id), Submission.station_id), area)))
    totals: dict[tuple[str, str | None], list] = {}
    for question_id, text, count, mean in session.execute(query.group_by(Answer.question_id, Answer.value_text)):
        # Versions of one checklist share codes: fold their rows together.
        total = totals.setdefault((codes[question_id], text), [0, 0.0, False])
        total[0] += count
        if mean is not None:
            total[1] += mean * count
            total[2] = True
    for (code, text), (count, weighted, numeric) in totals.items():
        mean = weighted / count if numeric and count else None
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
    # The list shows each alert's station and whether it is an incident: load them with it.
    # With the filing, whose phone time the list sets against the receipt time.
    query = select(Alert).options(joinedload(Alert.station), joinedload(Alert.incident),
                                  joinedload(Alert.submission)).order_by(
        Alert.created_at.desc(), Alert.id.desc())
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
    reported = (select(Submission.id).where(
        Submission.current.is_(True), Submission.template_id.in_(_phase_templates(session, phase)),
        Submission.station_id == PollingStation.id).exists())
    query = (select(PollingStation).distinct()
             .join(PollingCentre, PollingCentre.id == PollingStation.centre_id)
             .join(District, District.id == PollingCentre.district_id)
             .join(Region, Region.id == District.region_id)
             .join(Observer, Observer.station_id == PollingStation.id)
             .where(Observer.accreditation == "approved", ~reported))
    query = _in_area(query, area)
    return list(session.scalars(query.order_by(PollingStation.code).limit(limit)))


@dataclass
class Conflict:
    station: PollingStation
    template_code: str
    questions: dict[str, list[Any]]


def conflicts(session: Session, phase: str, area=None, limit: int = 100) -> list[Conflict]:
    """Stations where two observers' current reports on one checklist disagree, with the questions."""
    from electoral.observation.services.observers import station_ids_query

    template_codes = dict(session.execute(select(ChecklistTemplate.id, ChecklistTemplate.code)
                                          .where(ChecklistTemplate.phase == phase)).all())
    in_phase = [Submission.current.is_(True), Submission.template_id.in_(list(template_codes))]
    doubled = select(Submission.station_id).where(*in_phase)
    if area is not None:
        doubled = doubled.where(Submission.station_id.in_(station_ids_query(area)))
    # min <> max: more than one observer, without the cost of COUNT(DISTINCT).
    doubled = doubled.group_by(Submission.station_id).having(
        func.min(Submission.observer_id) != func.max(Submission.observer_id)).limit(limit * 4)
    by_pair: dict[tuple[int, str], list[Submission]] = {}
    for submission in session.scalars(select(Submission).where(*in_phase, Submission.station_id.in_(doubled))
                                      .order_by(Submission.station_id, Submission.id)):
        by_pair.setdefault((submission.station_id, template_codes[submission.template_id]), []).append(submission)
    found = []
    for (station_id, code), filings in by_pair.items():
        if len({f.observer_id for f in filings}) < 2:
            continue
        answers = [f.answers for f in filings]
        questions = sorted({c for a in answers for c in a})
        differ = {c: [a.get(c) for a in answers] for c in questions
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



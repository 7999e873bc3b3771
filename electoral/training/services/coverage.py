"""Coverage: officials needed per district from its stations and the staffing template, against those certified."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session

from electoral.core.tabular import SafeCsvWriter
from electoral.geography.models import District, PollingCentre, PollingStation
from electoral.training.models import (
    Certificate,
    Course,
    Enrolment,
    Official,
    Position,
    TrainingSession,
)
from electoral.training.services.common import within_scope

# Certified people who left the pool no longer cover a need: the gap reopens.
UNAVAILABLE = ("withdrawn", "rejected")
CSV_COLUMNS = ["district_code", "district_name", "stations", "needed", "certified", "gap",
               "women_share", "average_improvement"]


@dataclass
class DistrictCoverage:
    district_id: int
    code: str
    name: str
    stations: int = 0
    needed: int = 0
    certified: int = 0
    women: int = 0
    gap: int = 0
    # Mean of (post-test % - pre-test %) over participants with both scores, in points of 0..1.
    improvement: float | None = None
    by_position: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (needed, certified)

    @property
    def women_share(self) -> float | None:
        return self.women / self.certified if self.certified else None

    @property
    def progress(self) -> float:
        """Share of the need covered, 0..1 (1 when nothing is needed)."""
        return min(1.0, (self.needed - self.gap) / self.needed) if self.needed else 1.0


@dataclass(frozen=True)
class TrainingTotals:
    officials: int
    certified: int  # officials holding at least one valid certificate
    sessions: int


def training_totals(session: Session, scope=None) -> TrainingTotals:
    """Officials, officials certified (a valid certificate, counted once) and sessions in ``scope``."""
    officials = session.scalar(within_scope(select(func.count(Official.id)), Official.district_id, scope))
    certified = session.scalar(within_scope(
        select(func.count(func.distinct(Certificate.official_id))).join(Official, Official.id == Certificate.official_id)
        .where(Certificate.valid), Official.district_id, scope))
    sessions = session.scalar(within_scope(select(func.count(TrainingSession.id)), TrainingSession.district_id, scope))
    return TrainingTotals(officials or 0, certified or 0, sessions or 0)


def coverage(session: Session, scope=None) -> list[DistrictCoverage]:
    """Figures for every district in ``scope``, by district code, each from one aggregate query."""
    districts = session.execute(within_scope(select(District.id, District.code, District.name)
                                             .order_by(District.code), District.id, scope)).all()
    rows = {d.id: DistrictCoverage(d.id, d.code, d.name) for d in districts}
    template = dict(session.execute(select(Position.code, Position.per_station).where(Position.per_station > 0)).all())
    stations = session.execute(
        select(PollingCentre.district_id, func.count(PollingStation.id))
        .join(PollingStation, PollingStation.centre_id == PollingCentre.id).group_by(PollingCentre.district_id))
    for district_id, count in stations:
        if district_id in rows:
            rows[district_id].stations = count
    # Officials still in the pool with a valid certificate for a staffed position, once per position.
    certified = session.execute(
        select(Official.district_id, Position.code,
               func.count(func.distinct(Official.id)),
               func.count(func.distinct(case((Official.sex == "F", Official.id)))))
        .select_from(Certificate)
        .join(Official, Official.id == Certificate.official_id)
        .join(Position, Position.id == Certificate.position_id)
        .where(Certificate.valid, Position.per_station > 0,
               Official.status.not_in(UNAVAILABLE))
        .group_by(Official.district_id, Position.code))
    counts: dict[int, dict[str, tuple[int, int]]] = {}
    for district_id, code, total, women in certified:
        counts.setdefault(district_id, {})[code] = (total, women)
    improvement = session.execute(
        select(Official.district_id,
               func.avg(cast(Enrolment.post_score, Float) / cast(Course.post_test_max, Float)
                        - cast(Enrolment.pre_score, Float) / cast(Course.pre_test_max, Float)))
        .select_from(Enrolment)
        .join(Official, Official.id == Enrolment.official_id)
        .join(TrainingSession, TrainingSession.id == Enrolment.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(Enrolment.pre_score.is_not(None), Enrolment.post_score.is_not(None))
        .group_by(Official.district_id))
    for district_id, mean in improvement:
        if district_id in rows and mean is not None:
            rows[district_id].improvement = float(mean)
    for row in rows.values():
        here = counts.get(row.district_id, {})
        for code, per_station in template.items():
            need = row.stations * per_station
            have, women = here.get(code, (0, 0))
            row.by_position[code] = (need, have)
            row.needed += need
            row.certified += have
            row.women += women
            row.gap += max(need - have, 0)
    return list(rows.values())


def coverage_rows(rows: list[DistrictCoverage]) -> list[list]:
    """The coverage figures as export rows in CSV_COLUMNS order (shares as decimals, 0..1)."""
    return [[r.code, r.name, r.stations, r.needed, r.certified, r.gap,
             None if r.women_share is None else round(r.women_share, 3),
             None if r.improvement is None else float(round(Decimal(r.improvement), 3))] for r in rows]


def coverage_csv(rows: list[DistrictCoverage]) -> str:
    """The coverage figures as CSV text (shares as decimals, 0..1)."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(coverage_rows(rows))
    return out.getvalue()

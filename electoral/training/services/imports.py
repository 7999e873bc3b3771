"""Attendance and score sheets imported from CSV or XLSX: every bad line reported, nothing half-saved."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from electoral.accounts.models import User
from electoral.core.errors import ImportFailed, LineError
from electoral.core.params import bounded_int
from electoral.core.tabular import read_table
from electoral.registration.services import election
from electoral.training.models import Attendance, Enrolment, TrainingSession
from electoral.training.services.common import parse_date, parse_flag, parse_score
from electoral.training.services.results import certify_session, check_score, results_recorded

ATTENDANCE_COLUMNS = ["session", "reference", "day", "present"]
SCORE_COLUMNS = ["session", "reference", "pre_test", "post_test"]


class _Lookup:
    """Sessions and enrolments named in a file, loaded once per session."""

    def __init__(self, session: Session, scope_check: Callable[[TrainingSession], bool] | None):
        self.session = session
        self.scope_check = scope_check
        self.sessions: dict[str, TrainingSession | None] = {}
        self.enrolments: dict[int, dict[str, Enrolment]] = {}
        self.date_order = election.date_order(session)  # 05/06 read as the election's settings say

    def enrolment(self, session_ref: str, reference: str) -> tuple[TrainingSession, Enrolment]:
        if session_ref not in self.sessions:
            number = bounded_int(session_ref, minimum=1)
            ts = self.session.get(TrainingSession, number) if number is not None else None
            if ts is not None and self.scope_check and not self.scope_check(ts):
                ts = None
            self.sessions[session_ref] = ts
            if ts is not None:
                self.enrolments[ts.id] = {e.official.reference: e for e in self.session.scalars(
                    select(Enrolment).where(Enrolment.session_id == ts.id)
                    .options(selectinload(Enrolment.official)))}
        ts = self.sessions[session_ref]
        if ts is None:
            raise ValueError(_("no session %(ref)s in your area", ref=session_ref))
        enrolment = self.enrolments[ts.id].get(reference)
        if enrolment is None:
            raise ValueError(_("%(ref)s is not enrolled in session %(session)s", ref=reference, session=session_ref))
        return ts, enrolment


def import_attendance(session: Session, data: bytes, filename: str, user: User,
                      scope_check: Callable[[TrainingSession], bool] | None = None,
                      progress: Callable[[int], None] | None = None) -> int:
    """``user`` records attendance lines (session, reference, day, present); return how many were read."""
    lookup = _Lookup(session, scope_check)
    errors: list[LineError] = []
    planned: dict[tuple[int, dt.date], tuple[int, bool]] = {}
    touched: dict[int, TrainingSession] = {}
    for row in read_table(data, filename, ATTENDANCE_COLUMNS):
        v = row.values
        if progress:
            progress(1)
        try:
            ts, enrolment = lookup.enrolment(v["session"], v["reference"])
            day = parse_date(v["day"], lookup.date_order)
            if day not in ts.days:
                raise ValueError(_("%(day)s is not a day of session %(session)d", day=day.isoformat(), session=ts.id))
            present = parse_flag(v["present"])
        except ValueError as exc:
            errors.append(LineError(row.line, str(exc)))
            continue
        key = (enrolment.id, day)
        if key in planned:
            errors.append(LineError(row.line, _("the same person and day are also on line %(line)d",
                                                line=planned[key][0])))
            continue
        planned[key] = (row.line, present)
        touched[ts.id] = ts
    if errors:
        raise ImportFailed(errors)
    existing = {(a.enrolment_id, a.day): a for a in session.scalars(select(Attendance).where(
        Attendance.enrolment_id.in_({e for e, _day in planned})))} if planned else {}
    for (enrolment_id, day), (_line, present) in planned.items():
        if record := existing.get((enrolment_id, day)):
            record.present = present
        else:
            session.add(Attendance(enrolment_id=enrolment_id, day=day, present=present))
    session.flush()
    for ts in touched.values():
        session.expire(ts, ["enrolments"])
        results_recorded(ts, user)
        certify_session(session, ts)
    return len(planned)


def import_scores(session: Session, data: bytes, filename: str, user: User,
                  scope_check: Callable[[TrainingSession], bool] | None = None,
                  progress: Callable[[int], None] | None = None) -> int:
    """``user`` records score lines (session, reference, pre_test, post_test); return how many were read."""
    lookup = _Lookup(session, scope_check)
    errors: list[LineError] = []
    planned: dict[int, tuple[int, Enrolment, Decimal | None, Decimal | None]] = {}
    touched: dict[int, TrainingSession] = {}
    for row in read_table(data, filename, SCORE_COLUMNS):
        v = row.values
        if progress:
            progress(1)
        try:
            ts, enrolment = lookup.enrolment(v["session"], v["reference"])
            pre = parse_score(v["pre_test"]) if v["pre_test"] else None
            post = parse_score(v["post_test"]) if v["post_test"] else None
            problems = [m for m in (check_score(pre, ts.course.pre_test_max, _("the pre-test score")),
                                    check_score(post, ts.course.post_test_max, _("the post-test score"))) if m]
            if problems:
                raise ValueError("; ".join(problems))
        except ValueError as exc:
            errors.append(LineError(row.line, str(exc)))
            continue
        if enrolment.id in planned:
            errors.append(LineError(row.line, _("%(ref)s is also on line %(line)d", ref=v["reference"],
                                                line=planned[enrolment.id][0])))
            continue
        planned[enrolment.id] = (row.line, enrolment, pre, post)
        touched[ts.id] = ts
    if errors:
        raise ImportFailed(errors)
    for _line, enrolment, pre, post in planned.values():
        enrolment.pre_score, enrolment.post_score = pre, post
    session.flush()
    for ts in touched.values():
        results_recorded(ts, user)
        certify_session(session, ts)
    return len(planned)


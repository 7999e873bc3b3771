"""make_x() factories for training; each adds to the session and flushes."""

import datetime as dt
import itertools
from decimal import Decimal

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.training import services
from electoral.training.models import Course, Official, Position, SessionTrainer, TrainingSession
from tests.factories import make_district, make_user, user_called

_numbers = itertools.count(1)
START = dt.date(2026, 3, 2)


def make_position(code=None, name=None, per_station=0) -> Position:
    n = next(_numbers)
    position = Position(code=code or f"P{n}", name=name or f"Position {n}", per_station=per_station, sort_order=n)
    db.session.add(position)
    db.session.flush()
    return position


def make_official(position=None, district=None, name=None, sex="F", status="selected", reference=None,
                  master_trainer=False, phone="0770000000", birth_date=dt.date(1990, 5, 17)) -> Official:
    n = next(_numbers)
    official = Official(reference=reference or f"OF{n:05d}", full_name=name or f"Official {n}", sex=sex,
                        birth_date=birth_date, phone=phone, district=district or make_district(),
                        position=position or make_position(), status=status, locale="en",
                        master_trainer=master_trainer, languages="", education="secondary")
    db.session.add(official)
    db.session.flush()
    return official


def make_course(position=None, level=3, pass_mark=70, post_test_max=100, pre_test_max=100, retake_allowed=True,
                min_days=None, code=None) -> Course:
    n = next(_numbers)
    course = Course(code=code or f"CO{n}", name=f"Course {n}", position=position or make_position(), level=level,
                    modules="Opening\nVoting\nCounting", pre_test_max=Decimal(pre_test_max),
                    post_test_max=Decimal(post_test_max), pass_mark=Decimal(pass_mark),
                    retake_allowed=retake_allowed, min_days=min_days)
    db.session.add(course)
    db.session.flush()
    return course


def make_session(course=None, district=None, start=START, days=2, capacity=15, trainer=True) -> TrainingSession:
    """A session, led by a master trainer of its own unless ``trainer`` is False (nobody led it: no certificate)."""
    ts = TrainingSession(course=course or make_course(), district=district or make_district(), venue="Town hall",
                         start_date=start, end_date=start + dt.timedelta(days=days - 1), capacity=capacity)
    if trainer:
        ts.trainer_links.append(SessionTrainer(official=make_official(master_trainer=True, name="Trainer")))
    db.session.add(ts)
    db.session.flush()
    return ts


def certify(official, course=None, district=None, start=dt.date(2026, 1, 5)):
    """Put ``official`` through a session of ``course`` with full attendance and a pass, confirmed."""
    ts = make_session(course or make_course(position=official.position), district=district or official.district,
                      start=start, days=1)
    enrolment = services.enrol(db.session, ts, official)
    services.mark_attendance(db.session, ts, ts.start_date, absent=set(), user=user_called("recorder"))
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(40), Decimal(90))}, user_called("recorder"))
    services.confirm_results(db.session, ts, make_user(Role.TRAINING_COORDINATOR))
    return ts

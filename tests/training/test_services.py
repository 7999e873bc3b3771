"""The rules: cascade, capacity, double booking, certification, retake, revocation, coverage."""

import datetime as dt
from decimal import Decimal

import pytest

from electoral.core.auth import Role
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.training import services
from electoral.training.models import Certificate
from tests.factories import make_centre, make_district, make_station, make_user, user_called
from tests.training.factories import (
    START,
    certify,
    make_course,
    make_official,
    make_position,
    make_session,
)


def _enrolled(db, course=None, days=2, **kwargs):
    course = course or make_course()
    ts = make_session(course, days=days)
    official = make_official(position=course.position, **kwargs)
    return ts, services.enrol(db.session, ts, official)


def _complete(db, ts, enrolment, post, absent_days=()):
    for day in ts.days:
        services.mark_attendance(db.session, ts, day, {enrolment.id} if day in absent_days else set(), user_called("recorder"))
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(30), Decimal(post))}, user_called("recorder"))
    services.confirm_results(db.session, ts, make_user(Role.TRAINING_COORDINATOR))
    return db.session.query(Certificate).filter_by(enrolment_id=enrolment.id).one_or_none()


# ---- cascade -----------------------------------------------------------------

def test_uncertified_trainer_cannot_lead_a_session(db):
    ts = make_session(make_course(level=3))
    trainer = make_official()
    with pytest.raises(ValidationFailed, match="not certified by a level 2 course"):
        services.add_trainer(db.session, ts, trainer)


def test_trainer_certified_one_level_up_may_lead(db):
    trainer_position = make_position("TR")
    trainer = make_official(position=trainer_position)
    certify(trainer, make_course(position=trainer_position, level=2))
    ts = make_session(make_course(level=3), trainer=False)
    services.add_trainer(db.session, ts, trainer)
    assert ts.trainers == [trainer]


def test_session_without_a_trainer_certifies_no_one_until_one_is_added(db):
    ts = make_session(make_course(level=1), days=1, trainer=False)
    enrolment = services.enrol(db.session, ts, make_official(position=ts.course.position, district=ts.district))
    services.mark_attendance(db.session, ts, ts.start_date, set(), user_called("recorder"))
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(40), Decimal(90))}, user_called("recorder"))
    services.confirm_results(db.session, ts, make_user(Role.TRAINING_COORDINATOR))
    assert services.certificates_of(db.session, enrolment.official) == []
    trainer = make_official(master_trainer=True)
    services.add_trainer(db.session, ts, trainer)
    [certificate] = services.certificates_of(db.session, enrolment.official)
    assert certificate.valid and certificate.course_id == ts.course_id


def test_trainer_certified_at_the_same_level_may_not_lead(db):
    trainer_position = make_position("TR")
    trainer = make_official(position=trainer_position)
    certify(trainer, make_course(position=trainer_position, level=3))
    with pytest.raises(ValidationFailed):
        services.add_trainer(db.session, make_session(make_course(level=3)), trainer)


def test_level_one_session_needs_a_designated_master_trainer(db):
    ts = make_session(make_course(level=1), trainer=False)
    official = make_official()
    with pytest.raises(ValidationFailed, match="national master trainer"):
        services.add_trainer(db.session, ts, official)
    services.set_master_trainer(db.session, official, True)
    services.add_trainer(db.session, ts, official)
    assert ts.trainers == [official]


def test_revoked_certificate_no_longer_lets_a_trainer_lead(db):
    trainer_position = make_position("TR")
    trainer = make_official(position=trainer_position)
    certify(trainer, make_course(position=trainer_position, level=2))
    services.revoke(db.session, services.certificates_of(db.session, trainer)[0], "Cheated in the post-test")
    with pytest.raises(ValidationFailed):
        services.add_trainer(db.session, make_session(make_course(level=3)), trainer)


# ---- enrolment -----------------------------------------------------------------

def test_full_session_refuses_another_participant(db):
    course = make_course()
    ts = make_session(course, capacity=1)
    services.enrol(db.session, ts, make_official(position=course.position))
    with pytest.raises(ValidationFailed, match="full"):
        services.enrol(db.session, ts, make_official(position=course.position))


def test_same_official_in_two_overlapping_sessions_is_refused(db):
    course = make_course()
    official = make_official(position=course.position)
    services.enrol(db.session, make_session(course, start=START, days=3), official)
    later = make_session(course, start=START + dt.timedelta(days=2), days=2)
    with pytest.raises(ValidationFailed, match="overlapping"):
        services.enrol(db.session, later, official)


def test_sessions_on_following_dates_are_not_a_double_booking(db):
    course = make_course()
    other = make_course(position=course.position)
    official = make_official(position=course.position)
    services.enrol(db.session, make_session(course, start=START, days=2), official)
    following = make_session(other, start=START + dt.timedelta(days=2))
    services.enrol(db.session, following, official)
    assert [e.official for e in following.enrolments] == [official]


def test_trainer_busy_in_an_overlapping_session_cannot_lead_another(db):
    trainer = make_official(master_trainer=True)
    services.add_trainer(db.session, make_session(make_course(level=1), start=START), trainer)
    with pytest.raises(ValidationFailed, match="overlapping"):
        services.add_trainer(db.session, make_session(make_course(level=1), start=START + dt.timedelta(days=1)),
                             trainer)


def test_official_recruited_for_another_position_is_refused(db):
    ts = make_session(make_course())
    with pytest.raises(ValidationFailed, match="recruited as"):
        services.enrol(db.session, ts, make_official())


# ---- certification ------------------------------------------------------------

def test_post_test_just_below_the_pass_mark_fails(db):
    ts, enrolment = _enrolled(db)
    assert _complete(db, ts, enrolment, "69.9") is None


def test_post_test_at_the_pass_mark_certifies(db):
    ts, enrolment = _enrolled(db)
    certificate = _complete(db, ts, enrolment, "70")
    assert certificate is not None and certificate.valid
    assert certificate.position == enrolment.official.position


def test_pass_mark_is_a_share_of_the_maximum_score(db):
    ts, enrolment = _enrolled(db, make_course(post_test_max=40))
    assert _complete(db, ts, enrolment, "27.9") is None
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(10), Decimal(28))}, user_called("recorder"))
    assert services.outcomes(db.session, ts)[0].certified


def test_one_absent_day_blocks_certification(db):
    ts, enrolment = _enrolled(db, days=3)
    assert _complete(db, ts, enrolment, "95", absent_days={ts.days[1]}) is None
    assert services.outcomes(db.session, ts)[0].days_present == 2


def test_configured_minimum_of_days_allows_one_absence(db):
    ts, enrolment = _enrolled(db, make_course(min_days=2), days=3)
    assert _complete(db, ts, enrolment, "95", absent_days={ts.days[1]}) is not None


def test_unmarked_day_counts_as_not_attended(db):
    ts, enrolment = _enrolled(db, days=2)
    services.mark_attendance(db.session, ts, ts.days[0], set(), user_called("recorder"))
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(30), Decimal(90))}, user_called("recorder"))
    assert not services.outcomes(db.session, ts)[0].certified


def test_score_above_the_maximum_is_refused_and_nothing_saved(db):
    ts, enrolment = _enrolled(db)
    with pytest.raises(ValidationFailed) as failure:
        services.save_scores(db.session, ts, {enrolment.id: (Decimal(30), Decimal(101))}, user_called("recorder"))
    assert f"post_{enrolment.id}" in failure.value.errors
    assert enrolment.pre_score is None


def test_failed_official_may_retake_once(db):
    ts, enrolment = _enrolled(db)
    _complete(db, ts, enrolment, "50")
    retake = make_session(ts.course, start=START + dt.timedelta(days=10))
    second = services.enrol(db.session, retake, enrolment.official)
    assert _complete(db, retake, second, "80") is not None


def test_second_retake_is_refused(db):
    ts, enrolment = _enrolled(db)
    _complete(db, ts, enrolment, "50")
    retake = make_session(ts.course, start=START + dt.timedelta(days=10))
    _complete(db, retake, services.enrol(db.session, retake, enrolment.official), "50")
    third = make_session(ts.course, start=START + dt.timedelta(days=20))
    with pytest.raises(ValidationFailed, match="one retake"):
        services.enrol(db.session, third, enrolment.official)


def test_course_without_retake_refuses_a_second_attempt(db):
    ts, enrolment = _enrolled(db, make_course(retake_allowed=False))
    _complete(db, ts, enrolment, "50")
    with pytest.raises(ValidationFailed, match="no retake"):
        services.enrol(db.session, make_session(ts.course, start=START + dt.timedelta(days=10)), enrolment.official)


def test_revoked_certificate_keeps_its_reason_and_stops_deployment(db):
    ts, enrolment = _enrolled(db)
    certificate = _complete(db, ts, enrolment, "90")
    services.revoke(db.session, certificate, "Impersonation")
    assert not certificate.valid and certificate.revoked_reason == "Impersonation"
    assert services.certified_officials(db.session, ts.course.position.code, enrolment.official.district) == []


def test_revoking_needs_a_reason(db):
    ts, enrolment = _enrolled(db)
    certificate = _complete(db, ts, enrolment, "90")
    with pytest.raises(ValidationFailed):
        services.revoke(db.session, certificate, "  ")


def test_corrected_score_revokes_the_certificate_it_no_longer_earns(db):
    ts, enrolment = _enrolled(db)
    certificate = _complete(db, ts, enrolment, "90")
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(30), Decimal(60))}, user_called("recorder"))
    assert not certificate.valid


def test_verification_codes_are_long_and_distinct(db):
    course = make_course()
    codes = set()
    for _n in range(3):
        ts, enrolment = _enrolled(db, course)
        codes.add(_complete(db, ts, enrolment, "90").code)
    assert len(codes) == 3 and all(len(code) >= 22 for code in codes)


# ---- link to logistics --------------------------------------------------------

def test_certified_officials_lists_only_certified_selected_people_of_the_district(db):
    position = make_position("PO", per_station=1)
    district = make_district()
    ready = make_official(position=position, district=district, name="Ready")
    certify(ready)
    make_official(position=position, district=district, name="Untrained")
    withdrawn = make_official(position=position, district=district, name="Withdrawn")
    certify(withdrawn)
    withdrawn.status = "withdrawn"
    elsewhere = make_official(position=position, name="Elsewhere")
    certify(elsewhere)
    assert services.certified_officials(db.session, "PO", district) == [ready]


def test_staffing_template_lists_positions_needed_per_station(db):
    make_position("PO", per_station=1)
    make_position("PA", per_station=4)
    make_position("TR", per_station=0)
    assert services.staffing_template(db.session) == {"PO": 1, "PA": 4}


# ---- coverage -------------------------------------------------------------------

def test_coverage_figures_on_a_small_known_district(db):
    po = make_position("PO", per_station=1)
    pa = make_position("PA", per_station=2)
    district = make_district(code="D-A")
    make_district(code="D-B")
    centre = make_centre(district)
    for _n in range(3):
        make_station(centre)
    po_course, pa_course = make_course(position=po), make_course(position=pa)
    # Two presiding officers (one woman) and one assistant (a woman) certified; one assistant failed.
    for sex in ("F", "M"):
        certify(make_official(position=po, district=district, sex=sex), po_course)
    certify(make_official(position=pa, district=district, sex="F"), pa_course)
    failed = make_official(position=pa, district=district, sex="M")
    ts = make_session(pa_course, district=district, start=dt.date(2026, 2, 1), days=1)
    enrolment = services.enrol(db.session, ts, failed)
    services.mark_attendance(db.session, ts, ts.start_date, set(), user_called("recorder"))
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(20), Decimal(50))}, user_called("recorder"))

    rows = {r.code: r for r in services.coverage(db.session)}
    a = rows["D-A"]
    assert (a.stations, a.needed, a.certified, a.gap) == (3, 9, 3, 6)
    assert a.women_share == pytest.approx(2 / 3)
    # Three passed 40 -> 90 (+0.5), one went 20 -> 50 (+0.3): mean +0.45.
    assert a.improvement == pytest.approx(0.45)
    assert a.by_position == {"PO": (3, 2), "PA": (6, 1)}
    assert (rows["D-B"].needed, rows["D-B"].certified, rows["D-B"].improvement) == (0, 0, None)


def test_coverage_for_a_scoped_user_lists_only_their_district(db):
    district = make_district(code="D-A")
    make_district(code="D-B")
    assert [r.code for r in services.coverage(db.session, scope=district)] == ["D-A"]


def test_coverage_surplus_in_one_position_does_not_hide_a_gap_in_another(db):
    po = make_position("PO", per_station=1)
    make_position("PA", per_station=1)
    district = make_district()
    make_station(make_centre(district))
    course = make_course(position=po)
    for _n in range(2):
        certify(make_official(position=po, district=district), course)
    row = services.coverage(db.session)[0]
    assert (row.needed, row.certified, row.gap) == (2, 2, 1)


def test_district_coordinator_cannot_import_officials_into_another_district(db):
    mine = make_district(code="MINE")
    make_district(code="THEIRS")
    make_position("PO")
    data = b"reference,full_name,sex,district_code,position_code\nA1,Someone,F,THEIRS,PO\n"
    with pytest.raises(ImportFailed) as failure:
        services.import_officials(db.session, data, "o.csv", scope=mine)
    assert [(e.line, e.message) for e in failure.value.errors] == [(2, "district THEIRS is outside your area")]


def test_coverage_gap_reopens_when_a_certified_official_withdraws(db):
    po = make_position("PO", per_station=1)
    district = make_district()
    make_station(make_centre(district))
    official = make_official(position=po, district=district)
    certify(official)
    assert services.coverage(db.session)[0].gap == 0
    official.status = "withdrawn"
    assert services.coverage(db.session)[0].gap == 1


def test_training_totals_count_each_official_with_a_valid_certificate_once_within_scope(db):
    district, elsewhere = make_district(), make_district()
    twice, revoked, plain = (make_official(district=district) for _ in range(3))
    certify(twice)
    certify(twice, make_course(position=twice.position, level=2), start=dt.date(2026, 2, 2))
    certify(revoked)
    services.revoke(db.session, services.certificates_of(db.session, revoked)[0], "Impersonation")
    certify(make_official(district=elsewhere))
    totals = services.training_totals(db.session, district)
    assert (totals.officials, totals.certified, totals.sessions) == (3, 1, 3)
    assert plain.id not in {c.official_id for c in db.session.scalars(db.select(Certificate))}
    assert services.training_totals(db.session).certified == 2

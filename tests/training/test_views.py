"""Training pages: permissions, scope, rosters, scores, revocation, the public check, coverage, imports."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from electoral.core.auth import Role
from electoral.core.models import AuditEntry
from electoral.training import services
from electoral.training.models import Certificate, Official
from tests.factories import make_centre, make_district, make_station, make_user, user_called
from tests.training.factories import make_course, make_official, make_position, make_session

TRAINING_PAGES = ["/training/", "/training/officials", "/training/officials/new", "/training/sessions",
                  "/training/courses", "/training/coverage", "/training/coverage.csv",
                  "/training/officials/import", "/training/attendance/import", "/training/scores/import"]


def _session_with(db, names, days=1):
    course = make_course()
    ts = make_session(course, days=days)
    enrolments = [services.enrol(db.session, ts, make_official(position=course.position, name=n,
                                                                district=ts.district)) for n in names]
    db.session.commit()
    return ts, enrolments


def _certified(db, name="Fatu Kollie"):
    ts, (enrolment,) = _session_with(db, [name])
    services.mark_attendance(db.session, ts, ts.start_date, set(), user_called("recorder"))
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(40), Decimal(85))}, user_called("recorder"))
    services.confirm_results(db.session, ts, make_user(Role.TRAINING_COORDINATOR))
    db.session.commit()
    return db.session.scalars(db.select(Certificate)).one()


@pytest.mark.parametrize("url", TRAINING_PAGES)
def test_registration_clerk_is_refused_training_pages(client, login_as, url):
    login_as(Role.REGISTRATION_CLERK)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", TRAINING_PAGES)
def test_training_coordinator_opens_training_pages(client, login_as, url):
    login_as(Role.TRAINING_COORDINATOR)
    assert client.get(url).status_code == 200


def test_coordinator_sees_training_in_the_menu_and_home_actions(client, login_as):
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/training/"' in page and "Training coverage" in page


def test_coordinator_creates_an_official(client, login_as, db):
    district = make_district(name="Bong")
    position = make_position(name="Inker")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form("/training/officials/new", {
        "reference": "LR-0001", "full_name": "محمد الأمين", "sex": "M", "birth_date": "1988-04-02",
        "phone": "0886000000", "district": district.id, "position": position.id, "status": "selected",
        "locale": "ar", "education": "secondary"}, follow_redirects=True)
    assert "محمد الأمين saved." in response.get_data(as_text=True)
    assert db.session.scalars(db.select(Official)).one().locale == "ar"


def test_duplicate_recruitment_number_is_shown_beside_the_field(client, login_as, db):
    official = make_official(reference="LR-0001")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form("/training/officials/new", {
        "reference": "LR-0001", "full_name": "Other", "sex": "F", "district": official.district_id,
        "position": official.position_id, "status": "applicant", "locale": "en"})
    assert "The recruitment number LR-0001 is already used." in response.get_data(as_text=True)


def test_official_search_finds_by_name(client, login_as, db):
    make_official(name="Comfort Wleh")
    make_official(name="Joseph Flomo")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get("/training/officials?q=wleh").get_data(as_text=True)
    assert "Comfort Wleh" in page and "Joseph Flomo" not in page


def test_district_coordinator_sees_only_their_district_officials(client, login_as, db):
    mine, other = make_district(), make_district()
    make_official(name="Local Person", district=mine)
    stranger = make_official(name="Far Person", district=other)
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR, scope=mine)
    page = client.get("/training/officials").get_data(as_text=True)
    assert "Local Person" in page and "Far Person" not in page
    assert client.get(f"/training/officials/{stranger.id}").status_code == 403


def test_district_coordinator_cannot_open_another_district_session(client, login_as, db):
    ts, _ = _session_with(db, [])
    login_as(Role.TRAINING_COORDINATOR, scope=make_district())
    assert client.get(f"/training/sessions/{ts.id}").status_code == 403


def test_only_administrators_designate_master_trainers(client, login_as, db):
    official = make_official()
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    assert client.post_form(f"/training/officials/{official.id}/master-trainer",
                            {"designated": "1"}).status_code == 403


def test_administrator_designates_a_master_trainer_and_the_trail_records_who(client, login_as, db):
    official = make_official()
    db.session.commit()
    admin = login_as(Role.ADMINISTRATOR)
    response = client.post_form(f"/training/officials/{official.id}/master-trainer", {"designated": "1"},
                                follow_redirects=True)
    assert "is now a national master trainer" in response.get_data(as_text=True)
    db.session.refresh(official)
    assert official.master_trainer
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity_type == "Official")
                               .order_by(AuditEntry.seq.desc())).first()
    assert entry.after == {"master_trainer": True} and entry.username == admin.username


def test_adding_an_uncertified_trainer_shows_why(client, login_as, db):
    ts, _ = _session_with(db, [])
    trainer = make_official(reference="TR-9")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form(f"/training/sessions/{ts.id}/trainers", {"trainer-reference": "TR-9"})
    assert response.status_code == 400
    assert "is not certified by a level 2 course" in response.get_data(as_text=True)
    assert trainer.id not in [t.id for t in ts.trainers]


def test_enrolling_in_a_full_session_shows_why(client, login_as, db):
    course = make_course()
    ts = make_session(course, capacity=1)
    services.enrol(db.session, ts, make_official(position=course.position))
    make_official(position=course.position, reference="LATE-1", district=ts.district)
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form(f"/training/sessions/{ts.id}/enrol", {"enrol-reference": "LATE-1"})
    assert "The session is full (1 places)." in response.get_data(as_text=True)


def test_roster_marks_everyone_present_except_those_ticked(client, login_as, db):
    ts, (amara, binta) = _session_with(db, ["Amara", "Binta"])
    login_as(Role.TRAINING_COORDINATOR)
    client.post_form(f"/training/sessions/{ts.id}/attendance/{ts.start_date.isoformat()}", {"absent": binta.id})
    assert services.attendance_for_day(db.session, ts, ts.start_date) == {amara.id: True, binta.id: False}


def test_attendance_of_a_day_outside_the_session_is_not_found(client, login_as, db):
    ts, _ = _session_with(db, ["Amara"])
    login_as(Role.TRAINING_COORDINATOR)
    assert client.get(f"/training/sessions/{ts.id}/attendance/2001-01-01").status_code == 404


def test_scores_screen_certifies_those_who_pass(client, login_as, db):
    ts, (amara, binta) = _session_with(db, ["Amara", "Binta"])
    services.mark_attendance(db.session, ts, ts.start_date, set(), user_called("recorder"))
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form(f"/training/sessions/{ts.id}/scores", {
        f"pre_{amara.id}": "40", f"post_{amara.id}": "70", f"pre_{binta.id}": "45", f"post_{binta.id}": "69,9"},
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Scores saved." in page
    assert "Meets the rules: awaiting confirmation" in page and "Failed the post-test" in page
    assert "Certified" not in page  # one coordinator typed the scores: no certificate yet
    refused = client.post_form(f"/training/sessions/{ts.id}/confirm", {}, follow_redirects=True)
    assert "a different coordinator must confirm them" in refused.get_data(as_text=True)
    client.post_form("/logout", {})
    login_as(Role.TRAINING_COORDINATOR)
    page = client.post_form(f"/training/sessions/{ts.id}/confirm", {}, follow_redirects=True).get_data(as_text=True)
    assert "Results confirmed: 1 certificate issued." in page
    assert page.count("Certified") == 1 and "Failed the post-test" in page


def test_course_form_offers_no_position_pre_chosen(client, login_as, db):
    make_position(name="Master trainer")
    make_position(name="Presiding officer")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get("/training/courses/new").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="position".*?</select>', page, re.S).group(0)
    assert re.search(r'<select[^>]*><option value="0">Choose</option>', select) and "selected" not in select
    refused = client.post_form("/training/courses/new", {"code": "PO", "name": "Presiding officers", "position": "0",
                                                        "level": "3", "pre_test_max": "100", "post_test_max": "100",
                                                        "pass_mark": "70"})
    assert "Choose the position this course trains for." in refused.get_data(as_text=True)


def test_session_page_says_a_session_without_trainer_certifies_no_one(client, login_as, db):
    ts = make_session(trainer=False)
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get(f"/training/sessions/{ts.id}").get_data(as_text=True)
    assert "No trainer yet: no certificate is issued until the session" in page


def test_score_above_the_maximum_is_shown_beside_it_and_nothing_saved(client, login_as, db):
    ts, (amara,) = _session_with(db, ["Amara"])
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form(f"/training/sessions/{ts.id}/scores",
                                {f"pre_{amara.id}": "40", f"post_{amara.id}": "120"})
    assert response.status_code == 400
    assert "The post-test score must be between 0 and 100." in response.get_data(as_text=True)
    db.session.refresh(amara)
    assert amara.pre_score is None


def test_revoking_a_certificate_shows_it_revoked_publicly(client, login_as, db):
    certificate = _certified(db)
    login_as(Role.TRAINING_COORDINATOR)
    client.post_form(f"/training/certificates/{certificate.id}/revoke", {"reason": "Impersonation"})
    client.post_form("/logout")
    page = client.get(f"/training/verify/{certificate.code}").get_data(as_text=True)
    assert '<strong class="verify-revoked">Revoked</strong>' in page and ">Valid<" not in page


def test_public_verification_shows_name_position_and_validity_only(client, db):
    certificate = _certified(db, name="Fatu Kollie")
    official = certificate.official
    official.phone, official.birth_date = "0777123456", dt.date(1991, 7, 23)
    db.session.commit()
    response = client.get(f"/training/verify/{certificate.code}")
    page = response.get_data(as_text=True)
    main = re.search(r"<main>(.*)</main>", page, re.S).group(1)
    assert response.status_code == 200
    assert "Fatu Kollie" in main and certificate.position.name in main and ">Valid<" in main
    # The random verification code and the factory's position name ("Position 40") may
    # themselves contain "85" or "40"; both are meant to be shown: leave them out of the search.
    shown = main.replace(certificate.code, "").replace(certificate.position.name, "")
    # Whole words: a longer number elsewhere on the page (1850) must not pass for the score 85.
    for secret in ("0777123456", "1991", official.reference, official.district.name, "85", "40"):
        assert not re.search(rf"(?<![\w-]){re.escape(secret)}(?![\w-])", shown), secret


def test_unknown_verification_code_says_so(client, db):
    response = client.get("/training/verify/not-a-real-code")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)


def test_coverage_page_lists_districts_furthest_behind_first(client, login_as, db):
    make_position("PO", per_station=1)
    behind = make_district(name="Behind")
    make_district(name="Nothing needed")
    make_station(make_centre(behind))
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get("/training/coverage").get_data(as_text=True)
    assert page.index("Behind") < page.index("Nothing needed")
    assert 'value="0.0"' in page


def test_coverage_csv_has_a_line_per_district(client, login_as, db):
    make_district(code="D-A")
    make_district(code="D-B")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    lines = client.get("/training/coverage.csv").get_data().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("district_code,district_name,stations,needed,certified,gap")
    assert [line.split(",")[0] for line in lines[1:]] == ["D-A", "D-B"]


def test_import_with_a_bad_line_lists_it_and_imports_nothing(client, login_as, db):
    make_district(code="D1")
    make_position("PO")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    data = (b"reference,full_name,sex,district_code,position_code\n"
            b"A1,Good Person,F,D1,PO\nA2,Bad District,M,ZZ,PO\nA3,Bad Sex,X,D1,PO\n")
    response = client.post_form("/training/officials/import", {"file": (io.BytesIO(data), "officials.csv")},
                                content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "no district has the code ZZ" in page and "Sex must be F or M." in page
    assert db.session.scalars(db.select(Official)).all() == []


def test_official_page_prints_the_certificate_through_the_report_kit(client, login_as, db):
    certificate = _certified(db)
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get(f"/training/officials/{certificate.official_id}").get_data(as_text=True)
    form = re.search(r'<form method="post" action="(/reports/certificate)".*?</form>', page, re.S)
    fields = dict(re.findall(r'name="(p_official|lang|paper)" value="([^"]*)"', form.group(0)))
    response = client.post_form(form.group(1), {**fields, "watermark": ""})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert certificate.code in "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages
                                       ).replace("\n", "")


def test_coverage_page_prints_its_pdf_through_the_report_kit(client, login_as, db):
    make_district(name="Lofa")
    db.session.commit()
    login_as(Role.TRAINING_COORDINATOR)
    response = client.post_form("/reports/training-coverage", {"lang": "en", "paper": "A4", "watermark": ""})
    assert response.mimetype == "application/pdf"
    assert "Lofa" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)


def test_every_training_page_opens_with_data(client, login_as, db):
    certificate = _certified(db)
    ts = certificate.enrolment.session
    trainer = make_official(master_trainer=True)
    led = make_session(make_course(level=1), start=ts.start_date + dt.timedelta(days=30))
    services.add_trainer(db.session, led, trainer)
    services.add_default_positions(db.session)
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    for url in ["/training/", "/training/officials", f"/training/officials/{certificate.official_id}",
                f"/training/officials/{certificate.official_id}/edit", "/training/positions",
                f"/training/positions/{certificate.position_id}/edit", "/training/courses",
                f"/training/courses/{certificate.course_id}/edit", "/training/sessions", "/training/sessions/new",
                f"/training/sessions/{ts.id}", f"/training/sessions/{ts.id}/edit", f"/training/sessions/{led.id}",
                f"/training/sessions/{ts.id}/attendance/{ts.start_date.isoformat()}",
                f"/training/sessions/{ts.id}/scores", f"/training/certificates/{certificate.id}/revoke",
                "/training/coverage", "/training/courses/new", "/training/positions/new"]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_official_page_shows_the_training_history(client, login_as, db):
    certificate = _certified(db)
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get(f"/training/officials/{certificate.official_id}").get_data(as_text=True)
    history = page[page.index("Training history"):]
    assert certificate.course.code in history and "85.0%" in history and "1 / 1" in history


def test_official_page_title_is_the_name_alone(client, login_as, db):
    certificate = _certified(db, name="Fatu Kollie")
    login_as(Role.TRAINING_COORDINATOR)
    page = client.get(f"/training/officials/{certificate.official_id}").get_data(as_text=True)
    title = page[page.index("<title>") + 7:page.index("</title>")]
    assert title.startswith("Fatu Kollie") and "<" not in title
    assert page.count(">Training history<") == 1

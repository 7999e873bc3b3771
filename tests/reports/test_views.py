"""The Reports page, the print form, background jobs and who may download their files."""

from electoral.core.auth import Role
from electoral.reports.models import ReportJob
from tests.factories import PASSWORD, make_user
from tests.reports.factories import make_map
from tests.reports.helpers import pdf_text


def _job_id(response) -> int:
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_reports_page_lists_only_what_the_role_may_print(client, login_as):
    login_as(Role.REGISTRATION_CLERK)
    page = client.get("/reports/").get_data(as_text=True)
    assert "/reports/geography-summary" in page
    assert "/reports/audit-extract" not in page


def test_administrator_sees_the_audit_extract(client, login_as):
    login_as(Role.ADMINISTRATOR)
    page = client.get("/reports/").get_data(as_text=True)
    assert "/reports/audit-extract" in page and "/reports/geography-summary" in page


def test_a_role_the_report_does_not_allow_gets_403(client, login_as):
    login_as(Role.REGISTRATION_CLERK)
    assert client.get("/reports/audit-extract").status_code == 403
    assert client.post_form("/reports/audit-extract", {"lang": "en", "paper": "A4"}).status_code == 403


def test_print_form_defaults_to_the_users_language(client, login_as, db):
    user = login_as(Role.REGISTRATION_CLERK)
    user.locale = "fr"
    db.session.commit()
    page = client.get("/reports/geography-summary").get_data(as_text=True)
    assert '<option selected value="fr">' in page


def test_geography_summary_prints_straight_away_in_the_language_asked(client, login_as, db):
    make_map()
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    response = client.post_form("/reports/geography-summary",
                                {"lang": "ar", "paper": "Letter", "watermark": "draft", "p_region": "NO"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "Marché" in pdf_text(response.data)


def test_bad_parameter_is_shown_beside_its_field(client, login_as, db):
    make_map()
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    response = client.post_form("/reports/geography-summary", {"lang": "en", "paper": "A4", "p_region": "XX"})
    assert response.status_code == 200
    assert "Choose one of the listed values." in response.get_data(as_text=True)


def test_voter_cards_outside_the_clerks_area_are_refused_when_asked_not_queued(client, login_as, db):
    from tests.factories import make_centre, make_district

    home, elsewhere = make_district(code="HM-01"), make_centre(code="EL-01-001")
    login_as(Role.REGISTRATION_CLERK, scope=home)
    response = client.post_form("/reports/voter-cards", {"lang": "en", "paper": "A4", "p_centre": elsewhere.code})
    assert response.status_code == 200
    assert "Polling centre EL-01-001 is outside your area." in response.get_data(as_text=True)
    assert db.session.query(ReportJob).count() == 0


def test_background_job_runs_and_its_result_downloads(client, login_as, db):
    login_as(Role.ADMINISTRATOR, username="chief")
    response = client.post_form("/reports/audit-extract", {"lang": "fr", "paper": "A4", "p_user": "chief"})
    assert response.status_code == 302
    job = db.session.get(ReportJob, _job_id(response))
    assert (job.state, job.report, job.lang) == ("done", "audit-extract", "fr")
    page = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert f"/reports/jobs/{job.id}/download" in page
    download = client.get(f"/reports/jobs/{job.id}/download")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")
    assert "chief" in pdf_text(download.data)


def test_another_user_cannot_see_or_download_someone_elses_result(app, client, login_as, db):
    login_as(Role.ADMINISTRATOR)
    job_id = _job_id(client.post_form("/reports/audit-extract", {"lang": "en", "paper": "A4"}))
    other = make_user(Role.ADMINISTRATOR, Role.REGISTRATION_CLERK, username="other")
    other.role_links = [link for link in other.role_links if link.role != Role.ADMINISTRATOR.value]
    db.session.commit()
    stranger = app.test_client()
    stranger.post_form("/login", {"username": "other", "password": PASSWORD})
    assert stranger.get(f"/reports/jobs/{job_id}/download").status_code == 403
    assert stranger.get(f"/reports/jobs/{job_id}").status_code == 403


def test_an_administrator_may_download_any_result(app, client, login_as, db):
    login_as(Role.ADMINISTRATOR)
    job_id = _job_id(client.post_form("/reports/audit-extract", {"lang": "en", "paper": "A4"}))
    make_user(Role.ADMINISTRATOR, username="second")
    db.session.commit()
    admin = app.test_client()
    admin.post_form("/login", {"username": "second", "password": PASSWORD})
    assert admin.get(f"/reports/jobs/{job_id}/download").status_code == 200


def test_unfinished_job_page_refreshes_itself(client, login_as, db):
    user = login_as(Role.ADMINISTRATOR)
    job = ReportJob(user_id=user.id, printed_by="x", report="audit-extract", params={}, lang="en",
                    state="queued", done=0, total=0)
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert 'data-refresh="3"' in page and "js/report-job.js" in page
    assert client.get(f"/reports/jobs/{job.id}/download").status_code == 302


def test_a_job_that_fails_says_why(client, login_as, db, monkeypatch):
    from electoral.reports import registry

    def broken(*args, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(registry, "render", broken)
    login_as(Role.ADMINISTRATOR)
    job_id = _job_id(client.post_form("/reports/audit-extract", {"lang": "en", "paper": "A4"}))
    assert db.session.get(ReportJob, job_id).state == "failed"
    assert "printer on fire" in client.get(f"/reports/jobs/{job_id}").get_data(as_text=True)


def test_running_job_page_shows_its_progress(client, login_as, db):
    user = login_as(Role.ADMINISTRATOR)
    job = ReportJob(user_id=user.id, printed_by="x", report="audit-extract", params={}, lang="en",
                    state="running", done=1500, total=30000)
    db.session.add(job)
    db.session.commit()
    page = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert '<progress value="1500" max="30000">' in page and "1,500 of 30,000" in page

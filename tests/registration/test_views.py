"""The registration pages as clerks, supervisors, administrators and others see them."""

import functools
import io
import re
from datetime import date

import pytest

from electoral.core.auth import Role
from electoral.registration.models import DuplicatePair, Election, RollCase, Voter
from tests.factories import make_centre, make_district, user_called
from tests.registration.factories import make_election, make_voter

FORM = {"family_name": "Kamara", "given_names": "Mohamed", "father_name": "Ibrahim", "sex": "M",
        "date_of_birth": "1990-05-14", "place_of_birth": "Kenema", "id_type": "national_id",
        "id_number": "SL-5531"}


def test_clerk_registers_a_voter_and_sees_the_number(client, db, login_as):
    make_election()
    centre = make_centre(code="MO-01-001")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=centre.district)
    response = client.post_form("/registration/register", {**FORM, "centre_code": "MO-01-001"}, follow_redirects=True)
    voter = db.session.query(Voter).one()
    assert f"Voter {voter.voter_number} registered." in response.get_data(as_text=True)


def test_register_page_after_the_period_says_so_and_disables_the_form(client, db, login_as):
    make_election(registration=(date(2020, 1, 6), date(2020, 3, 31)))
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    page = client.get("/registration/register").get_data(as_text=True)
    assert "Registration is open from 2020-01-06 to 2020-03-31. New voters cannot be registered now." in page
    form = page[page.index('class="card registration-form"'):]
    assert form.count("<fieldset disabled>") == 2
    assert re.search(r'<button type="submit" class="primary" disabled>', form)


def test_register_page_in_the_period_is_open(client, db, login_as):
    make_election(registration=(date(2020, 1, 6), None))
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    page = client.get("/registration/register").get_data(as_text=True)
    assert "disabled" not in page and "New voters cannot be registered now." not in page


def test_possible_duplicate_is_shown_to_a_supervisor_with_score_and_reasons_then_saved_to_the_queue(
        client, db, login_as):
    make_election()
    centre = make_centre(code="MO-01-001")
    first = make_voter(centre, family_name="كمارا", given_names="محمد", father_name="إبراهيم", sex="M",
                       date_of_birth=date(1990, 5, 14), id_number="SL-5531", place_of_birth="Kenema")
    db.session.commit()
    # The details are a supervisor's to see (a clerk gets the number only: tests/security/test_duplicate_notice.py).
    login_as(Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR)
    shown = client.post_form("/registration/register", {**FORM, "centre_code": "MO-01-001"})
    text = shown.get_data(as_text=True)
    assert shown.status_code == 409
    assert first.voter_number in text and "same ID number" in text
    assert "names match across scripts: Mohamed Kamara ~ محمد كمارا" in text
    saved = client.post_form("/registration/register", {**FORM, "centre_code": "MO-01-001", "save_as_duplicate": "1"},
                             follow_redirects=True)
    assert "saved as a possible duplicate" in saved.get_data(as_text=True)
    assert db.session.query(DuplicatePair).count() == 1


def test_after_a_duplicate_warning_the_clerk_fixes_a_typo_and_checks_again(client, db, login_as):
    make_election()
    centre = make_centre(code="MO-01-001")
    make_voter(centre, family_name="Kamara", given_names="Mohamed", sex="M", date_of_birth=date(1990, 5, 14),
               id_number="SL-5531")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=centre.district)
    warned = client.post_form("/registration/register", {**FORM, "centre_code": "MO-01-001"})
    page = warned.get_data(as_text=True)
    assert warned.status_code == 409
    assert re.search(r'<button type="submit">Check again</button>', page)
    assert 'value="Ibrahim"' in page  # the form keeps what was typed
    # The document number was mistyped: corrected, the same form goes through the check again.
    fixed = {**FORM, "centre_code": "MO-01-001", "family_name": "Kanneh", "given_names": "Musa",
             "date_of_birth": "1984-02-02", "id_number": "SL-9904"}
    response = client.post_form("/registration/register", fixed, follow_redirects=True)
    voter = db.session.query(Voter).filter_by(family_name="Kanneh").one()
    assert voter.status == "active"
    assert f"Voter {voter.voter_number} registered." in response.get_data(as_text=True)


def test_photo_is_resized_and_stored_outside_the_database(client, db, login_as, app, tmp_path):
    from PIL import Image

    app.config["PHOTO_DIR"] = str(tmp_path)
    make_election()
    make_centre(code="MO-01-001")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    picture = io.BytesIO()
    Image.new("RGB", (1600, 1200), "navy").save(picture, "PNG")
    picture.seek(0)
    client.post_form("/registration/register", {**FORM, "centre_code": "MO-01-001",
                                                "photo": (picture, "face.png")}, content_type="multipart/form-data")
    app.config.pop("PHOTO_DIR")
    voter = db.session.query(Voter).one()
    stored = Image.open(tmp_path / voter.photo_path)
    assert stored.size[0] <= 400 and stored.format == "JPEG"


def test_clerk_scoped_to_another_district_cannot_register_there(client, db, login_as):
    make_election()
    make_centre(code="FAR-001")
    home = make_district()
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=home)
    response = client.post_form("/registration/register", {**FORM, "centre_code": "FAR-001"})
    assert "Polling centre FAR-001 is outside your area." in response.get_data(as_text=True)
    assert db.session.query(Voter).count() == 0


def test_under_age_person_gets_the_message_beside_the_date(client, db, login_as):
    make_election(polling_day=date(2026, 10, 10))
    make_centre(code="MO-01-001")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    response = client.post_form("/registration/register", {**FORM, "centre_code": "MO-01-001",
                                                           "date_of_birth": "2010"})
    assert "Not eligible: 16 years old on polling day" in response.get_data(as_text=True)


def test_observer_gets_403_on_voter_pages(client, db, login_as):
    make_election()
    voter = make_voter()
    db.session.commit()
    login_as(Role.OBSERVER)
    assert client.get("/registration/voters").status_code == 403
    assert client.get(f"/registration/voters/{voter.voter_number}").status_code == 403
    assert client.get("/registration/register").status_code == 403


def test_clerk_of_another_district_cannot_open_a_voter(client, db, login_as):
    make_election()
    voter = make_voter()
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=make_district())
    assert client.get(f"/registration/voters/{voter.voter_number}").status_code == 403


def test_search_by_name_across_scripts_is_paginated(client, db, login_as):
    make_election()
    make_voter(family_name="كمارا", given_names="محمد", sex="M")
    make_voter(family_name="Kamara", given_names="Mohamed", sex="M", date_of_birth=date(1970, 1, 2))
    make_voter(family_name="Sesay", given_names="Fatu")
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    text = client.get("/registration/voters?q=Kamara").get_data(as_text=True)
    assert "محمد" in text and "Mohamed" in text and "Sesay" not in text
    assert "2 items" in text


def test_search_by_voter_number(client, db, login_as):
    make_election()
    voter = make_voter()
    make_voter()
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    text = client.get(f"/registration/voters?q={voter.voter_number}").get_data(as_text=True)
    assert "1 item" in text and voter.family_name in text


def test_supervisor_decides_a_pair_from_the_queue(client, db, login_as):
    make_election()
    a = make_voter(family_name="Kamara", given_names="Mohamed", sex="M", id_number="Z1")
    b = make_voter(family_name="Kamara", given_names="Mohammed", sex="M", id_number="Z1")
    db.session.add(DuplicatePair(voter_a_id=a.id, voter_b_id=b.id, score=90, reasons=[["same_id", {}]]))
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get("/registration/duplicates").get_data(as_text=True)
    assert "same ID number" in page
    pair_id = db.session.query(DuplicatePair).one().id
    response = client.post_form(f"/registration/duplicates/{pair_id}", {"decision": "keep_a"}, follow_redirects=True)
    assert f"Kept {a.voter_number}" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Voter, b.id).removal_reason == "duplicate"


def test_decide_without_a_choice_says_so_beside_the_pair_and_keeps_the_page(client, db, login_as):
    make_election()
    a, b = make_voter(id_number="Z2"), make_voter(id_number="Z2")
    pair = DuplicatePair(voter_a_id=a.id, voter_b_id=b.id, score=90, reasons=[["same_id", {}]])
    db.session.add(pair)
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    queue = client.get("/registration/duplicates?page=1").get_data(as_text=True)
    action = re.search(rf'action="(/registration/duplicates/{pair.id}[^"]*)"', queue).group(1).replace("&amp;", "&")
    assert "page=1" in action and "status=open" in action
    response = client.post_form(action, {"decision": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#pair-{pair.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    card = page[page.index(f'id="pair-{pair.id}"'):]
    assert '<p class="error" role="alert">Choose a decision.</p>' in card
    assert db.session.get(DuplicatePair, pair.id).status == "open"


def test_supervisor_scan_button_runs_the_scan_and_shows_its_result(client, db, login_as):
    make_election()
    make_voter(family_name="Sesay", given_names="Fatu", id_number="X1")
    make_voter(family_name="Fatu", given_names="Sesay", id_number="X1")
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    response = client.post_form("/registration/duplicates/scan", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Finished: 2 voters compared. 1 new possible duplicate pair queued." in text


def test_administrator_sets_the_election(client, db, login_as):
    login_as(Role.ADMINISTRATOR)
    response = client.post_form("/registration/election", {"name": "General 2026", "polling_day": "2026-10-10",
                                                           "minimum_age": "18"}, follow_redirects=True)
    assert "Election settings saved." in response.get_data(as_text=True)
    assert db.session.query(Election).one().minimum_age == 18


def test_roll_figures_by_district_and_csv(client, db, login_as):
    make_election()
    centre = make_centre()
    make_voter(centre, sex="F")
    make_voter(centre, sex="M")
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get("/registration/roll?level=district").get_data(as_text=True)
    assert centre.district.code in page
    csv_text = client.get("/registration/roll/figures.csv?level=centre").get_data(as_text=True)
    assert f"{centre.code},{centre.name},2,1,1" in csv_text


def test_clerk_records_objection_and_supervisor_upholds_it(client, db, login_as):
    make_election(exhibition=(date(2026, 1, 1), None))
    voter = make_voter()
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    client.post_form("/registration/cases/objection", {"voter_number": voter.voter_number, "ground": "deceased",
                                                       "evidence": "Death certificate 88"})
    client.post_form("/logout")
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get("/registration/cases").get_data(as_text=True)
    assert "Death certificate 88" in page
    case_id = db.session.query(RollCase).one().id
    decided = client.post_form(f"/registration/cases/{case_id}", {"decision": "upheld", "reason": "Seen the certificate"},
                               follow_redirects=True)
    assert f"Case {case_id} decided." in decided.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Voter, voter.id).status == "removed"


def test_claims_show_their_fields_by_name_in_the_reader_language(client, db, login_as):
    from electoral.registration.services import roll

    make_election(exhibition=(date(2026, 1, 1), None))
    roll.lodge_inclusion(db.session, make_centre(), {"family_name": "Gbowee", "given_names": "Leymah", "sex": "F",
                                                    "date_of_birth": "1972-02-01"}, "Registration slip", user_called("clerk"))
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get("/registration/cases").get_data(as_text=True)
    assert "Family name: <bdi>Gbowee</bdi>; Given names: <bdi>Leymah</bdi>; Sex: Female" in page
    assert "family_name" not in page
    french = client.get("/registration/cases", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Sexe : Femme" in french or "Sexe: Femme" in french


def test_voter_page_names_the_state_of_its_duplicate_pairs(client, db, login_as):
    a, b = make_voter(), make_voter()
    db.session.add(DuplicatePair(voter_a_id=a.id, voter_b_id=b.id, score=90, reasons=[["same_id", {}]],
                                 status="not_duplicate"))
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get(f"/registration/voters/{a.voter_number}").get_data(as_text=True)
    assert "· 90 · Not a duplicate</li>" in page and "not_duplicate" not in page


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder of the test's own for the uploaded files."""
    from electoral.registration.services import jobs

    monkeypatch.setattr(jobs, "INSTANCE_PATH", tmp_path)
    return tmp_path


IMPORT_HEADER = b"family_name,given_names,sex,date_of_birth,centre_code,id_type,id_number\n"


@pytest.fixture
def import_centre(db):
    """An election and polling centre MO-01-001, committed: what the upload tests import into."""
    make_election()
    make_centre(code="MO-01-001")
    db.session.commit()


def _upload(client, rows: bytes, filename: str, follow_redirects: bool = True, **fields):
    """Send an import file (IMPORT_HEADER, then ``rows``) through the upload page."""
    return client.post_form("/registration/import", {"file": (io.BytesIO(IMPORT_HEADER + rows), filename), **fields},
                            content_type="multipart/form-data", follow_redirects=follow_redirects)


def test_upload_with_a_bad_line_imports_nothing_and_names_the_line(client, db, login_as, instance, import_centre):
    login_as(Role.REGISTRATION_SUPERVISOR)
    response = _upload(client, b"Kollie,Amara,F,1990-01-02,MO-01-001,national_id,N1\n"
                               b"Flomo,Esther,X,1991-01-02,MO-01-001,national_id,N2\n", "voters.csv")
    text = response.get_data(as_text=True)
    assert "The file has 1 bad line. Nothing was imported." in text
    assert "<td>3</td><td>sex must be F or M" in text
    assert db.session.query(Voter).count() == 0


def test_supervisor_menu_links_to_duplicates_claims_and_the_roll(client, db, login_as):
    login_as(Role.REGISTRATION_SUPERVISOR)
    page = client.get("/").get_data(as_text=True)
    for href in ("/registration/voters", "/registration/duplicates", "/registration/cases", "/registration/roll"):
        assert f'href="{href}"' in page


def test_upload_with_skip_invalid_imports_good_rows_and_lists_the_bad(client, db, login_as, instance, import_centre):
    login_as(Role.REGISTRATION_CLERK)
    response = _upload(client, b"Kollie,Amara,F,1990-01-02,MO-01-001,national_id,N1\n"
                               b"Flomo,Esther,F,1991-01-02,NOWHERE,national_id,N2\n", "voters.csv", skip_invalid="y")
    text = response.get_data(as_text=True)
    assert "Finished: 1 voters imported, 0 were already imported" in text
    assert "1 line was not imported" in text and 'no polling centre has the code &#34;NOWHERE&#34;' in text
    assert db.session.query(Voter).count() == 1


def test_upload_runs_as_a_background_job_and_deletes_the_file_when_done(client, db, login_as, instance,
                                                                        import_centre):
    from electoral.registration.models import ImportJob

    clerk = login_as(Role.REGISTRATION_CLERK)
    response = _upload(client, b"Kollie,Amara,F,1990-01-02,MO-01-001,national_id,N1\n" * 2, "kit-7.csv",
                       follow_redirects=False)
    job = db.session.query(ImportJob).one()
    assert response.status_code == 302 and response.location.endswith(f"/registration/import/{job.id}")
    assert (job.status, job.imported, job.pairs_queued, job.started_by) == ("finished", 2, 1, clerk.username)
    assert job.file_path is None and list((instance / "imports").iterdir()) == []
    page = client.get(f"/registration/import/{job.id}").get_data(as_text=True)
    assert "Import of kit-7.csv" in page and "1 possible duplicate pairs queued" in page
    assert "rows a second" in page and "data-refresh" not in page


def _running_job(db, clerk, status: str, done: int, total: int):
    from electoral.core.models import utcnow
    from electoral.registration.models import ImportJob

    job = ImportJob(status=status, filename="big.csv", user_id=clerk.id, started_by=clerk.username,
                    done=done, total=total, stage_started_at=utcnow(), bad_lines=[])
    db.session.add(job)
    db.session.commit()
    return job


def test_import_page_of_a_running_job_shows_rows_and_reloads_itself_without_inline_script(client, db, login_as):
    job = _running_job(db, login_as(Role.REGISTRATION_CLERK), "writing", 40_000, 100_000)
    page = client.get(f"/registration/import/{job.id}").get_data(as_text=True)
    assert "Writing: 40,000 of 100,000 rows." in page and "rows a second" in page
    assert 'data-refresh="2"' in page and "js/registration.js" in page
    assert "<script>" not in page


def test_import_page_of_a_bulk_load_says_the_counts_come_at_the_end(client, db, login_as):
    """A bulk load writes its progress inside its one transaction: the page says why it shows no count."""
    job = _running_job(db, login_as(Role.REGISTRATION_CLERK), "loading", 0, 1_000_000)
    page = client.get(f"/registration/import/{job.id}").get_data(as_text=True)
    assert "Loading the whole file, about 1,000,000 rows, in one transaction" in page
    assert "The counts appear when it has finished." in page and 'data-refresh="2"' in page
    listing = client.get("/registration/import").get_data(as_text=True)
    assert "Loading in one transaction" in listing


def test_unreadable_upload_is_refused_at_once_without_a_job(client, db, login_as, instance):
    from electoral.registration.models import ImportJob

    make_election()
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    response = client.post_form("/registration/import", {"file": (io.BytesIO(b"name,town\nKollie,Bo\n"), "x.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Missing columns: family_name" in response.get_data(as_text=True)
    assert db.session.query(ImportJob).count() == 0


def test_another_clerk_cannot_see_an_import_result(client, db, login_as):
    from electoral.registration.models import ImportJob

    job = ImportJob(status="finished", filename="kit.csv", user_id=None, started_by="someone", bad_lines=[])
    db.session.add(job)
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK)
    assert client.get(f"/registration/import/{job.id}").status_code == 403


def test_roll_figures_by_station_count_assigned_voters(client, db, login_as):
    from tests.factories import make_station

    make_election()
    station = make_station(code="ST-FIG")
    make_voter(station.centre, station=station, sex="F")
    make_voter(station.centre, sex="M")  # not assigned yet: not in any station's row
    db.session.commit()
    login_as(Role.ADMINISTRATOR)
    csv_text = client.get("/registration/roll/figures.csv?level=station").get_data(as_text=True)
    assert f"ST-FIG,{station.name},1,1,0" in csv_text


def test_supervisor_removes_a_deceased_voter_from_the_frozen_roll(client, db, login_as):
    from electoral.registration.models import RollChange
    from electoral.registration.services import election

    make_election()
    voter = make_voter()
    election.freeze(db.session, user_called("sup"))
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    response = client.post_form(f"/registration/voters/{voter.voter_number}/remove",
                                {"reason": "deceased", "note": "Death certificate 4411"}, follow_redirects=True)
    assert f"Voter {voter.voter_number} removed." in response.get_data(as_text=True)
    assert db.session.query(RollChange).one().reason == "deceased: Death certificate 4411"
    page = client.get(f"/registration/voters/{voter.voter_number}").get_data(as_text=True)
    assert "removed · deceased" in page.lower()
    from flask import current_app
    assert current_app.jinja_env.filters["removal_reason"]("court_order") == "Court order"


def test_upload_naming_a_centre_outside_the_clerks_area_imports_nothing(client, db, login_as, instance):
    make_election()
    home = make_district()
    make_centre(code="HOME-001", district=home)
    make_centre(code="FAR-001")
    db.session.commit()
    login_as(Role.REGISTRATION_CLERK, scope=home)
    text = _upload(client, b"Kollie,Amara,F,1990-01-02,HOME-001,national_id,N1\n"
                           b"Flomo,Esther,F,1991-01-02,FAR-001,national_id,N2\n", "voters.csv").get_data(as_text=True)
    assert "<td>3</td><td>polling centre FAR-001 is outside your area</td>" in text
    assert db.session.query(Voter).count() == 0


@pytest.mark.parametrize("bulk", [False, True])
def test_an_upload_that_fails_while_writing_says_to_upload_it_again_and_the_rerun_adds_nobody_twice(
        client, db, login_as, instance, import_centre, monkeypatch, bulk):
    """Batches written before a failure stay, a bulk load leaves nothing: the same advice holds for both."""
    from electoral.registration.models import ImportJob
    from electoral.registration.services import imports

    if bulk and db.engine.dialect.name != "sqlite":
        pytest.skip("bulk loads are SQLite's")
    monkeypatch.setattr(imports, "BULK_FROM", 2 if bulk else 10**9)
    monkeypatch.setattr(imports, "import_voters", functools.partial(imports.import_voters, batch_size=2))
    write_batch, calls = imports._write_batch, []

    def write_failing_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("No space left on device")
        return write_batch(*args, **kwargs)

    monkeypatch.setattr(imports, "_write_batch", write_failing_the_second_batch)
    login_as(Role.REGISTRATION_SUPERVISOR)
    rows = b"".join(b"%s,Amara,F,1990-01-0%d,MO-01-001,national_id,N%d\n" % (name, day, day)
                    for day, name in enumerate((b"Kollie", b"Flomo", b"Dolo", b"Weah", b"Sirleaf"), start=1))

    def upload() -> str:
        return _upload(client, rows, "kit-9.csv").get_data(as_text=True)

    text = upload()
    assert db.session.query(ImportJob).one().status == "failed"
    assert "The import failed. Import the same file again: rows already written are recognised" in text
    written = db.session.query(Voter).count()
    assert written == (0 if bulk else 2)
    text = upload()
    assert f"Finished: {5 - written} voters imported, {written} were already imported" in text
    assert db.session.query(Voter).count() == 5


def test_a_bulk_load_shows_as_loading_to_other_readers_while_it_runs(client, db, login_as, instance, import_centre,
                                                                     monkeypatch):
    """The stage is committed before the load's one transaction begins, so the job's page, read on
    another connection, shows the load under way rather than still waiting."""
    import sqlalchemy as sa

    from electoral.registration.models import ImportJob
    from electoral.registration.services import imports

    if db.engine.dialect.name != "sqlite":
        pytest.skip("bulk loads are SQLite's")
    monkeypatch.setattr(imports, "BULK_FROM", 2)
    write_new, seen = imports._write_new, []

    def look_then_write(*args, **kwargs):
        with db.engine.connect() as reader:
            seen.append(reader.scalar(sa.select(ImportJob.status)))
        return write_new(*args, **kwargs)

    monkeypatch.setattr(imports, "_write_new", look_then_write)
    login_as(Role.REGISTRATION_SUPERVISOR)
    _upload(client, b"Kollie,Amara,F,1990-01-02,MO-01-001,national_id,N1\n"
                    b"Dolo,Musu,F,1985-02-03,MO-01-001,passport,P3\n", "roll.csv", follow_redirects=False)
    assert seen == ["loading"]
    assert db.session.query(ImportJob).one().status == "finished"


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_upload_of_a_file_larger_than_the_roll_loads_in_bulk_through_the_page(client, db, login_as, instance,
                                                                              import_centre, monkeypatch, skip_invalid):
    """A file past the bulk threshold goes the one-transaction way; the page reports it as any other."""
    from electoral.registration.services import imports

    if db.engine.dialect.name != "sqlite":
        pytest.skip("bulk loads are SQLite's")
    monkeypatch.setattr(imports, "BULK_FROM", 2)
    login_as(Role.REGISTRATION_SUPERVISOR)
    rows = (b"Kollie,Amara,F,1990-01-02,MO-01-001,national_id,N1\n"
            b"Flomo,Esther,F,1991-01-02,NOWHERE,national_id,N2\n"
            b"Dolo,Musu,F,1985-02-03,MO-01-001,passport,P3\n")
    assert imports._loads_in_bulk(db.session, (IMPORT_HEADER + rows).count(b"\n"), "roll.csv")
    text = _upload(client, rows, "roll.csv", **({"skip_invalid": "y"} if skip_invalid else {})).get_data(as_text=True)
    if skip_invalid:
        assert "Finished: 2 voters imported, 0 were already imported" in text
        assert 'no polling centre has the code &#34;NOWHERE&#34;' in text
        assert sorted(v.family_name for v in db.session.query(Voter)) == ["Dolo", "Kollie"]
    else:
        assert "The file has 1 bad line. Nothing was imported." in text
        assert "<td>3</td><td>no polling centre has the code" in text
        assert db.session.query(Voter).count() == 0

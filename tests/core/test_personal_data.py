"""Personal data: public pages show only what they must, exports are audited, the trail keeps no secrets."""

import datetime as dt
import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from electoral.accounts import services as accounts
from electoral.accounts.models import User
from electoral.core.audit import Actor, acting_as
from electoral.core.auth import Role
from electoral.core.models import AuditEntry
from electoral.observation import services as observation
from electoral.observation.models import ApiToken, Observer
from electoral.reports import registry
from electoral.training.models import Certificate
from tests.factories import PASSWORD, make_centre, make_station, make_user
from tests.observation.factories import make_observer, make_opening_checklist
from tests.registration.factories import make_election, make_voter
from tests.results.factories import enter_twice, make_race
from tests.training.factories import certify, make_official

BORN = dt.date(1987, 4, 23)
VOTER_ID = "NID-7734-0921"
VOTER_PHONE = "+231 886 555 0101"
OFFICIAL_PHONE = "0779 123 456"


def _forbidden(observer: Observer) -> list[str]:
    """The ways a full date of birth, an ID number or a phone could show on a page."""
    return [BORN.isoformat(), BORN.strftime("%d/%m/%Y"), BORN.strftime("%m/%d/%Y"), "23 April 1987",
            "April 23, 1987", VOTER_ID, VOTER_PHONE, VOTER_PHONE.replace(" ", ""), OFFICIAL_PHONE,
            OFFICIAL_PHONE.replace(" ", ""), "1990-05-17", observer.phone, observer.phone.replace(" ", "")]


def _election_with_people(db):
    make_election()
    station = make_station(code="S-1")
    voter = make_voter(station.centre, station=station, date_of_birth=BORN, id_number=VOTER_ID, phone=VOTER_PHONE)
    observer = make_observer(station=station, family_name="Sirleaf")
    official = make_official(name="Korto Weah", phone=OFFICIAL_PHONE)
    certify(official)
    race = make_race(code="PRES")
    enter_twice(race, station)
    db.session.commit()
    certificate = db.session.scalars(select(Certificate)).one()
    return voter, observer, certificate


def test_public_pages_and_open_data_show_no_birth_date_id_number_or_phone(db, client):
    voter, observer, certificate = _election_with_people(db)
    pages = {
        "/results/public/": None, "/results/public/PRES": None, "/results/public/PRES/stations.csv": None,
        "/results/public/PRES/stations.json": None,
        f"/observation/verify/{observer.accreditation_number}": "Sirleaf",
        f"/training/verify/{certificate.code}": "Korto Weah",
    }
    forbidden = _forbidden(observer)
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        if expected:
            assert expected in body, url  # the page shows what it is for
        shown = [value for value in forbidden if value in body]
        assert not shown, f"{url} shows {shown}"


def test_exhibition_list_shows_the_year_of_birth_only(db):
    voter, observer, _certificate = _election_with_people(db)
    pdf = registry.render("exhibition-list", {"centre": voter.centre.code}, lang="en", roles={Role.ADMINISTRATOR},
                          user=None, printed_by="test")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert voter.voter_number in text and "1987" in text
    shown = [value for value in _forbidden(observer) if value in text]
    assert not shown, f"the exhibition list shows {shown}"


def _exports(db) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.seq)))


def test_voter_roll_export_from_the_command_line_is_audited(db, runner, tmp_path):
    make_election()
    make_voter(date_of_birth=BORN, id_number=VOTER_ID)
    make_voter()
    db.session.commit()
    with acting_as(Actor(None, "cli:operator")):
        result = runner.invoke(args=["voters", "export", str(tmp_path / "roll.csv")])
    assert result.exit_code == 0, result.output
    assert VOTER_ID in (tmp_path / "roll.csv").read_text()
    (entry,) = _exports(db)
    assert (entry.username, entry.entity_type, entry.entity_id) == ("cli:operator", "Voter roll", "roll.csv")
    assert entry.after["voters"] == 2 and "id_number" in entry.after["columns"]


def test_voter_roll_export_on_the_web_is_for_administrators_and_audited(db, client, login_as):
    make_election()
    make_voter(date_of_birth=BORN, id_number=VOTER_ID)
    db.session.commit()
    login_as(Role.REGISTRATION_SUPERVISOR)
    assert client.get("/registration/roll/voters.csv").status_code == 403
    assert _exports(db) == []
    client.post_form("/logout")
    admin = login_as(Role.ADMINISTRATOR)
    response = client.get("/registration/roll/voters.csv")
    assert response.status_code == 200 and VOTER_ID in response.get_data(as_text=True)
    (entry,) = _exports(db)
    assert (entry.user_id, entry.username, entry.entity_type) == (admin.id, admin.username, "Voter roll")
    assert entry.after["voters"] == 1


def test_observation_exports_are_audited_on_the_web_and_the_command_line(db, client, login_as, runner, tmp_path):
    make_opening_checklist()
    make_observer(family_name="Sirleaf")
    db.session.commit()
    coordinator = login_as(Role.OBSERVER_COORDINATOR)
    for url in ("/observation/export/submissions.csv?template=OPEN", "/observation/export/incidents.xlsx"):
        assert client.get(url).status_code == 200, url
    with acting_as(Actor(None, "cli:operator")):
        result = runner.invoke(args=["observation", "export", str(tmp_path / "open.csv"), "--template", "OPEN"])
    assert result.exit_code == 0, result.output
    entries = _exports(db)
    assert [(e.username, e.entity_id) for e in entries] == [
        (coordinator.username, "OPEN-submissions.csv"), (coordinator.username, "incidents.xlsx"),
        ("cli:operator", "open.csv")]


def test_audit_trail_never_stores_passwords_hashes_tokens_or_session_secrets(app, db, client):
    first, second, wrong = "Correct-Horse-41", "Battery-Staple-93", "Not-My-Password-7"
    make_centre(code="MO-01")
    user = accounts.create_user(db.session, "amara", first, [Role.ADMINISTRATOR], full_name="Amara Kollie")
    db.session.commit()
    hashes = {user.password_hash}
    accounts.set_password(user, second)
    db.session.commit()
    hashes.add(user.password_hash)
    observer_user = make_user(Role.OBSERVER)
    token = observation.create_token(db.session, observer_user)
    db.session.commit()
    # Through the pages too: a failed and a good sign-in, a password change, a new user by an administrator.
    client.post_form("/login", {"username": "amara", "password": wrong})
    client.post_form("/login", {"username": "amara", "password": second})
    client.post_form("/profile/password", {"pw-current_password": second, "pw-new_password": first,
                                           "pw-confirm": first})
    client.post_form("/users/new", {"username": "hawa", "full_name": "Hawa Tarpeh", "password": PASSWORD,
                                             "roles": "observer_coordinator"})
    db.session.expire_all()
    assert accounts.authenticate(db.session, "amara", first) is not None  # the page changed it back
    assert db.session.scalar(select(User).where(User.username == "hawa")) is not None
    hashes.update(db.session.scalars(select(User.password_hash)))
    hashes.update(db.session.scalars(select(ApiToken.token_hash)))
    secrets = {first, second, wrong, PASSWORD, token, token.removeprefix("eot_"), app.config["SECRET_KEY"],
               *hashes}
    entries = db.session.scalars(select(AuditEntry)).all()
    assert any(e.entity_type == "User" for e in entries) and any(e.entity_type == "ApiToken" for e in entries)
    for entry in entries:
        stored = json.dumps([entry.before, entry.after, entry.entity_id, entry.username], ensure_ascii=False)
        leaked = [secret for secret in secrets if secret in stored]
        assert not leaked, f"audit entry #{entry.seq} ({entry.entity_type} {entry.action}) stores a secret"

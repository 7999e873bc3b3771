"""The access matrix, walked from the application itself.

Every route, with every method, is requested as one user of each role and
checked against the route's own declaration (``access_roles`` /
``access_public``, and each report's roles): a role that is not declared is
refused (403); a role that is declared is never refused, and the page never
fails (it may still say 404, 400, 422 or redirect). Then a user holding the
right role but scoped to another region asks for every record that lies in the
first region, and gets 403 or 404, never the record.
"""

import datetime as dt
import re

import pytest
from flask import got_request_exception

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.observation import services as observation
from electoral.reports import registry
from tests.factories import (
    PASSWORD,
    make_centre,
    make_district,
    make_region,
    make_station,
    make_user,
    user_called,
)

# URL variables that name a record lying inside one area: asked for by a user
# scoped to another region, they must be refused or not found.
AREA_BOUND = {
    "number", "district_code", "station_code", "sheet_id", "submission_id", "observer_id", "official_id",
    "session_id", "certificate_id", "alert_id", "message_id", "line_id", "seal_id", "discrepancy_id",
    "assignment_id", "case_id", "pair_id", "enrolment_id",
}
# Endpoints whose ``code`` names a record inside an area (elsewhere ``code`` is a race, an item, a certificate).
AREA_BOUND_CODE = ("geography.area_", "logistics.consignment", "logistics.station_staff", "logistics.warehouse")
NOT_AREA_BOUND = {"observation.verify", "training.verify"}
# Requested last: they end the caller's session.
SIGN_OUTS = {"accounts.logout", "accounts.sign_out_everywhere"}


def _token_endpoint(app, endpoint: str) -> bool:
    # The JSON API authenticates with a bearer token, not the session cookie.
    return app.view_functions[endpoint].__module__ in ("electoral.observation.views.api", "electoral.results.sheets.views.api")


class World:
    """Two regions; in the first, one record of every kind a URL can point at."""

    def __init__(self):
        from tests.logistics.factories import make_item, make_warehouse, packed_consignment
        from tests.observation.factories import make_observer, make_opening_checklist
        from tests.registration.factories import make_election, make_voter
        from tests.results.factories import enter_twice, figures, make_race
        from tests.training.factories import make_course, make_official, make_position, make_session

        self.region = make_region(code="RA", name="Region A")
        self.other_region = make_region(code="RB", name="Region B")
        self.district = make_district(self.region, code="RA-1")
        other_district = make_district(self.other_region, code="RB-1")
        self.centre = make_centre(self.district, code="CA-1")
        other_centre = make_centre(other_district, code="CB-1")
        self.station = make_station(self.centre, code="SA-1")
        self.other_station = make_station(other_centre, code="SB-1")

        make_election(polling_day=dt.date.today() + dt.timedelta(days=30))
        self.voter = make_voter(self.centre, station=self.station)
        self.twin = make_voter(self.centre, station=self.station)

        from electoral.registration.models import DuplicatePair, RollCase

        pair = DuplicatePair(voter_a_id=min(self.voter.id, self.twin.id), voter_b_id=max(self.voter.id, self.twin.id),
                             score=90, reasons=[])
        case = RollCase(kind="objection", voter=self.voter, centre=self.centre, ground="deceased",
                        evidence="Death certificate", lodged_by="clerk")
        db.session.add_all([pair, case])

        item = make_item(code="BALLOT")
        self.warehouse = make_warehouse("district", self.district, code="WA-1")
        self.consignment = packed_consignment(destination=self.centre, item=item)

        position = make_position(code="PO", per_station=1)
        self.official = make_official(position=position, district=self.district)
        self.course = make_course(position=position)
        self.training_session = make_session(self.course, district=self.district)

        template = make_opening_checklist()
        self.template = template
        self.observer = make_observer(station=self.station)
        self.other_observer = make_observer(station=self.other_station)
        self.submission, _created = observation.submit(db.session, template, self.station,
                                                       {"Q1": "yes", "Q3": "no", "Q4": 5}, "matrix-0001",
                                                       self.observer)

        self.race = make_race([self.region, self.other_region], code="PRES")
        self.sheet = enter_twice(self.race, self.station, figures())
        self.admin_target = make_user(Role.REGISTRATION_CLERK, username="target")
        db.session.flush()

        from electoral.logistics import services as logistics
        from electoral.logistics.models import Discrepancy
        from electoral.logistics.services import staffing
        from electoral.observation.models import Alert
        from electoral.observation.sms import services as sms
        from electoral.observation.sms.models import SmsMessage
        from electoral.registration.models import ScanJob
        from electoral.training import services as training
        from tests.logistics.factories import full_receipt
        from tests.training.factories import certify

        # A second consignment, received with a broken seal, gives a discrepancy.
        received = packed_consignment(destination=self.centre, item=item, seals=("SL-101",))
        logistics.dispatch(db.session, received, user_called("dispatcher"))
        logistics.receive(db.session, received, full_receipt(received, **{"SL-101": "broken"}), user_called("storekeeper"))
        certify(self.official)
        assignment = staffing.assign(db.session, self.station, "PO", self.official,
                                      dt.date.today() + dt.timedelta(days=30), user_called("officer"))
        enrolment = training.enrol(db.session, self.training_session, make_official(position=position,
                                                                                    district=self.district))
        from electoral.training.models import Certificate

        sms.receive(db.session, "generic", "matrix-1", self.observer.phone, "HELLO")
        job = ScanJob(started_by="matrix")
        db.session.add(job)
        db.session.flush()

        def first(model):
            return db.session.scalars(db.select(model).order_by(model.id)).first().id

        self.ids = {
            "line_id": self.consignment.lines[0].id, "seal_id": self.consignment.seals[0].id,
            "discrepancy_id": first(Discrepancy), "assignment_id": assignment.id, "alert_id": first(Alert),
            "message_id": first(SmsMessage), "case_id": case.id, "pair_id": pair.id, "job_id": job.id,
            "certificate_id": first(Certificate), "enrolment_id": enrolment.id,
        }

        self.plain = {
            "level": "region", "code": self.race.code, "district_code": self.district.code,
            "station_code": self.station.code, "race_code": self.race.code, "template_code": self.template.code,
            "number": self.voter.voter_number, "sheet_id": self.sheet.id, "submission_id": self.submission.id,
            "observer_id": self.observer.id, "template_id": self.template.id,
            "question_id": self.template.questions[0].id, "official_id": self.official.id,
            "session_id": self.training_session.id, "course_id": self.course.id,
            "position_id": self.official.position_id, "user_id": self.admin_target.id,
            "day": self.training_session.start_date.isoformat(), "kind": "submissions", "fmt": "csv",
            "name": "x", "gateway_name": "generic", "filename": "css/app.css", **self.ids,
        }
        # ``code`` and ``level`` mean different things on different pages.
        self.by_endpoint = {
            "geography.area_detail": {"level": "centre", "code": self.centre.code},
            "geography.area_edit": {"level": "centre", "code": self.centre.code},
            "logistics.item_edit": {"code": "BALLOT"}, "logistics.warehouse": {"code": self.warehouse.code},
            "logistics.station_staff": {"code": self.station.code},
            "observation.verify": {"number": self.observer.accreditation_number},
            "training.verify": {"code": db.session.get(Certificate, self.ids["certificate_id"]).code},
        }
        for endpoint in ("consignment", "consignment_correction", "consignment_details", "consignment_dispatch",
                         "consignment_add_line", "consignment_remove_line", "consignment_receive",
                         "consignment_add_seals", "consignment_remove_seal"):
            self.by_endpoint[f"logistics.{endpoint}"] = {"code": self.consignment.code}

    @classmethod
    def restored(cls, records: dict, plain: tuple) -> "World":
        """The World whose rows were just written back: its records read again in this session."""
        world = cls.__new__(cls)
        for name, (model, record_id) in records.items():
            setattr(world, name, db.session.get(model, record_id))
        world.plain, world.by_endpoint, world.ids = plain
        return world

    def values(self, endpoint: str, arguments) -> dict:
        """A value for each of the rule's variables, pointing at a record of the first region."""
        known = {**self.plain, **self.by_endpoint.get(endpoint, {})}
        # A variable added since this list was written still gets a value; the page may 404.
        return {arg: known.get(arg, 1 if arg.endswith("_id") else "x") for arg in arguments}


# The records a test reads from its World, kept by id when the World's rows are written back.
_RECORDS = ("region", "other_region", "district", "centre", "station", "other_station", "voter", "twin", "warehouse",
            "consignment", "official", "course", "training_session", "template", "observer", "other_observer",
            "submission", "race", "sheet", "admin_target")


@pytest.fixture(scope="module")
def world_rows(app):
    """The World built once per worker: every row it wrote, its records' ids and the requests to make.

    Building it (and walking the URL map for it) costs seconds; writing its rows back costs
    milliseconds, so each test starts from the same World as if built for it.
    """
    from tests.conftest import _empty_all_tables, table_rows

    with app.app_context():
        world = World()
        db.session.commit()
        records = {name: (type(getattr(world, name)), getattr(world, name).id) for name in _RECORDS}
        rows = table_rows()
        requests = _requests(app, world)
        plain = (world.plain, world.by_endpoint, world.ids)
        db.session.remove()
        _empty_all_tables()
    return rows, records, plain, requests


@pytest.fixture
def world(app, db, world_rows):
    """A fresh copy of the World for this test (the database is emptied after every test)."""
    from tests.conftest import write_rows

    rows, records, plain, requests = world_rows
    write_rows(rows)
    restored = World.restored(records, plain)
    restored.requests = requests
    return restored


def _url(rule, values) -> str:
    url = rule.rule
    for arg, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(value), url)
    return url


def _is_area_bound(endpoint: str, arguments, role: Role) -> bool:
    if endpoint in NOT_AREA_BOUND:
        return False
    if role is Role.OBSERVER and endpoint.startswith("geography."):
        # Observers have no scope: the map is open to them; their records are their own filings.
        return False
    return bool(AREA_BOUND & set(arguments)) or ("code" in arguments and endpoint.startswith(AREA_BOUND_CODE))


def _requests(app, world):
    """(endpoint, method, url, allowed roles or None for public, URL variables), sign-outs last."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        allowed = None if getattr(view, "access_public", False) else view.access_roles
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.endpoint == "reports.print_report":
                # One route, many reports: each report declares its own roles.
                for spec in registry.all_reports():
                    found.append((rule.endpoint, method, f"/reports/{spec.name}", allowed & spec.roles,
                                  rule.arguments))
                continue
            found.append((rule.endpoint, method, _url(rule, world.values(rule.endpoint, rule.arguments)), allowed,
                          rule.arguments))
    return sorted(found, key=lambda r: (r[0] in SIGN_OUTS, r[0], r[1]))


class Caller:
    """A browser signed in as one user (and that user's API token)."""

    def __init__(self, app, user):
        self.client = app.test_client()
        self.user = user
        self.token = observation.create_token(db.session, user)
        db.session.commit()
        response = self.client.post_form("/login", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        self.csrf = self.client.csrf_token()

    def call(self, app, endpoint, method, url):
        if _token_endpoint(app, endpoint) and not getattr(app.view_functions[endpoint], "access_public", False):
            return self.client.open(url, method=method, json={},
                                    headers={"Authorization": f"Bearer {self.token}"})
        if method == "GET":
            return self.client.get(url)
        return self.client.open(url, method=method, data={"csrf_token": self.csrf},
                                headers={"X-CSRFToken": self.csrf})


def _user_for(role, world, scope=None):
    if role is Role.OBSERVER:
        observer = world.other_observer if scope is not None else world.observer
        return observer.user
    if role is Role.PRESIDING_OFFICER:
        # Polling staff always hold one station: the first region's, or the other region's one.
        return make_user(role, scope=world.other_station if scope is not None else world.station)
    return make_user(role, scope=scope)


@pytest.fixture
def failures(app, monkeypatch):
    """Exceptions raised by views, answered with the 500 page as in production, and kept for the report."""
    seen = []

    def keep(_sender, exception, **_extra):
        seen.append(f"{type(exception).__name__}: {exception}")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    got_request_exception.connect(keep, app)
    yield seen
    got_request_exception.disconnect(keep, app)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_reaches_exactly_what_it_is_declared_for(app, db, failures, world, role):
    caller = Caller(app, _user_for(role, world))
    wrong, checked = [], 0
    for endpoint, method, url, allowed, _args in world.requests:
        status = caller.call(app, endpoint, method, url).status_code
        checked += 1
        if allowed is not None and role not in allowed:
            if status != 403:
                wrong.append(f"{method} {url} ({endpoint}): {status}, expected 403")
        elif status in (403, 500):
            wrong.append(f"{method} {url} ({endpoint}): {status}, the role is declared"
                         + (f" ({failures[-1]})" if status == 500 and failures else ""))
    assert not wrong, "\n".join(wrong)
    assert checked > 150


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_a_user_of_another_region_never_gets_a_record_of_this_one(app, db, failures, world, role):
    # An observer is bound to their station rather than a scope: the other region's observer stands in.
    user = _user_for(role, world, scope=world.other_region)
    db.session.commit()
    caller = Caller(app, user)
    wrong, checked = [], 0
    for endpoint, method, url, allowed, args in world.requests:
        if allowed is None or role not in allowed or not _is_area_bound(endpoint, args, role):
            continue
        status = caller.call(app, endpoint, method, url).status_code
        checked += 1
        if status not in (403, 404):
            wrong.append(f"{method} {url} ({endpoint}): {status}, expected 403 or 404")
    assert not wrong, "\n".join(wrong)


def test_the_printed_access_matrix_is_current(app):
    from pathlib import Path

    from electoral.core.auth import access_matrix

    committed = (Path(__file__).resolve().parents[2] / "docs" / "access-matrix.md").read_text(encoding="utf-8")
    assert committed == access_matrix(app), "docs/access-matrix.md is stale: run `electoral access-matrix docs/access-matrix.md`"


def test_the_access_matrix_command_prints_every_route(app, runner):
    result = runner.invoke(args=["access-matrix"])
    assert result.exit_code == 0
    assert "| `/users/<int:user_id>` | GET, POST | accounts.user_edit |  | x |" in result.output


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.OBSERVER], ids=lambda r: r.value)
def test_lists_shown_to_a_user_of_another_region_hold_no_record_of_this_one(app, db, failures, world, role):
    user = _user_for(role, world, scope=world.other_region)
    # What names one person or one shipment of the first region, never shown outside it.
    secrets = {"voter": world.voter.voter_number, "official": world.official.reference,
               "consignment": world.consignment.code,
               "observer": world.observer.accreditation_number}
    db.session.commit()
    caller = Caller(app, user)
    wrong = []
    for endpoint, method, url, allowed, args in world.requests:
        if method != "GET" or args or allowed is None or role not in allowed or _token_endpoint(app, endpoint):
            continue
        page = caller.call(app, endpoint, method, url).get_data(as_text=True)
        wrong += [f"GET {url} ({endpoint}) shows the {kind} {value}" for kind, value in secrets.items()
                  if value in page]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_a_report_printed_by_someone_else_is_theirs_and_the_administrators(app, db, role):
    from electoral.reports.models import ReportJob

    owner = make_user(Role.REGISTRATION_SUPERVISOR, username="owner")
    job = ReportJob(user_id=owner.id, printed_by="Owner", report="voter-list", params={}, lang="en")
    db.session.add(job)
    if role is Role.OBSERVER:
        from tests.observation.factories import make_observer

        user = make_observer().user
    else:
        user = make_user(role)
    caller = Caller(app, user)
    expected = 403 if role is not Role.ADMINISTRATOR else 200
    assert caller.client.get(f"/reports/jobs/{job.id}").status_code == expected
    assert caller.client.get(f"/reports/jobs/{job.id}/download").status_code in (
        (403,) if role is not Role.ADMINISTRATOR else (302,))

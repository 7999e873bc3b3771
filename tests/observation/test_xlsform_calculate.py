"""XLSForm calculate: a value computed from the answers, the same on the phone (in node) and on the server;
imported, used in relevance, constraints and labels, filed through the web form and the API (computed by the
server, never taken from the client), exported and imported back; other functions refused by name."""

import html
import json
import shutil
import xml.etree.ElementTree as ET

import pytest

from electoral.core.errors import ImportFailed
from electoral.observation import conditions, services
from electoral.observation.models import Submission
from electoral.observation.services.xlsform_export import calculation_text, export_xlsform
from tests.factories import PASSWORD
from tests.observation.factories import make_observer
from tests.observation.test_conditions_phone import on_phone
from tests.observation.test_xlsform_export import meaning
from tests.observation.test_xlsform_pyxform import workbook

HEADER = ["type", "name", "label", "calculation", "relevant", "constraint", "required"]
RECEIVED = ["integer", "received", "Ballots received", "", "", "", "yes"]
UNUSED = ["integer", "unused", "Ballots unused", "", "", "", "yes"]
SPOILT = ["integer", "spoilt", "Ballots spoilt", "", "", "", ""]
USED = ["calculate", "used", "", "${received} - ${unused} - coalesce(${spoilt}, 0)", "", "", ""]
SIZE = ["calculate", "size", "", "if(${used} > 500 and ${received} > 0, 'large', 'small')", "", "", ""]
CAST = ["integer", "cast", "Ballots in the box (you used ${used})", "", "${used} > 0", ". <= ${used}", "yes"]
WHY = ["text", "why", "Why so many?", "", "${size} = 'large'", "", "yes"]
FORM = [RECEIVED, UNUSED, SPOILT, USED, SIZE, CAST, WHY]


def _form(rows) -> bytes:
    return workbook({"survey": [HEADER, *rows], "settings": [["form_id", "form_title"], ["count", "Counting"]]})


def _published(db, rows=FORM):
    template = services.import_xlsform(db.session, _form(rows))
    services.publish(db.session, template)
    db.session.commit()
    return template


CASES = [
    ("${a} - ${b} - coalesce(${c}, 0)", {"a": 600, "b": 50}),
    ("${a} - ${b} - coalesce(${c}, 0)", {"a": 600, "b": 50, "c": 3}),
    ("${a} * 2 div 3", {"a": 4}),
    ("${a} div 0", {"a": 4}),
    ("${a} + 1", {}),
    ("-${a} mod 3", {"a": 7}),
    ("if(${q} > 100 and not(${s} >= 3), 'slow', 'ok')", {"q": 101, "s": 2}),
    ("if((${q} + 1) > 100 or ${s} = 'x', ${q}, 0.5)", {"q": 99, "s": "y"}),
    ("coalesce(${t}, 'none')", {"t": ""}),
    ("${a} + ${b}", {"a": "2", "b": 0.25}),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_phone_script_and_server_compute_alike():
    trees = [[conditions.parse_calculation(text), answers] for text, answers in CASES]
    phone = on_phone("\nconsole.log(JSON.stringify(" + json.dumps(trees) + ".map(function (c) {" \
                     " return compute(c[0], c[1]); })));")
    server = [conditions.compute(tree, answers) for tree, answers in trees]
    assert phone == server
    assert server == [550, 547, 8 / 3, None, None, -1, "slow", 0.5, "none", 2.25]


def test_spelling_parses_back_to_the_same_tree():
    for text, _answers in CASES:
        tree = conditions.parse_calculation(text)
        assert conditions.parse_calculation(calculation_text(tree)) == tree, text


def test_calculation_is_imported_and_computed_by_the_server_in_relevance_and_constraints(db):
    template = _published(db)
    used = template.question("used")
    assert (used.type, used.calculation, used.required) == (
        "calculate", "${received} - ${unused} - coalesce(${spoilt}, 0)", False)
    clean, errors = services.validate_answers(template, {"received": 600, "unused": 50, "cast": 550, "why": "rush",
                                                         "used": 9999, "size": "tiny"})
    assert errors == {} and clean == {"received": 600, "unused": 50, "used": 550, "size": "large", "cast": 550,
                                      "why": "rush"}
    assert services.validate_answers(template, {"received": 600, "unused": 50, "cast": 551, "why": "rush"})[1] == {
        "cast": ["This answer breaks the checklist's rule . <= ${used}."]}
    # used is 0: cast is not asked (relevance), size is small so why is not asked either.
    assert services.validate_answers(template, {"received": 50, "unused": 50, "cast": 3}) == (
        {"received": 50, "unused": 50, "used": 0, "size": "small"}, {})


def test_web_form_files_the_computed_value_and_labels_show_it(client, db):
    template = _published(db)
    observer = make_observer()
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    url = f"/observation/my/fill/{observer.station.code}/COUNT"
    page = client.get(url).get_data(as_text=True)
    # The phone's script computes from the same tree the server parses.
    carried = html.unescape(page.split('data-code="used"')[1].split('data-calculation="')[1].split('"')[0])
    assert json.loads(carried) == conditions.parse_calculation(USED[3])
    assert '<output aria-labelledby="q-used-label"></output>' in page
    assert 'name="used"' not in page and 'data-label="Ballots in the box (you used ${used})"' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(url, data={"csrf_token": token, "client_id": "calc-web-0001", "received": "300",
                                      "unused": "100", "spoilt": "1", "cast": "199", "used": "5"})
    assert response.status_code == 302
    filed = db.session.scalar(db.select(Submission).where(Submission.client_id == "calc-web-0001"))
    assert filed.template_id == template.id
    assert filed.answers == {"received": 300, "unused": 100, "spoilt": 1, "used": 199, "size": "small", "cast": 199}
    page = client.get(url).get_data(as_text=True)
    assert ">Ballots in the box (you used 199)</span>" in page and ">199</output>" in page


def test_api_filing_stores_the_value_the_server_computes(client, db):
    _published(db)
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    response = client.post("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}, json={
        "client_id": "calc-api-0001", "template": "COUNT", "version": 1, "station_code": observer.station.code,
        "answers": {"received": 600, "unused": 50, "cast": 550, "why": "rush", "used": 1}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["answers"] == {"received": 600, "unused": 50, "used": 550, "size": "large",
                                              "cast": 550, "why": "rush"}


def test_calculation_exports_and_imports_back_unchanged(db):
    template = services.import_xlsform(db.session, _form(FORM))
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert meaning(again) == meaning(template)
    assert [conditions.parse_calculation(q.calculation) for q in again.questions] == [
        conditions.parse_calculation(q.calculation) for q in template.questions]


@pytest.mark.parametrize(("calculation", "feature"), [
    ("substr(${received}, 1)", "the function substr()"),
    ("pow(${received} div 3, 2)", "the function pow()"),
    ("if(${received} > 1, now(), 0)", "the function now()"),
    ("${received} |", "the calculation ${received} |"),
])
def test_unsupported_calculation_is_refused_by_sheet_row_column_and_function(db, calculation, feature):
    row = ["calculate", "odd", "", calculation, "", "", ""]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form([RECEIVED, row]))
    [error] = failure.value.errors
    assert f"survey sheet, row 3, column calculation: {feature}" in error.message


def test_calculation_naming_a_later_question_is_refused(db):
    row = ["calculate", "odd", "", "${unused} + 1", "", "", ""]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form([row, UNUSED]))
    assert "row 2, column calculation: The condition names unknown questions: unused." in \
        failure.value.errors[0].message


def test_odk_collect_gets_the_calculation_and_its_submission_files_the_servers_value(client, db):
    from electoral.observation.openrosa import services as openrosa
    from tests.observation.test_openrosa import XF, _basic, _instance, _send

    _published(db)
    observer = make_observer()
    auth = _basic(observer.user.username, openrosa.set_device_password(db.session, observer))
    db.session.commit()
    listing = client.get("/openrosa/formList", headers=auth).data.decode()
    url = listing.split("<downloadUrl>")[1].split("</downloadUrl>")[0]
    form = ET.fromstring(client.get(url, headers=auth).data)
    calculations = {b.get("nodeset").rsplit("/", 1)[-1]: b.get("calculate") for b in form.iter(f"{XF}bind")
                    if b.get("calculate")}
    assert set(calculations) == {"used", "size"} and "coalesce(" in calculations["used"]
    # ODK Collect sends its own computed value; the server files the one it computes.
    xml = _instance(client, auth, {"electoral_station": observer.station.code, "received": "300", "unused": "100",
                                   "used": "7", "size": "huge", "cast": "200"},
                    "uuid:4a2b6c1e-0000-4000-8000-0000000000c1")
    response = _send(client, auth, xml)
    assert response.status_code == 201, response.data
    [filed] = db.session.scalars(db.select(Submission)).all()
    assert filed.answers == {"received": 300, "unused": 100, "used": 200, "size": "small", "cast": 200}


def test_coordinators_template_page_names_the_calculated_question(client, db, login_as):
    from electoral.core.auth import Role

    template = _published(db)
    login_as(Role.OBSERVER_COORDINATOR)
    page = client.get(f"/observation/templates/{template.id}").get_data(as_text=True)
    assert page.count("Calculated from other answers") == 2

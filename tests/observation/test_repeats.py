"""XLSForm repeat groups (one entry per party agent): imported from a public form and from our own, checked per
entry on the server (relevance, required, constraints naming the entry's fields and top-level ones, position(..),
count()), filed with 0, 1 or 3 entries through the API, from ODK Collect's repeated elements, exported and imported
back unchanged; nested repeats refused by sheet, row, column and feature."""

import copy
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from electoral.core.errors import ImportFailed
from electoral.observation import conditions, services
from electoral.observation.models import Answer, Submission
from electoral.observation.services.xlsform_export import export_xlsform
from tests.observation.factories import make_observer
from tests.observation.test_xlsform_export import meaning
from tests.observation.test_xlsform_pyxform import workbook

CORPUS = Path(__file__).parent / "xlsforms" / "pyxform"
HEADER = ["type", "name", "label", "required", "relevant", "constraint", "calculation", "repeat_count"]
ROWS = [
    ["integer", "registered", "Voters registered", "yes", "", "", "", ""],
    ["select_one yn", "agents_present", "Party agents present?", "yes", "", "", "", ""],
    ["begin_repeat", "agents", "Party agent", "", "${agents_present} = 'yes'", "", "", ""],
    ["text", "party", "Party", "yes", "", "", "", ""],
    ["integer", "counted", "Votes the agent counted", "yes", "${party} != 'none'", ". <= ${registered}", "", ""],
    ["select_one yn", "signed", "Signed the results?", "yes", "", "", "", ""],
    ["text", "why", "Why not?", "yes", "${signed} = 'no' and position(..) = 1", "", "", ""],
    ["calculate", "number", "", "", "", "", "position(..)", ""],
    ["end_repeat", "", "", "", "", "", "", ""],
    ["calculate", "how_many", "", "", "", "", "count(${agents})", ""],
]
CHOICES = [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]


def _form(rows=ROWS) -> bytes:
    return workbook({"survey": [HEADER, *rows], "choices": CHOICES,
                     "settings": [["form_id", "form_title"], ["agents", "Party agents"]]})


def _published(db, rows=ROWS):
    template = services.import_xlsform(db.session, _form(rows))
    services.publish(db.session, template)
    db.session.commit()
    return template


def test_a_public_forms_repeat_is_kept_with_its_count(db):
    # pyxform's own example: a repeat whose repeat_count is a calculation (1).
    template = services.import_xlsform(db.session, (CORPUS / "example_xls__repeat_date_test.xls").read_bytes())
    [repeat] = template.repeats
    assert (repeat.code, repeat.repeat_count) == ("repeat_test", "${repeat_count}")
    assert [q.code for q in template.questions if q.repeat_code == "repeat_test"] == ["table_list_3", "table_list_4"]
    entry = {"table_list_3": "yes", "table_list_4": "no"}
    assert services.validate_answers(template, {"repeat_test": [entry]}) == (
        {"repeat_count": 1, "repeat_test": [entry]}, {})
    assert services.validate_answers(template, {"repeat_test": [entry, entry]})[1] == {
        "repeat_test": ["Give 1 entries."]}


def test_each_entry_is_checked_with_its_own_answers_and_the_top_level_ones(db):
    template = _published(db)
    entries = [{"party": "UP", "counted": 120, "signed": "no", "why": "left early"},
               {"party": "none", "counted": 5, "signed": "no"},
               {"party": "CDC", "counted": 400, "signed": "yes"}]
    clean, errors = services.validate_answers(template, {"registered": 300, "agents_present": "yes",
                                                         "agents": entries})
    # counted of the second is not relevant (party none); why is asked of the first entry only (position(..) = 1);
    # the third's count breaks ". <= ${registered}".
    assert errors == {"agents[2].counted": ["This answer breaks the checklist's rule . <= ${registered}."]}
    assert clean["agents"] == [{"party": "UP", "counted": 120, "signed": "no", "why": "left early", "number": 1},
                               {"party": "none", "signed": "no", "number": 2},
                               {"party": "CDC", "signed": "yes", "number": 3}]
    assert clean["how_many"] == 3
    missing = services.validate_answers(template, {"registered": 300, "agents_present": "yes",
                                                   "agents": [{"party": "UP", "counted": 1, "signed": "no"}]})[1]
    assert missing == {"agents[0].why": ["Answer this question."]}


def test_a_repeat_not_relevant_keeps_no_answers_and_unknown_fields_are_refused(db):
    template = _published(db)
    clean, errors = services.validate_answers(template, {"registered": 300, "agents_present": "no", "agents": []})
    assert errors == {} and clean == {"registered": 300, "agents_present": "no", "agents": [], "how_many": 0}
    # Entries sent for a repeat that is not asked are dropped, as its questions' answers are.
    clean, errors = services.validate_answers(template, {"registered": 300, "agents_present": "no",
                                                         "agents": [{"party": "UP"}, {}]})
    assert errors == {} and clean["agents"] == [] and clean["how_many"] == 0
    errors = services.validate_answers(template, {"registered": 300, "agents_present": "yes",
                                                  "agents": [{"party": "UP", "colour": "red", "signed": "yes",
                                                              "counted": 1}]})[1]
    assert errors == {"agents[0].colour": ["This checklist has no question colour."]}
    assert services.validate_answers(template, {"registered": 1, "agents_present": "yes", "agents": "UP"})[1] == {
        "agents": ["Give the entries as a list of answers."]}


@pytest.mark.parametrize("count", [0, 1, 3])
def test_api_files_zero_one_or_three_entries(client, db, count):
    template = _published(db)
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    entries = [{"party": f"P{i}", "counted": 10 * i, "signed": "yes"} for i in range(count)]
    response = client.post("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}, json={
        "client_id": f"rep-api-000{count}", "template": "AGENTS", "version": 1, "station_code": observer.station.code,
        "answers": {"registered": 300, "agents_present": "yes" if count else "no", "agents": entries}})
    assert response.status_code == 201, response.get_json()
    filed = db.session.scalar(db.select(Submission).where(Submission.client_id == f"rep-api-000{count}"))
    assert filed.answers["agents"] == [{**e, "number": i + 1} for i, e in enumerate(entries)]
    assert filed.answers["how_many"] == count
    # One answer row per entry, for the SQL aggregates.
    party = template.question("party")
    assert sorted(db.session.scalars(db.select(Answer.value_text).where(Answer.question_id == party.id))) == [
        e["party"] for e in entries]


def test_api_refuses_an_entry_breaking_its_rule_naming_the_entry(client, db):
    _published(db)
    observer = make_observer()
    token = services.create_token(db.session, observer.user)
    db.session.commit()
    response = client.post("/api/v1/submissions", headers={"Authorization": f"Bearer {token}"}, json={
        "client_id": "rep-api-bad1", "template": "AGENTS", "version": 1, "station_code": observer.station.code,
        "answers": {"registered": 30, "agents_present": "yes",
                    "agents": [{"party": "UP", "counted": 3, "signed": "yes"},
                               {"party": "UP", "counted": 31, "signed": "yes"}]}})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["answers.agents[1].counted"]


def test_repeat_exports_and_imports_back_unchanged(db):
    template = services.import_xlsform(db.session, _form())
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert meaning(again) == meaning(template)
    assert [(s.code, s.repeat, s.texts) for s in again.repeats] == [("agents", True, {"en": "Party agent"})]
    assert conditions.parse(again.question("why").relevance) == conditions.parse(template.question("why").relevance)
    assert conditions.codes(conditions.parse(again.question("why").relevance)) == {
        "agents_present", "signed", conditions.POSITION}
    assert again.question("how_many").calculation == "count(${agents})"


def test_repeat_count_is_exported_and_kept(db):
    rows = [ROWS[0], ["begin_repeat", "agents", "Party agent", "", "", "", "", "${registered} div 100"], ROWS[3],
            ROWS[8]]
    template = services.import_xlsform(db.session, _form(rows))
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert conditions.parse_calculation(again.repeats[0].repeat_count) == conditions.parse_calculation(
        "${registered} div 100")
    assert services.validate_answers(template, {"registered": 200, "agents": [{"party": "A"}]})[1] == {
        "agents": ["Give 2 entries."]}


def test_a_repeat_inside_a_repeat_is_refused_by_sheet_row_column_and_feature(db):
    rows = [*ROWS[2:4], ["begin_repeat", "helpers", "Helper", "", "", "", "", ""], ["text", "who", "Who", "", "", "",
                                                                                   "", ""],
            ["end_repeat", "", "", "", "", "", "", ""], ROWS[8]]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form([ROWS[1], *rows]))
    assert [e.message for e in failure.value.errors] == [
        "survey sheet, row 5, column type: a repeat inside a repeat is not supported by checklists yet."]


def test_a_top_level_question_naming_an_entrys_field_is_refused(db):
    rows = [*ROWS[:10], ["text", "odd", "Odd", "", "${party} = 'UP'", "", "", ""]]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form(rows))
    assert "row 12, column relevant: The condition names unknown questions: party." in failure.value.errors[0].message


def test_odk_collects_repeated_elements_become_one_filing_with_those_entries(client, db):
    from electoral.observation.openrosa import services as openrosa
    from tests.observation.test_openrosa import XF, XFORMS, _basic, _send

    _published(db)
    observer = make_observer()
    auth = _basic(observer.user.username, openrosa.set_device_password(db.session, observer))
    db.session.commit()
    listing = ET.fromstring(client.get("/openrosa/formList", headers=auth).data)
    url = listing.find(f"{XFORMS}xform/{XFORMS}downloadUrl").text
    form = ET.fromstring(client.get(url, headers=auth).data)
    # The XForm pyxform made has the repeat, with its template entry, as ODK Collect reads it.
    assert any(r.get("nodeset", "").endswith("/agents") for r in form.iter(f"{XF}repeat"))
    data = form.find(f".//{XF}model/{XF}instance")[0]
    template_entry = next(e for e in data if e.tag.endswith("agents"))
    for element in [e for e in data if e.tag.endswith("agents")]:
        data.remove(element)
    values = {"electoral_station": observer.station.code, "registered": "300", "agents_present": "yes"}
    for element in data.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in values:
            element.text = values[name]
        elif name == "instanceID":
            element.text = "uuid:4a2b6c1e-0000-4000-8000-00000000a9e1"
    position = list(data).index(next(e for e in data if e.tag.endswith("how_many")))
    for index, (party, signed) in enumerate([("UP", "yes"), ("CDC", "no")]):
        entry = copy.deepcopy(template_entry)
        entry.attrib.clear()
        for leaf in entry:
            leaf.text = {"party": party, "counted": "12", "signed": signed, "why": "refused"}.get(
                leaf.tag.rsplit("}", 1)[-1], "")
        data.insert(position + index, entry)
    response = _send(client, auth, ET.tostring(data))
    assert response.status_code == 201, response.data
    [filed] = db.session.scalars(db.select(Submission)).all()
    assert filed.answers["agents"] == [
        {"party": "UP", "counted": 12, "signed": "yes", "number": 1},
        {"party": "CDC", "counted": 12, "signed": "no", "number": 2}]
    assert filed.answers["how_many"] == 2 and filed.channel == "odk"


def test_the_web_page_files_zero_one_or_three_entries_and_adds_and_removes_them_without_script(client, db):
    from tests.factories import PASSWORD

    _published(db)
    observer = make_observer()
    db.session.commit()
    assert client.post_form("/login", {"username": observer.user.username, "password": PASSWORD}).status_code == 302
    url = f"/observation/my/fill/{observer.station.code}/AGENTS"
    page = client.get(url).get_data(as_text=True)
    assert 'data-repeat="agents"' in page and "<template data-entry-template>" in page
    assert 'name="agents[__i__].party"' in page and 'name="agents[0].party"' not in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    base = {"csrf_token": token, "registered": "300", "agents_present": "yes"}
    # "Add an entry" without the script: the page again, with one more entry, nothing filed.
    page = client.post(url, data={**base, "entries": "add:agents"}).get_data(as_text=True)
    assert 'name="agents[0].party"' in page and db.session.scalar(db.select(Submission)) is None
    two = {**base, "agents": ["0", "1"], "agents[0].party": "UP", "agents[1].party": "CDC"}
    page = client.post(url, data={**two, "entries": "remove:agents:0"}).get_data(as_text=True)
    assert ">CDC</textarea>" in page and ">UP</textarea>" not in page and 'name="agents[1].party"' not in page
    for count, client_id in ((0, "rep-web-0000"), (1, "rep-web-0001"), (3, "rep-web-0003")):
        data = {**base, "client_id": client_id, "agents_present": "yes" if count else "no",
                "agents": [str(i) for i in range(count)]}
        for i in range(count):
            data.update({f"agents[{i}].party": f"P{i}", f"agents[{i}].counted": str(i), f"agents[{i}].signed": "yes"})
        response = client.post(url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        filed = db.session.scalar(db.select(Submission).where(Submission.client_id == client_id))
        assert filed.answers["agents"] == [{"party": f"P{i}", "counted": i, "signed": "yes", "number": i + 1}
                                           for i in range(count)]
    # An entry's error is shown beside that entry's field.
    bad = {**base, "client_id": "rep-web-bad1", "agents": ["0"], "agents[0].party": "UP", "agents[0].counted": "301",
           "agents[0].signed": "yes"}
    response = client.post(url, data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error-for="agents[0].counted">This answer breaks the checklist&#39;s rule' in page
    # The filing's page shows each entry.
    shown = client.get(f"/observation/my/submissions/{filed.id}").get_data(as_text=True)
    assert "Party agent 1" in shown and "P2" in shown


@pytest.mark.skipif(__import__("shutil").which("node") is None, reason="node is not installed here")
def test_phone_script_checks_entries_as_the_server_does(db):
    import json

    from tests.observation.test_conditions_phone import on_phone

    template = _published(db)
    definition = services.definition(template, "en")
    questions = [q for q in definition["questions"] if q["repeat"] == "agents"]
    [repeat] = definition["repeats"]
    top = {"registered": 300, "agents_present": "yes"}
    cases = [
        [{"party": "UP", "counted": 120, "signed": "no", "why": "left"}, {"party": "none", "counted": 5, "signed": "no"},
         {"party": "CDC", "counted": 400, "signed": "yes"}],
        [{"party": "UP", "counted": 1, "signed": "no"}, {"party": "UP", "signed": "yes"}],
        [],
    ]
    tops = [top, top, top, {"registered": 300, "agents_present": "no"}]
    cases.append([{"party": "UP"}])  # a repeat not asked: its entries dropped
    pairs = json.dumps(list(zip(tops, cases, strict=True)))
    phone = on_phone(f"\nconsole.log(JSON.stringify({pairs}.map(function (c) {{" \
                     f" return checkEntries({json.dumps(questions)}, {json.dumps(repeat)}, c[1], c[0]); }})));")
    assert phone[3] == {"entries": [], "errors": {}}
    for entries, result, answers in zip(cases, phone, tops, strict=True):
        clean, errors = services.validate_answers(template, {**answers, "agents": entries})
        assert result["entries"] == clean["agents"]
        assert set(result["errors"]) == set(errors)
    assert set(phone[0]["errors"]) == {"agents[2].counted"} and set(phone[1]["errors"]) == {"agents[0].why",
                                                                                             "agents[1].counted"}


def test_the_export_gives_each_repeat_question_its_entries_answers_in_order(db):
    template = _published(db)
    observer = make_observer()
    entries = [{"party": "UP", "counted": 12, "signed": "yes"}, {"party": "none", "signed": "no", "why": "x"}]
    services.submit(db.session, template, observer.station, {"registered": 300, "agents_present": "yes",
                                                             "agents": entries}, "rep-export-01", observer)
    db.session.commit()
    labels = {k: k for k in ("station", "observer", "submitted_at", "version", "revision")}
    header, rows = services.submission_table(db.session, "AGENTS", "en", labels)
    [row] = list(rows)
    line = dict(zip(header, row, strict=False))
    assert line["party Party"] == "UP; none" and line["counted Votes the agent counted"] == "12; "
    assert line["why Why not?"] == "; " and line["how_many how_many"] == 2


def test_a_coordinator_builds_a_repeat_on_the_web_and_it_exports_as_begin_repeat(client, db, login_as):
    import io

    from openpyxl import load_workbook

    from electoral.core.auth import Role

    login_as(Role.OBSERVER_COORDINATOR)
    response = client.post_form("/observation/templates/new", {"code": "CNT", "name": "Count", "phase": "counting"})
    url = response.headers["Location"]
    client.post_form(url, {"action": "section", "s-code": "agents", "s-text": "Party agent", "s-repeat": "y"})
    template = services.latest(db.session, "CNT")
    [section] = template.sections
    client.post_form(url, {"action": "question", "q-code": "party", "q-type": "text", "q-section": str(section.id),
                           "q-text_en": "Party", "q-required": "y", "q-tally": ""})
    db.session.expire_all()
    template = services.latest(db.session, "CNT")
    assert [(s.code, s.repeat) for s in template.repeats] == [("agents", True)]
    assert template.question("party").repeat_code == "agents"
    assert "repeated for each entry" in client.get(url).get_data(as_text=True)
    survey = load_workbook(io.BytesIO(export_xlsform(template)))["survey"]
    types = [row[0] for row in survey.iter_rows(min_row=2, values_only=True)]
    assert types == ["begin_repeat", "text", "end_repeat"]


def test_a_quick_count_figure_or_a_photo_inside_a_repeat_is_refused(db):
    from electoral.core.errors import ValidationFailed

    template = services.create_template(db.session, "CNT", "Count", "counting")
    agents = services.add_section(db.session, template, "agents", {"en": "Party agent"}, repeat=True)
    with pytest.raises(ValidationFailed) as failure:
        services.add_question(db.session, template, "cast", "integer", {"en": "Cast"}, tally="cast", section=agents)
    assert failure.value.errors == {"tally": ["A count for the quick count cannot be inside a repeated section."]}
    with pytest.raises(ValidationFailed) as failure:
        services.add_question(db.session, template, "photo", "image", {"en": "Photo"}, section=agents)
    assert failure.value.errors == {"type": ["A photo cannot be asked inside a repeated section yet."]}

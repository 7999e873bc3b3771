"""Importing a checklist from an XLSForm spreadsheet."""

import io

import pytest
from openpyxl import Workbook

from electoral.core.errors import ImportFailed
from electoral.observation import services

SURVEY_HEADER = ["type", "name", "label::English (en)", "label::French (fr)", "required", "relevant", "constraint",
                 "critical"]


def xlsform(survey_rows, choices_rows=None, settings=None) -> bytes:
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_HEADER)
    for row in survey_rows:
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::French (fr)"])
    for row in choices_rows or [["yn", "yes", "Yes", "Oui"], ["yn", "no", "No", "Non"],
                                ["prob", "ink", "No ink", "Pas d'encre"], ["prob", "list", "No list", "Pas de liste"]]:
        choices.append(row)
    sheet = workbook.create_sheet("settings")
    sheet.append(["form_id", "form_title", "version", "phase"])
    sheet.append(settings or ["OPENING", "Opening checklist", "1", "opening"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


VALID = [
    ["begin_group", "arrival", "Arrival", "Arrivée", "", "", "", ""],
    ["select_one yn", "Q1", "Did the station open on time?", "Ouvert à l'heure ?", "yes", "", "", ""],
    ["integer", "Q2", "Minutes late", "Minutes de retard", "yes", "${Q1} = 'no'", ". >= 0 and . <= 600", ""],
    ["end_group", "", "", "", "", "", "", ""],
    ["select_one yn", "Q3", "Ballot box sealed?", "Urne scellée ?", "yes", "", "", "Q3 = no"],
    ["select_multiple prob", "Q4", "Problems", "Problèmes", "", "", "", ""],
]


def test_valid_xlsform_becomes_a_draft_checklist(db):
    template = services.import_xlsform(db.session, xlsform(VALID))
    assert (template.code, template.name, template.phase, template.published) == (
        "OPENING", "Opening checklist", "opening", False)
    q1, q2, q3, q4 = template.questions
    assert (q1.type, q1.section.code, q1.texts["fr"]) == ("yes_no", "arrival", "Ouvert à l'heure ?")
    assert (q2.type, q2.minimum, q2.maximum, q2.relevance) == ("integer", 0, 600, "${Q1} = 'no'")
    assert q3.critical == "Q3 = no" and q3.section is None
    assert q4.type == "multiple_choice" and [c["value"] for c in q4.choices] == ["ink", "list"]
    assert not q4.required


def test_imported_relevance_works_like_a_built_one(db):
    template = services.import_xlsform(db.session, xlsform(VALID))
    services.publish(db.session, template)
    _, errors = services.validate_answers(template, {"Q1": "no", "Q3": "yes"})
    assert errors == {"Q2": ["Answer this question."]}


def test_xlsform_that_pyxform_refuses_is_not_imported(db):
    broken = [["select_one missing_list", "Q1", "A question", "", "yes", "", "", ""]]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, xlsform(broken))
    assert "missing_list" in failure.value.errors[0].message


def test_every_problem_of_an_xlsform_is_reported(db):
    rows = [["integer", "Q1", "Count", "", "yes", "", "substr(., 0, 1) != 3", ""],
            ["text", "Q2", "Remarks", "", "", "Q9 = no", "", ""],
            ["geotrace", "Q3", "Path", "", "", "", "", ""]]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, xlsform(rows))
    assert [e.line for e in failure.value.errors] == [2, 3, 4]

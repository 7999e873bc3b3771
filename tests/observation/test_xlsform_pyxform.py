"""XLSForms read through pyxform: every spelling it accepts, group relevance, refusals by sheet, row and column."""

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.observation import services

CORPUS = Path(__file__).parent / "xlsforms"


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_begin_group_with_a_space_and_headers_in_any_case_are_read(db):
    data = workbook({
        "Survey": [["TYPE", "Name", "Label::English (en)", "label::French", "REQUIRED"],
                   ["begin group", "arrival", "Arrival", "Arrivée", ""],
                   ["integer", "voters-in.queue", "Voters in the queue", "Électeurs en file", "TRUE"],
                   ["end group", "", "", "", ""],
                   ["text", "remarks", "Remarks", "Remarques", "true()"]],
        "SETTINGS": [["form_id", "form_title"], ["queue", "Queue"]]})
    template = services.import_xlsform(db.session, data)
    queue, remarks = template.questions
    assert (queue.code, queue.section.code, queue.required) == ("voters-in.queue", "arrival", True)
    assert queue.texts == {"en": "Voters in the queue", "fr": "Électeurs en file"}
    assert remarks.required and remarks.section is None


def test_required_question_in_a_skipped_group_does_not_block_filing(db):
    data = workbook({
        "survey": [["type", "name", "label", "required", "relevant"],
                   ["select_one yn", "opened", "Did the station open?", "yes", ""],
                   ["begin_group", "late", "Late opening", "", "${opened} = 'no'"],
                   ["integer", "minutes", "Minutes late", "yes", ""],
                   ["end_group", "", "", "", ""]],
        "choices": [["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
        "settings": [["form_id"], ["opening"]]})
    template = services.import_xlsform(db.session, data)
    assert template.question("minutes").relevance == "${opened} = 'no'"
    assert services.validate_answers(template, {"opened": "yes"})[1] == {}
    assert services.validate_answers(template, {"opened": "no"})[1] == {"minutes": ["Answer this question."]}


def test_or_other_keeps_the_other_choice_and_its_specify_question(db):
    data = workbook({
        "survey": [["type", "name", "label"], ["select_one problem or_other", "problem", "Main problem"]],
        "choices": [["list_name", "name", "label"], ["problem", "ink", "No ink"], ["problem", "list", "No list"]],
        "settings": [["form_id"], ["problems"]]})
    template = services.import_xlsform(db.session, data)
    problem, other = template.questions
    assert [c["value"] for c in problem.choices] == ["ink", "list", "other"]
    assert services.validate_answers(template, {"problem": "other", "problem_other": "Lamp"})[0] == {
        "problem": "other", "problem_other": "Lamp"}
    assert "problem_other" not in services.validate_answers(template, {"problem": "ink", "problem_other": "x"})[0]
    assert other.code == "problem_other"


def test_unsupported_feature_is_refused_naming_sheet_row_and_column(db):
    data = workbook({
        "survey": [["type", "name", "label", "choice_filter"],
                   ["text", "district", "District", ""],
                   ["select_one centre", "centre", "Centre", "substr(district, 0, 1) > ${district}"]],
        "choices": [["list_name", "name", "label", "district"], ["centre", "c1", "One", "d1"],
                    ["centre", "c2", "Two", "d2"]],
        "settings": [["form_id"], ["cascade"]]})
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, data)
    [error] = failure.value.errors
    assert error.line == 3
    assert "survey sheet, row 3, column choice_filter" in error.message


def test_legacy_xls_is_read(db):
    template = services.import_xlsform(db.session, (CORPUS / "pyxform" / "example_xls__yes_or_no_question.xls")
                                       .read_bytes())
    assert [q.code for q in template.questions] == ["good_day"]


def test_ods_is_refused_with_a_message_to_save_as_xlsx(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(ValidationFailed) as failure:
        services.import_xlsform(db.session, out.getvalue())
    assert "save it as an Excel workbook (.xlsx)" in failure.value.errors["file"][0]

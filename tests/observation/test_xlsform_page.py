"""The XLSForm import page: what a coordinator uploads from the browser, in each workbook format."""

import io
import zipfile
from pathlib import Path

from electoral.core.auth import Role
from electoral.observation.models import ChecklistTemplate

CORPUS = Path(__file__).parent / "xlsforms"


def _upload(client, data: bytes, filename: str):
    return client.post_form("/observation/templates/import",
                            {"file": (io.BytesIO(data), filename), "phase": ""},
                            content_type="multipart/form-data")


def test_legacy_xls_imports_from_the_page(client, db, login_as):
    login_as(Role.OBSERVER_COORDINATOR)
    data = (CORPUS / "pyxform" / "example_xls__yes_or_no_question.xls").read_bytes()
    response = _upload(client, data, "yes_or_no.xls")
    assert response.status_code == 302, response.get_data(as_text=True)
    template = db.session.query(ChecklistTemplate).one()
    assert [q.code for q in template.questions] == ["good_day"]


def test_ods_on_the_page_is_told_to_save_as_xlsx(client, db, login_as):
    login_as(Role.OBSERVER_COORDINATOR)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    page = _upload(client, out.getvalue(), "checklist.ods").get_data(as_text=True)
    assert "save it as an Excel workbook (.xlsx)" in page
    assert db.session.query(ChecklistTemplate).count() == 0


def test_a_problem_in_the_form_is_listed_by_row(client, db, login_as):
    login_as(Role.OBSERVER_COORDINATOR)
    from tests.observation.test_xlsform import xlsform

    data = xlsform([("select_one nope", "q1", "Question one")])
    response = _upload(client, data, "broken.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<th>Row</th>" in page and "Nothing was imported" in page
    assert db.session.query(ChecklistTemplate).count() == 0

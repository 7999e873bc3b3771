"""Real public XLSForms (pyxform's own example and bug forms, BSD-2, see xlsforms/pyxform/LICENSE).

Each form pyxform converts is either imported with every question it asks kept (and
exported and imported back unchanged), or refused with messages naming the sheet and
column of what a checklist cannot keep. Never a form imported with questions missing.
"""

import io
from pathlib import Path

import pytest
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform
from pyxform.xls2xform import convert

from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.observation import services
from electoral.observation.services.xlsform import METADATA
from electoral.observation.services.xlsform_export import export_xlsform
from tests.observation.test_xlsform_export import meaning

CORPUS = sorted((Path(__file__).parent / "xlsforms").glob("*/*.xls*"))
# How many of the corpus import today: a change that imports fewer fails here.
IMPORTED_AT_LEAST = 22


def _pyxform_questions(data: bytes, suffix: str) -> list[str] | None:
    """The names of the questions pyxform reads, or None when pyxform refuses the form."""
    try:
        converted = convert(xlsform=io.BytesIO(data), file_type=suffix, validate=False, warnings=[])
    except Exception:  # pyxform's own refusal: not a form to import
        return None
    # The conversion has read the workbook already (its internal ``_pyxform``, the very
    # ``workbook_to_json`` result): reading it again cost a quarter of this module's time.
    # Should a later pyxform drop that attribute, the workbook is read again.
    survey = getattr(converted, "_pyxform", None)
    if not isinstance(survey, dict):
        survey = workbook_to_json(get_xlsform(io.BytesIO(data), file_type=suffix), warnings=[])
    names = []

    def walk(children):
        for element in children:
            if element.get("type") in ("group", "repeat"):
                if element.get("name") != "meta":
                    walk(element.get("children") or [])
            elif element.get("type") not in METADATA:
                names.append(element["name"])
    walk(survey.get("children") or [])
    return names


def _outcome(db, path: Path) -> str:
    data = path.read_bytes()
    asked = _pyxform_questions(data, path.suffix)
    if asked is None:
        return "pyxform refuses"
    try:
        template = services.import_xlsform(db.session, data)
    except ImportFailed as failure:
        assert failure.errors and all(" sheet, " in e.message and "column " in e.message for e in failure.errors), (
            path.name, [e.message for e in failure.errors])
        return "refused"
    except ValidationFailed as failure:
        assert "too large" in failure.errors["file"][0], (path.name, failure.errors)
        return "refused"
    assert [q.code for q in template.questions] == asked, path.name
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert meaning(again) == meaning(template), path.name
    return "imported"


@pytest.fixture(scope="module")
def outcomes_seen() -> dict:
    """Each form's outcome as its own test found it (on this worker), so the count does not convert it again.

    Module-scoped, so with -n the module runs on one worker (tests/scheduling.py). A form whose
    test failed has no outcome kept: the count goes through _outcome, and its checks, again.
    """
    return {}


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
def test_corpus_form_is_imported_whole_or_refused_by_name(db, path, outcomes_seen):
    outcomes_seen[path] = _outcome(db, path)
    db.session.rollback()


def test_corpus_count(db, outcomes_seen):
    outcomes = []
    for path in CORPUS:
        if path not in outcomes_seen:
            outcomes_seen[path] = _outcome(db, path)
            db.session.rollback()
        outcomes.append(outcomes_seen[path])
    converted = len(outcomes) - outcomes.count("pyxform refuses")
    print(f"\n{outcomes.count('imported')} of {converted} forms pyxform converts are imported")
    assert outcomes.count("imported") >= IMPORTED_AT_LEAST

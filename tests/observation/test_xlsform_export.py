"""A checklist written as an XLSForm: pyxform converts it and it imports back unchanged."""

import io

from pyxform.xls2xform import convert

from electoral.core.auth import Role
from electoral.extensions import db as _db
from electoral.observation import conditions, services
from electoral.observation.services.xlsform_export import export_xlsform
from tests.observation.factories import make_opening_checklist


def meaning(template) -> list:
    """What a checklist asks and how it behaves; conditions compared by their tree, not their spelling."""
    return [(q.code, q.type, q.texts, [(c["value"], c.get("texts"), c.get("data")) for c in q.choices], q.minimum,
             q.maximum, conditions.parse(q.choice_filter), conditions.parse(q.constraint),
             q.required, conditions.parse(q.relevance), conditions.parse(q.critical), q.tally, q.hints,
             q.constraint_message, q.default_value, q.section.code if q.section else None,
             q.section.texts if q.section else None, bool(q.section and q.section.repeat),
             conditions.parse_calculation(q.section.repeat_count) if q.section else None,
             conditions.parse_calculation(q.calculation)) for q in template.questions]


def _web_checklist(db):
    template = make_opening_checklist(publish=False)
    section = services.add_section(db.session, template, "count", {"en": "Counting", "fr": "Dépouillement"})
    services.add_question(db.session, template, "Q6", "single_choice", {"en": "Who counted?", "fr": "Qui ?"},
                          choices=[{"value": "staff", "texts": {"en": "Staff", "fr": "Personnel"}},
                                   {"value": "agents", "texts": {"en": "Agents"}}],
                          relevance="Q5 = ink or not (Q4 > 3.5)", section=section, hints={"en": "Ask them"},
                          constraint_message={"fr": "Non"}, default_value="staff")
    services.add_question(db.session, template, "Q7", "time", {"en": "Counting began"}, required=False,
                          relevance="Q6 = staff", section=section)
    db.session.commit()
    return template


def test_checklist_built_on_the_web_converts_with_pyxform_and_imports_back_unchanged(db):
    built = _web_checklist(db)
    data = export_xlsform(built)
    convert(xlsform=io.BytesIO(data), file_type=".xlsx", validate=False, warnings=[])
    imported = services.import_xlsform(db.session, data)
    assert (imported.code, imported.version, imported.name, imported.phase) == ("OPEN", 2, "Opening", "opening")
    assert meaning(imported) == meaning(built)


def test_relevance_is_written_in_xlsform_spelling():
    tree = conditions.parse("Q5 = ink or not (Q4 > 3.5)")
    assert services.xlsform_export.condition_text(tree, {"Q5": "multiple_choice"}) == (
        "(selected(${Q5}, 'ink')) or (not(${Q4} > 3.5))")


def test_coordinator_downloads_a_checklist_as_xlsform(client, db, login_as):
    template = make_opening_checklist()
    _db.session.commit()
    login_as(Role.OBSERVER_COORDINATOR)
    response = client.get(f"/observation/templates/{template.id}/xlsform.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="OPEN-v1.xlsx"'
    assert [q.code for q in services.import_xlsform(_db.session, response.data).questions] == [
        "Q1", "Q2", "Q3", "Q4", "Q5"]

"""More XPath functions in calculations: sum/max/min over a repeat's entries, concat, round, int, string-length,
count-selected; computed alike by the phone's script (in node) and the server, exported and imported back."""

import json
import shutil

import pytest

from electoral.observation import conditions, services
from electoral.observation.services.xlsform_export import calculation_text, export_xlsform
from tests.observation.test_conditions_phone import on_phone
from tests.observation.test_repeats import ROWS, _form

AGENTS = [{"party": "UP", "counted": 12}, {"party": "CDC", "counted": "30"}, {"party": "X"}]
CASES = [
    ("sum(${counted})", {"agents": AGENTS}),
    ("max(${counted})", {"agents": AGENTS}),
    ("min(${counted})", {"agents": AGENTS}),
    ("sum(${counted})", {"agents": []}),
    ("max(${counted})", {"agents": []}),
    ("concat(${a}, ' - ', ${b}, ${c})", {"a": "UP", "b": 3}),
    ("concat(${m})", {"m": ["x", "y"]}),
    ("round(${a} div 3, 2)", {"a": 10}),
    ("round(${a})", {"a": 2.5}),
    ("round(${a})", {"a": -2.5}),
    ("round(${a}, 1)", {}),
    ("int(${a} div 4)", {"a": -7}),
    ("string-length(${t})", {"t": "Monrovia"}),
    ("string-length(${t})", {}),
    ("count-selected(${m})", {"m": ["a", "b", "c"]}),
    ("count-selected(${m})", {"m": "a b"}),
    ("if(sum(${counted}) > 40, 'many', concat('few: ', sum(${counted})))", {"agents": AGENTS}),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_phone_script_and_server_compute_the_new_functions_alike():
    trees = [[conditions.parse_calculation(text), answers] for text, answers in CASES]
    phone = on_phone("\nconsole.log(JSON.stringify(" + json.dumps(trees) + ".map(function (c) {" \
                     " return compute(c[0], c[1]); })));")
    server = [conditions.compute(tree, answers) for tree, answers in trees]
    assert phone == server
    assert server == [42, 30, 12, 0, None, "UP - 3", "x y", 3.33, 3, -2, None, -1, 8, 0, 3, 2, "many"]


def test_each_spelling_parses_back_to_the_same_tree():
    for text, _answers in CASES:
        tree = conditions.parse_calculation(text)
        assert conditions.parse_calculation(calculation_text(tree)) == tree, text


def test_a_top_level_sum_over_a_repeats_question_is_imported_computed_and_round_trips(db):
    rows = [*ROWS, ["calculate", "total", "", "", "", "", "sum(${counted})", ""],
            ["calculate", "who", "", "", "", "", "concat(${how_many}, ' agents, ', round(${total} div 7, 1))", ""]]
    template = services.import_xlsform(db.session, _form(rows))
    clean, errors = services.validate_answers(template, {
        "registered": 300, "agents_present": "yes",
        "agents": [{"party": "UP", "counted": 12, "signed": "yes"}, {"party": "CDC", "counted": 30, "signed": "yes"}]})
    assert errors == {} and (clean["total"], clean["who"]) == (42, "2 agents, 6")
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert again.question("total").calculation == "sum(${counted})"
    assert conditions.parse_calculation(again.question("who").calculation) == conditions.parse_calculation(
        template.question("who").calculation)


def test_a_repeats_question_read_at_the_top_level_outside_sum_is_still_refused(db):
    from electoral.core.errors import ImportFailed

    rows = [*ROWS, ["calculate", "odd", "", "", "", "", "${counted} + 1", ""]]
    with pytest.raises(ImportFailed) as failure:
        services.import_xlsform(db.session, _form(rows))
    assert "column calculation: The condition names unknown questions: counted." in failure.value.errors[0].message


CONDITION_CASES = [
    ("string-length(.) <= 6", {".": "Monrovia"}),
    ("string-length(.) <= 8", {".": "Monrovia"}),
    ("string-length(${name}) > 0", {}),
    ("count-selected(${seen}) >= 2", {"seen": ["ink", "list"]}),
    ("count-selected(${seen}) >= 2", {"seen": ["ink"]}),
    ("count-selected(${seen}) = 0", {}),
    ("string-length(${code}) = 6 and regex(${code}, '^[0-9]+$')", {"code": "123456"}),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_phone_script_and_server_evaluate_measures_in_conditions_alike():
    trees = [[conditions.parse(text), answers] for text, answers in CONDITION_CASES]
    phone = on_phone("\nconsole.log(JSON.stringify(" + json.dumps(trees) + ".map(function (c) {" \
                     " return evaluate(c[0], c[1]); })));")
    server = [conditions.evaluate(tree, answers) for tree, answers in trees]
    assert phone == server == [False, True, False, True, False, True, True]


def test_a_string_length_constraint_is_imported_checked_and_exported_back(db):
    from tests.observation.test_xlsform_pyxform import workbook

    form = workbook({"survey": [["type", "name", "label", "constraint", "relevant"],
                                ["text", "seal", "Seal number", "string-length(.) = 6", ""],
                                ["select_multiple problems", "seen", "Problems seen", "", ""],
                                ["text", "which", "Which first?", "", "count-selected(${seen}) >= 2"]],
                     "choices": [["list_name", "name", "label"], ["problems", "ink", "No ink"],
                                 ["problems", "list", "No list"]],
                     "settings": [["form_id", "form_title"], ["seals", "Seals"]]})
    template = services.import_xlsform(db.session, form)
    assert services.validate_answers(template, {"seal": "12345"})[1] == {
        "seal": ["This answer breaks the checklist's rule string-length(.) = 6."]}
    assert services.validate_answers(template, {"seal": "123456", "seen": ["ink", "list"], "which": "ink"}) == (
        {"seal": "123456", "seen": ["ink", "list"], "which": "ink"}, {})
    assert services.validate_answers(template, {"seal": "123456", "seen": ["ink"], "which": "ink"})[0] == {
        "seal": "123456", "seen": ["ink"]}
    again = services.import_xlsform(db.session, export_xlsform(template))
    assert [conditions.parse(q.constraint) for q in again.questions] == [
        conditions.parse(q.constraint) for q in template.questions]
    assert conditions.parse(again.question("which").relevance) == conditions.parse(template.question("which").relevance)

"""The phone's script evaluates the condition trees exactly as the server does (same cases, same answers)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from electoral.observation import conditions

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "observation.js"
CASES = [
    ("Q3 = no", {"Q3": "no"}),
    ("AC > 20", {"AC": 20}),
    ("AA1 = 1 or not (AB != yes)", {"AA1": 2, "AB": "yes"}),
    ("selected(${Q7}, 'b')", {"Q7": ["a", "b"]}),
    ("${Q7} != 'c'", {"Q7": ["a", "b"]}),
    ("T < 07:30", {"T": "07:15"}),
    (". <= ${ballots}", {".": 300, "ballots": 300}),
    (". <= ${ballots}", {".": 301, "ballots": 300}),
    (". <= ${ballots}", {".": 3}),
    ("regex(., '^[0-9]{6}$')", {".": "123456"}),
    ("regex(., '^[0-9]{6}$')", {".": "12345x"}),
    ("${name} != ''", {"name": "x"}),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_phone_script_and_server_agree_on_every_case():
    source = SCRIPT.read_text(encoding="utf-8")
    # The evaluator's functions, as the phone runs them: from the tree's marker to the next section.
    start = source.index("// ---- the condition tree")
    evaluator = source[start:source.index("function typed(", start)]
    trees = [[conditions.parse(text), answers] for text, answers in CASES]
    program = evaluator + "\nconsole.log(JSON.stringify(" + json.dumps(trees) + ".map(function (c) {" \
        " return evaluate(c[0], c[1]); })));"
    phone = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout)
    server = [conditions.evaluate(tree, answers) for tree, answers in trees]
    assert phone == server
    assert server == [True, False, True, True, True, True, True, False, False, True, False, True]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_phone_script_and_server_filter_choices_alike():
    source = SCRIPT.read_text(encoding="utf-8")
    start = source.index("// ---- the condition tree")
    evaluator = source[start:source.index("function typed(", start)]
    tree = conditions.parse("district = ${district} or name = 'other'")
    choices = [{"value": "c1", "data": {"district": "d1"}}, {"value": "c3", "data": {"district": "d2"}},
               {"value": "other"}]
    cases = [[{**c.get("data", {}), "name": c["value"]}, {"district": "d1"}] for c in choices]
    program = evaluator + f"\nconsole.log(JSON.stringify({json.dumps(cases)}.map(function (c) {{" \
        f" return choicePasses({json.dumps(tree)}, c[0], c[1]); }})));"
    phone = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout)
    assert phone == [conditions.choice_passes(tree, c, {"district": "d1"}) for c in choices] == [True, False, True]

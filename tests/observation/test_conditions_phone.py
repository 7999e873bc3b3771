"""The phone's script evaluates the condition trees exactly as the server does (same cases, same answers)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from electoral.observation import conditions

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "observation.js"


def on_phone(tail: str):
    """What node prints running the phone's evaluator (observation.js, from the condition tree up to
    typed()) followed by ``tail``: the phone's side of every phone-versus-server test."""
    source = SCRIPT.read_text(encoding="utf-8")
    start = source.index("// ---- the condition tree")
    evaluator = source[start:source.index("function typed(", start)]
    return json.loads(subprocess.run(["node", "-e", evaluator + tail], capture_output=True, text=True,
                                     check=True).stdout)
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
    trees = [[conditions.parse(text), answers] for text, answers in CASES]
    phone = on_phone("\nconsole.log(JSON.stringify(" + json.dumps(trees) + ".map(function (c) {" \
                     " return evaluate(c[0], c[1]); })));")
    server = [conditions.evaluate(tree, answers) for tree, answers in trees]
    assert phone == server
    assert server == [True, False, True, True, True, True, True, False, False, True, False, True]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed here")
def test_phone_script_and_server_filter_choices_alike():
    tree = conditions.parse("district = ${district} or name = 'other'")
    choices = [{"value": "c1", "data": {"district": "d1"}}, {"value": "c3", "data": {"district": "d2"}},
               {"value": "other"}]
    cases = [[{**c.get("data", {}), "name": c["value"]}, {"district": "d1"}] for c in choices]
    phone = on_phone(f"\nconsole.log(JSON.stringify({json.dumps(cases)}.map(function (c) {{" \
                     f" return choicePasses({json.dumps(tree)}, c[0], c[1]); }})));")
    assert phone == [conditions.choice_passes(tree, c, {"district": "d1"}) for c in choices] == [True, False, True]

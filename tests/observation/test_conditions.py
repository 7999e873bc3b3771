"""The condition language for relevance and critical flags."""

import pytest

from electoral.observation import conditions


@pytest.mark.parametrize(("text", "answers", "expected"), [
    ("Q3 = no", {"Q3": "no"}, True),
    ("Q3 = no", {"Q3": "yes"}, False),
    ("Q3 = no", {}, False),
    ("AC > 20", {"AC": 21}, True),
    ("AC > 20", {"AC": 20}, False),
    ("AA1 = 2 and AB = yes", {"AA1": "2", "AB": "yes"}, True),
    ("AA1 = 2 and AB = yes", {"AA1": 2, "AB": "no"}, False),
    ("AA1 = 1 or not (AB != yes)", {"AA1": 2, "AB": "yes"}, True),
    ("${Q3} = 'no'", {"Q3": "no"}, True),
    ("selected(${Q7}, 'b')", {"Q7": ["a", "b"]}, True),
    ("Q7 = c", {"Q7": ["a", "b"]}, False),
    ("T < 07:30", {"T": "07:15"}, True),
])
def test_condition_is_evaluated(text, answers, expected):
    assert conditions.evaluate(conditions.parse(text), answers) is expected


@pytest.mark.parametrize("text", ["Q3 =", "Q3 no", "(Q3 = no", "Q3 = no and", "__import__('os')", "Q3 = no )"])
def test_malformed_condition_is_refused(text):
    with pytest.raises(conditions.ConditionError):
        conditions.parse(text)


def test_condition_names_the_questions_it_reads():
    assert conditions.codes(conditions.parse("A = 1 and (B > 2 or not C = x)")) == {"A", "B", "C"}

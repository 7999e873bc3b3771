"""Reading SMS text: well-formed, sloppy and malformed messages."""

import pytest

from electoral.observation.sms import parser
from tests.observation.factories import make_opening_checklist


def _answers(template, text):
    return parser.read_answers(template, parser.read_header(text).tokens).raw


def test_well_formed_message_reads_code_number_and_answers(db):
    template = make_opening_checklist()
    header = parser.read_header("OPEN 10482 Q1Y Q3N Q45")
    assert (header.keyword, header.number) == ("OPEN", "10482")
    assert _answers(template, "OPEN 10482 Q1Y Q3N Q45") == {"Q1": "yes", "Q3": "no", "Q4": "5"}


def test_sloppy_message_with_case_spaces_and_separators_reads_the_same(db):
    template = make_opening_checklist()
    assert _answers(template, "  open   10482 q1 oui, q3-non  q4:5. ") == {"Q1": "yes", "Q3": "no", "Q4": "5"}


def test_printed_accreditation_number_with_its_prefix_is_read(db):
    assert parser.read_header("open obs-acd34679 q1y").number == "ACD34679"


@pytest.mark.parametrize("word, value", [("Y", "yes"), ("1", "yes"), ("SIM", "yes"), ("نعم", "yes"),
                                         ("N", "no"), ("0", "no"), ("NON", "no"), ("لا", "no")])
def test_yes_and_no_in_every_language(db, word, value):
    template = make_opening_checklist()
    assert _answers(template, f"OPEN 10482 Q1 {word}")["Q1"] == value


def test_multiple_choice_by_position_with_commas_or_glued_digits(db):
    template = make_opening_checklist()
    assert _answers(template, "OPEN 10482 Q5 1,3")["Q5"] == ["ink", "light"]
    assert _answers(template, "OPEN 10482 Q513")["Q5"] == ["ink", "light"]


def test_unknown_question_code_is_named_in_the_errors(db):
    template = make_opening_checklist()
    with pytest.raises(parser.SmsFormatError) as failure:
        _answers(template, "OPEN 10482 Q1Y ZZ4")
    assert failure.value.errors == ["ZZ4: no such question on this checklist."]


def test_bad_yes_no_and_missing_value_are_each_reported(db):
    template = make_opening_checklist()
    with pytest.raises(parser.SmsFormatError) as failure:
        _answers(template, "OPEN 10482 Q1 maybe Q3")
    assert failure.value.errors == ["Q1: no value.", "MAYBE: no such question on this checklist.", "Q3: no value."]


def test_message_without_accreditation_number_is_refused():
    with pytest.raises(parser.SmsFormatError) as failure:
        parser.read_header("OPEN Q1Y")
    assert "accreditation number" in failure.value.errors[0]


def test_choice_outside_the_options_is_refused(db):
    template = make_opening_checklist()
    with pytest.raises(parser.SmsFormatError) as failure:
        _answers(template, "OPEN 10482 Q5 7")
    assert failure.value.errors == ["Q5: 7 is not an option."]

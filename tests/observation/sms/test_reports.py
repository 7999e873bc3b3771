"""The SMS card, read back from the PDF."""

from electoral.core.auth import Role
from electoral.reports.registry import render
from tests.observation.factories import make_counting_checklist, make_opening_checklist
from tests.reports.helpers import page_count, pdf_text


def test_sms_card_lists_the_format_and_every_question_code_with_how_to_answer(db):
    make_opening_checklist()
    db.session.commit()
    pdf = render("sms-card", {"template": "OPEN"}, lang="en", roles=[Role.OBSERVER], printed_by="test")
    text = " ".join(pdf_text(pdf).split())  # table cells wrap
    assert page_count(pdf) == 1
    assert "Sending OPEN by SMS" in text
    assert "OPEN OBS-ACD34679 Q1Y Q3Y Q40" in text
    for code in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        assert code in text
    assert "a number from 0 to 10" in text
    assert "1 = No ink, 2 = No voter list, 3 = No light" in text
    assert "(only when Q1 = no)" in text


def test_sms_card_is_in_the_readers_language(db):
    make_opening_checklist()
    db.session.commit()
    text = pdf_text(render("sms-card", {"template": "OPEN"}, lang="fr", roles=[Role.OBSERVER], printed_by="test"))
    assert "Le bureau a-t-il ouvert à l'heure ?" in text


def test_sms_card_without_a_code_has_one_page_per_checklist(db):
    make_opening_checklist()
    make_counting_checklist()
    db.session.commit()
    pdf = render("sms-card", {}, lang="en", roles=[Role.OBSERVER_COORDINATOR], printed_by="test")
    assert page_count(pdf) == 2

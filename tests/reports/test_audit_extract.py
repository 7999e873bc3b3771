"""The audit extract: administrators only, filtered, in every language, never a password."""

import datetime as dt

import pytest
from babel.numbers import format_decimal

from electoral.config import LANGUAGES
from electoral.core.audit import Actor, acting_as
from electoral.core.auth import Role
from electoral.reports.registry import NotAllowed, render
from tests.factories import make_region, make_user
from tests.reports.helpers import footer_words, pdf_text


def _print(lang="en", params=None, roles=(Role.ADMINISTRATOR,)) -> bytes:
    return render("audit-extract", params or {}, lang=lang, roles=set(roles), printed_by="Admin")


def _trail(db):
    with acting_as(Actor(None, "alice")):
        make_region(code="AL1", name="Alpha")
    with acting_as(Actor(None, "bruno")):
        make_region(code="BR1", name="Bravo")
        make_user(Role.OBSERVER, username="observer7")
    db.session.commit()


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_extract_lists_the_entries_in_every_language(db, lang):
    _trail(db)
    data = _print(lang)
    text = pdf_text(data)
    assert "alice" in text and "bruno" in text
    assert "code=AL1" in text and "name=Bravo" in text
    assert "Region 1" in text  # record type and number
    one = format_decimal(1, locale=lang, numbering_system="default")
    assert footer_words(data, 0).count(one) == 2  # page 1 of 1


def test_extract_never_shows_a_password_hash(db):
    _trail(db)
    text = pdf_text(_print())
    assert "password_hash=***" in text
    assert "argon2" not in text


def test_extract_keeps_to_the_user_filter(db):
    _trail(db)
    text = pdf_text(_print(params={"user": "alice"}))
    assert "AL1" in text and "BR1" not in text


def test_extract_keeps_to_the_record_type_and_dates(db):
    _trail(db)
    today = dt.date.today()
    text = pdf_text(_print(params={"record_type": "User", "date_from": today.isoformat(),
                                   "date_to": (today + dt.timedelta(days=1)).isoformat()}))
    assert "observer7" in text and "AL1" not in text
    assert "AL1" not in pdf_text(_print(params={"date_to": (today - dt.timedelta(days=1)).isoformat()}))


def test_extract_is_for_administrators_only(db):
    _trail(db)
    with pytest.raises(NotAllowed):
        _print(roles=[Role.REGISTRATION_SUPERVISOR, Role.RESULTS_SUPERVISOR])

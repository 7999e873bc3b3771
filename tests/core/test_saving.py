"""core/saving.py: a route's service call is committed when it passes, rolled back with its errors shown
when it is refused, and rolled back and raised on any other error."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from electoral.core.errors import ValidationFailed
from electoral.core.saving import Saved, save
from electoral.geography.models import Region


class _Form(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def _add_region(code="S1", refuse=None):
    from electoral.extensions import db

    region = Region(code=code, name="Saved region")
    db.session.add(region)
    db.session.flush()
    if refuse is not None:
        raise refuse
    return region


def _regions(db):
    db.session.expire_all()
    return db.session.scalars(select(Region.code)).all()


def test_a_passing_call_is_committed_and_its_result_returned(app, db):
    with app.test_request_context("/"):
        saved = save(_add_region)
        assert saved and saved.ok and saved.failure is None
        assert saved.result.code == "S1"
        db.session.rollback()  # nothing left to undo: it was committed
        assert _regions(db) == ["S1"]
        assert get_flashed_messages() == []


def test_a_refusal_is_rolled_back_and_shown_beside_the_form_fields(app, db):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        failure = ValidationFailed({"name": ["Name taken."], "": ["Not now."]})
        saved = save(lambda: _add_region(refuse=failure), form)
        assert not saved and saved.result is None and saved.failure is failure
        assert _regions(db) == []
        assert form.name.errors == ["Name taken."]
        assert get_flashed_messages(with_categories=True) == [("error", "Not now.")]


def test_aliases_put_a_service_field_on_the_form_field(app, db):
    with app.test_request_context("/", method="POST"):
        form = _Form()
        save(lambda: _add_region(refuse=ValidationFailed({"title": ["Too long."]})), form, aliases={"title": "name"})
        assert form.name.errors == ["Too long."]
        assert get_flashed_messages() == []


def test_without_a_form_each_message_is_flashed_or_all_in_one(app, db):
    failure = ValidationFailed({"a": ["First."], "b": ["Second."]})
    with app.test_request_context("/"):
        assert not save(lambda: _add_region(refuse=failure))
        assert get_flashed_messages(with_categories=True) == [("error", "First."), ("error", "Second.")]
    with app.test_request_context("/"):
        assert not save(lambda: _add_region(refuse=failure), joined=True)
        assert get_flashed_messages(with_categories=True) == [("error", "First.; Second.")]
    assert _regions(db) == []


def test_show_words_the_errors_its_own_way(app, db):
    shown = []
    with app.test_request_context("/", method="POST"):
        form = _Form()
        failure = ValidationFailed({"name": ["Name taken."]})
        assert not save(lambda: _add_region(refuse=failure), form, show=shown.append)
        assert shown == [failure] and not form.name.errors and get_flashed_messages() == []
    assert _regions(db) == []


def test_any_other_error_is_rolled_back_and_raised(app, db):
    with app.test_request_context("/"):
        with pytest.raises(LookupError):
            save(lambda: _add_region(refuse=LookupError("no such thing")))
        assert _regions(db) == []
        assert get_flashed_messages() == []


def test_saved_is_true_only_when_committed():
    assert Saved(True, 1) and not Saved(False)

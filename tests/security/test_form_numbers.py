"""Class test of typed parsing for forms: every number field of every form is read with a range, and
every choice naming a row by id is coerced with one (issue 16, finding 8).

A number field without a maximum let 10**30 through to the database, whose column type
overflows (a server error); ``coerce=int`` did the same for a select bound to the query string.
"""

import importlib
import inspect
import pkgutil

from flask_wtf import FlaskForm
from wtforms import DecimalField, FloatField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

import electoral
from electoral.core.params import coerce_id

NUMBERS = (IntegerField, DecimalField, FloatField)


def _form_fields():
    """(form, field name, unbound field) for every form class declared in a forms module of the app."""
    for module_info in pkgutil.walk_packages(electoral.__path__, "electoral."):
        if not module_info.name.rsplit(".", 1)[-1].startswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        for form in vars(module).values():
            if inspect.isclass(form) and issubclass(form, FlaskForm) and form.__module__ == module.__name__:
                for name in dir(form):
                    field = getattr(form, name, None)
                    if isinstance(field, UnboundField):
                        yield form, name, field


def _validators(field: UnboundField) -> list:
    return list(field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else []))


def test_every_number_field_has_a_range_and_every_id_choice_a_bounded_coercion(app, capsys):
    numbers = choices = 0
    problems = []
    for form, name, field in _form_fields():
        where = f"{form.__module__}.{form.__name__}.{name}"
        if issubclass(field.field_class, NUMBERS):
            numbers += 1
            ranges = [v for v in _validators(field) if isinstance(v, NumberRange)]
            if not ranges or ranges[0].min is None or ranges[0].max is None:
                problems.append(f"{where}: a number without NumberRange(min, max)")
        elif issubclass(field.field_class, (SelectField, SelectMultipleField)) and "coerce" in field.kwargs:
            choices += 1
            if field.kwargs["coerce"] is int:
                problems.append(f"{where}: coerce=int takes any integer; use core.params.coerce_id")
    with capsys.disabled():
        print(f"\ntyped parsing: {numbers} number fields and {choices} coerced choices walked in the forms")
    assert numbers >= 30 and choices >= 8, "the walk found fewer form fields than the app has"
    assert problems == [], "\n".join(problems)


def test_coerce_id_refuses_what_the_database_cannot_hold():
    import pytest

    assert coerce_id("12") == 12
    for bad in ("10" * 20, "-1", "abc", None, "1.5"):
        with pytest.raises(ValueError):
            coerce_id(bad)

"""Forms shared across the application."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, Optional

from electoral.config import LANGUAGES


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(list(LANGUAGES))])
    next = HiddenField()


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    username = StringField(_l("User"), validators=[Optional()])
    entity_type = SelectField(_l("Record type"), validators=[Optional()], validate_choice=False)
    action = SelectField(_l("Action"), choices=[
        ("", _l("Any")), ("create", _l("Created")), ("update", _l("Changed")), ("delete", _l("Deleted")),
        ("export", _l("Exported")),
    ], validators=[Optional()])
    entity_id = StringField(_l("Record number"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])


def show_errors(form: FlaskForm, failure, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationFailed messages beside the form's fields.

    ``aliases`` maps a service's field name to the form's, where they differ.
    """
    from flask import flash

    for name, messages in failure.errors.items():
        name = (aliases or {}).get(name, name)
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            for message in messages:
                flash(message, "error")

"""Sign-in, profile and user administration forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from electoral.config import LANGUAGES
from electoral.core.auth import ROLE_LABELS


class MultiCheckboxField(SelectMultipleField):
    """Ticks for a choice of several.

    A browser reads `required` on a checkbox as "this box must be ticked", so a required
    field would make every option compulsory: the options never carry it, and "at least
    one" is checked on the server by the field's DataRequired.
    """

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self):
        for option in super().__iter__():
            option.flags.required = False
            yield option


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class UserCreateForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=80)])
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices,
                               validators=[DataRequired(message=_l("Tick at least one role."))])
    scope = StringField(_l("Scope (region, district, polling centre or, for a presiding officer, polling station code; "
                          "empty for national)"),
                        validators=[Optional(), Length(max=32)])
    locale = SelectField(_l("Language"), choices=[("", _l("Browser's choice"))] + list(LANGUAGES.items()),
                         validators=[Optional()])


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices,
                               validators=[DataRequired(message=_l("Tick at least one role."))])
    scope = StringField(_l("Scope (region, district, polling centre or, for a presiding officer, polling station code; "
                          "empty for national)"),
                        validators=[Optional(), Length(max=32)])
    active = BooleanField(_l("Active (may sign in)"))
    new_password = PasswordField(_l("New password (leave empty to keep)"), validators=[Optional(), Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})


class ProfileForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    locale = SelectField(_l("Language"), choices=[("", _l("Browser's choice"))] + list(LANGUAGES.items()),
                         validators=[Optional()])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    role = SelectField(_l("Role"), choices=lambda: [("", _l("Any"))] + role_choices(), validators=[Optional()])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""

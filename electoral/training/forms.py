"""Forms for officials, positions, courses, sessions, rosters and imports."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from electoral.config import LANGUAGES
from electoral.core.params import MAX_ID, coerce_id
from electoral.training.services import EDUCATION_LABELS, SEX_LABELS, STATUS_LABELS


class OfficialSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Name, recruitment number or phone"), validators=[Optional(), Length(max=100)])
    district = SelectField(_l("District"), coerce=coerce_id, validators=[Optional()], validate_choice=False)
    position = SelectField(_l("Position"), coerce=coerce_id, validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), choices=STATUS_LABELS.choices(("", _l("Any"))), validators=[Optional()])


class OfficialForm(FlaskForm):
    reference = StringField(_l("Recruitment number"), validators=[DataRequired(), Length(max=40)])
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    sex = SelectField(_l("Sex"), choices=SEX_LABELS.choices())
    # Text, not a date picker: many officials know only their year of birth, as many voters do.
    birth_date = StringField(_l("Date of birth (YYYY-MM-DD, or only the year YYYY)"),
                             validators=[Optional(), Length(max=20)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    district = SelectField(_l("District of residence"), coerce=coerce_id, validate_choice=False)
    languages = StringField(_l("Languages spoken"), validators=[Optional(), Length(max=200)])
    education = SelectField(_l("Education"), choices=EDUCATION_LABELS.choices(("", _l("Not given"))),
                            validators=[Optional()])
    position = SelectField(_l("Recruited as"), coerce=coerce_id, validate_choice=False)
    status = SelectField(_l("Recruitment status"), choices=STATUS_LABELS.choices())
    locale = SelectField(_l("Language of the certificate"), choices=list(LANGUAGES.items()))


class PositionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    per_station = IntegerField(_l("Needed per polling station"), default=0,
                               validators=[Optional(), NumberRange(min=0, max=50)])
    sort_order = IntegerField(_l("Order in lists"), default=100,
                              validators=[Optional(), NumberRange(min=0, max=MAX_ID)])


class CourseForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = SelectField(_l("Trains officials recruited as"), coerce=coerce_id, validate_choice=False)
    level = IntegerField(_l("Cascade level (1 = master trainers)"), default=3,
                         validators=[DataRequired(), NumberRange(min=1, max=9)])
    modules = TextAreaField(_l("Modules (one a line)"), validators=[Optional(), Length(max=5000)])
    # The columns hold up to 99999.99 (Numeric(7, 2)).
    pre_test_max = DecimalField(_l("Pre-test maximum score"), default=100,
                                validators=[DataRequired(), NumberRange(min=0.01, max=99999)])
    post_test_max = DecimalField(_l("Post-test maximum score"), default=100,
                                 validators=[DataRequired(), NumberRange(min=0.01, max=99999)])
    pass_mark = DecimalField(_l("Pass mark (percent of the post-test maximum)"), default=70,
                             validators=[DataRequired(), NumberRange(min=0, max=100)])
    min_days = IntegerField(_l("Days to attend (empty: every day)"),
                            validators=[Optional(), NumberRange(min=1, max=366)])
    retake_allowed = BooleanField(_l("One retake allowed after a failure"), default=True)


class SessionForm(FlaskForm):
    course = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False)
    district = SelectField(_l("District"), coerce=coerce_id, validate_choice=False)
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    start_date = DateField(_l("First day"), validators=[DataRequired()])
    end_date = DateField(_l("Last day"), validators=[DataRequired()])
    capacity = IntegerField(_l("Places"), default=30, validators=[DataRequired(), NumberRange(min=1, max=1000)])


class PersonForm(FlaskForm):
    """Names the official to enrol by recruitment number."""

    reference = StringField(_l("Participant's recruitment number"), validators=[DataRequired(), Length(max=40)])


class TrainerForm(FlaskForm):
    reference = StringField(_l("Trainer's recruitment number"), validators=[DataRequired(), Length(max=40)])


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token (rosters, buttons)."""


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx", "txt"], _l("Only CSV and XLSX files can be imported."))])

"""Forms of the observation pages; labels through lazy_gettext."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from electoral.config import LANGUAGES
from electoral.core.params import coerce_id
from electoral.core.uploads import PictureFile
from electoral.observation import labels

# A question's bounds: far beyond any count at a polling station, well within a float.
BOUND = 10**9

# The states' and kinds' labels are observation/labels.py's; these names are kept for the pages that read them.
PHASE_LABELS = labels.PHASE
TYPE_LABELS = labels.QUESTION_TYPE
# The types the builder offers, in its order; "calculate" only an XLSForm brings (the builder has no field for a
# calculation), named on the template page through TYPE_LABELS all the same.
BUILDER_TYPES = ("yes_no", "integer", "decimal", "single_choice", "multiple_choice", "text", "time", "date", "note",
                 "datetime", "geopoint", "image")
TALLY_LABELS = labels.TALLY_ROLE
STATUS_LABELS = labels.ACCREDITATION
SEX_LABELS = labels.SEX
CATEGORY_LABELS = labels.CATEGORY
SEVERITY_LABELS = labels.SEVERITY
ALERT_LABELS = labels.ALERT


class OrganisationForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    international = BooleanField(_l("International organisation"))


class ObserverForm(FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=coerce_id, validators=[DataRequired()])
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=120)])
    given_names = StringField(_l("Given names"), validators=[Optional(), Length(max=200)])
    sex = SelectField(_l("Sex"), choices=list(SEX_LABELS.items()))
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=40)])
    languages = StringField(_l("Languages (codes such as en fr ar)"), validators=[Optional(), Length(max=100)])
    photo = FileField(_l("Photo (JPEG or PNG)"), validators=[
        FileAllowed(["jpg", "jpeg", "png"], _l("Only JPEG and PNG photos.")), PictureFile()])


class UploadForm(FlaskForm):
    # A zip holds the table and the photos its photo column names (core/picture_bundles.py).
    file = FileField(_l("File (CSV or XLSX, or a zip of one with the photos)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx", "txt", "zip"],
                                    _l("Only CSV and XLSX files, or a zip of one with the photos, can be imported."))])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("refuse", _l("Refuse"))])
    reason = TextAreaField(_l("Reason (required to refuse)"), validators=[Optional(), Length(max=1000)])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])


class LinkUserForm(FlaskForm):
    username = StringField(_l("Username of the observer's account"), validators=[DataRequired(), Length(max=80)])


class DeployForm(FlaskForm):
    station_code = StringField(_l("Polling station (stationary observer)"), validators=[Optional(), Length(max=32)])
    centre_codes = StringField(_l("Polling centres (mobile team), separated by spaces"),
                               validators=[Optional(), Length(max=1000)])


class TemplateForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    phase = SelectField(_l("Phase"), choices=list(PHASE_LABELS.items()))


class XlsformForm(FlaskForm):
    # .xls is read as pyxform reads it; .ods passes here so the reader can say to save it as .xlsx.
    # Or a ZIP of the XLSForm and the pictures it names (media::image), as KoboToolbox and ODK Central take it.
    file = FileField(_l("XLSForm (XLSX), or a ZIP of it with its media files"), validators=[
        FileRequired(), FileAllowed(["xlsx", "xls", "ods", "zip"],
                                    _l("An XLSForm is an XLSX file, alone or in a ZIP with its media files."))])
    phase = SelectField(_l("Phase"), choices=[("", _l("From the settings sheet"))] + list(PHASE_LABELS.items()),
                        validators=[Optional()])


class SectionForm(FlaskForm):
    code = StringField(_l("Section code"), validators=[DataRequired(), Length(max=40)])
    text = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    # XLSForm's begin repeat: the section's questions answered once per entry (one per party agent, per incident).
    repeat = BooleanField(_l("Repeated: the observer adds one entry per party agent, incident…"))


class QuestionForm(FlaskForm):
    code = StringField(_l("Question code"), validators=[DataRequired(), Length(max=40)])
    type = SelectField(_l("Type"), choices=TYPE_LABELS.choices(only=BUILDER_TYPES))
    section = SelectField(_l("Section"), coerce=coerce_id, validators=[Optional()])
    choices = TextAreaField(_l("Choices, one a line: value = label"), validators=[Optional(), Length(max=4000)])
    minimum = DecimalField(_l("Minimum"), places=None, validators=[Optional(), NumberRange(-BOUND, BOUND)])
    maximum = DecimalField(_l("Maximum"), places=None, validators=[Optional(), NumberRange(-BOUND, BOUND)])
    required = BooleanField(_l("Required"), default=True)
    relevance = StringField(_l("Show only if (for example: Q3 = no)"), validators=[Optional(), Length(max=500)])
    critical = StringField(_l("Critical when (for example: Q4 = no)"), validators=[Optional(), Length(max=500)])
    tally = SelectField(_l("Quick-count role"), choices=TALLY_LABELS.choices(("", lazy_pgettext("quick-count role", "None"))),
                        validators=[Optional()])


for _lang, _name in LANGUAGES.items():
    setattr(QuestionForm, f"text_{_lang}", StringField(_name, validators=[Optional(), Length(max=500)]))


class AlertForm(FlaskForm):
    status = SelectField(_l("Action"), choices=[("acknowledged", _l("Acknowledge")), ("resolved", _l("Resolve"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class IncidentForm(FlaskForm):
    client_id = HiddenField()
    station = SelectField(_l("Polling station"), validators=[DataRequired()])
    category = SelectField(_l("Category"), choices=list(CATEGORY_LABELS.items()))
    severity = SelectField(_l("Severity"), choices=list(SEVERITY_LABELS.items()))
    description = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=2000)])
    photo = FileField(_l("Photo (optional)"), validators=[
        FileAllowed(["jpg", "jpeg", "png"], _l("Only JPEG and PNG photos.")), PictureFile()])


class SampleForm(FlaskForm):
    size = DecimalField(_l("Number of stations in the sample"), places=0,
                        validators=[DataRequired(), NumberRange(min=1, max=1_000_000)])
    seed = StringField(_l("Random seed (written in the minutes)"), validators=[Optional(), Length(max=20)])

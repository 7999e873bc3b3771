"""Forms of registration: the person, search, decisions, claims and objections, settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from electoral.config import LANGUAGES
from electoral.core.dates import DATE_ORDERS, DAY_FIRST
from electoral.core.uploads import PictureFile
from electoral.registration import labels
from electoral.registration.services import roll

SEX_CHOICES = labels.SEX.choices(("", _l("Choose")))
ID_TYPE_CHOICES = [
    ("", _l("Choose")), ("national_id", _l("National ID card")), ("passport", _l("Passport")),
    ("birth_certificate", _l("Birth certificate")), ("old_voter_card", _l("Old voter card")),
    ("attestation", _l("Attestation by two registered voters")),
]
STATUS_CHOICES = labels.VOTER_STATUS.choices(("", _l("Any")))
GROUND_CHOICES = [("", _l("Choose")), *roll.GROUND_LABELS.items()]


class RegistrationForm(FlaskForm):
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=200)])
    given_names = StringField(_l("Given names"), validators=[DataRequired(), Length(max=200)])
    father_name = StringField(_l("Father's name"), validators=[Optional(), Length(max=200)])
    sex = SelectField(_l("Sex"), choices=SEX_CHOICES, validators=[DataRequired()])
    date_of_birth = StringField(_l("Date of birth (YYYY-MM-DD, or only the year YYYY)"),
                                validators=[DataRequired(), Length(max=10)])
    place_of_birth = StringField(_l("Place of birth"), validators=[Optional(), Length(max=200)])
    centre_code = StringField(_l("Polling centre code"), validators=[DataRequired(), Length(max=32)])
    id_type = SelectField(_l("Identity evidence"), choices=ID_TYPE_CHOICES, validators=[DataRequired()])
    id_number = StringField(_l("Document number"), validators=[Optional(), Length(max=64)])
    attesting_1 = StringField(_l("First attesting voter's number"), validators=[Optional(), Length(max=16)])
    attesting_2 = StringField(_l("Second attesting voter's number"), validators=[Optional(), Length(max=16)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    photo = FileField(_l("Photo"), validators=[FileAllowed(["jpg", "jpeg", "png"], _l("Only JPEG or PNG pictures.")),
                                               PictureFile()])
    photo_token = HiddenField()


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Voter number or name"), validators=[Optional(), Length(max=100)])
    born = DateField(_l("Date of birth"), validators=[Optional()])
    centre = StringField(_l("Polling centre code"), validators=[Optional(), Length(max=32)])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[
        ("", _l("Choose")), ("not_duplicate", _l("Not a duplicate: keep both")),
        ("keep_a", _l("Duplicate: keep the first record")), ("keep_b", _l("Duplicate: keep the second record"))],
        validators=[DataRequired()])


class ObjectionForm(FlaskForm):
    voter_number = StringField(_l("Voter number"), validators=[DataRequired(), Length(max=16)])
    ground = SelectField(_l("Ground"), choices=GROUND_CHOICES, validators=[DataRequired()])
    evidence = TextAreaField(_l("Evidence"), validators=[DataRequired(), Length(max=500)])


class CorrectionForm(FlaskForm):
    voter_number = StringField(_l("Voter number"), validators=[DataRequired(), Length(max=16)])
    family_name = StringField(_l("Corrected family name"), validators=[Optional(), Length(max=200)])
    given_names = StringField(_l("Corrected given names"), validators=[Optional(), Length(max=200)])
    father_name = StringField(_l("Corrected father's name"), validators=[Optional(), Length(max=200)])
    date_of_birth = StringField(_l("Corrected date of birth (YYYY-MM-DD, or only the year YYYY)"),
                                validators=[Optional(), Length(max=20)])
    place_of_birth = StringField(_l("Corrected place of birth"), validators=[Optional(), Length(max=200)])
    evidence = TextAreaField(_l("Evidence"), validators=[DataRequired(), Length(max=500)])


class InclusionForm(FlaskForm):
    family_name = StringField(_l("Family name"), validators=[DataRequired(), Length(max=200)])
    given_names = StringField(_l("Given names"), validators=[DataRequired(), Length(max=200)])
    father_name = StringField(_l("Father's name"), validators=[Optional(), Length(max=200)])
    sex = SelectField(_l("Sex"), choices=SEX_CHOICES, validators=[DataRequired()])
    date_of_birth = StringField(_l("Date of birth (YYYY-MM-DD, or only the year YYYY)"),
                                validators=[DataRequired(), Length(max=20)])
    place_of_birth = StringField(_l("Place of birth"), validators=[Optional(), Length(max=200)])
    centre_code = StringField(_l("Polling centre code"), validators=[DataRequired(), Length(max=32)])
    id_type = SelectField(_l("Identity evidence"), choices=ID_TYPE_CHOICES[:-1], validators=[DataRequired()])
    id_number = StringField(_l("Document number"), validators=[DataRequired(), Length(max=64)])
    evidence = TextAreaField(_l("Evidence"), validators=[DataRequired(), Length(max=500)])


class CaseDecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("", _l("Choose")), ("upheld", _l("Uphold")),
                                                    ("rejected", _l("Reject"))], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ElectionForm(FlaskForm):
    name = StringField(_l("Name of the election"), validators=[DataRequired(), Length(max=200)])
    polling_day = DateField(_l("Polling day"), validators=[DataRequired()])
    minimum_age = IntegerField(_l("Minimum age on polling day"), default=18,
                               validators=[DataRequired(), NumberRange(14, 30)])
    registration_start = DateField(_l("Registration starts"), validators=[Optional()])
    registration_end = DateField(_l("Registration ends"), validators=[Optional()])
    exhibition_start = DateField(_l("Exhibition starts"), validators=[Optional()])
    exhibition_end = DateField(_l("Exhibition ends"), validators=[Optional()])
    date_order = SelectField(_l("Dates written as text in files and forms"), choices=DATE_ORDERS, default=DAY_FIRST)


class ImportForm(FlaskForm):
    file = FileField(_l("Registrations file (CSV or XLSX)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx", "txt"], _l("Only CSV and XLSX files can be imported."))])
    skip_invalid = BooleanField(_l("Import the good rows and list the bad ones"))


class ConfirmForm(FlaskForm):
    """A button that changes something (freeze, assign, scan): CSRF only."""


REMOVAL_CHOICES = [("", _l("Choose")), *((r, roll.REMOVAL_LABELS[r]) for r in roll.REMOVABLE_BY_HAND)]


class RemovalForm(FlaskForm):
    reason = SelectField(_l("Reason for removal"), choices=REMOVAL_CHOICES, validators=[DataRequired()])
    note = StringField(_l("Document or decision"), validators=[DataRequired(), Length(max=300)])


class TransferForm(FlaskForm):
    centre_code = StringField(_l("New polling centre code"), validators=[DataRequired(), Length(max=32)])
    reason = StringField(_l("Reason for the transfer"), validators=[DataRequired(), Length(max=300)])


class EvidenceTypeForm(FlaskForm):
    """One identity evidence type of the election; a label field per language is added below."""

    code = StringField(_l("Code (as stored on the voter record)"), validators=[DataRequired(), Length(max=24)])
    number_required = BooleanField(_l("A document number is required"), default=True)
    number_format = StringField(_l("Format of the number (a regular expression, empty for any)"),
                                validators=[Optional(), Length(max=200)])
    synonyms = StringField(_l("Other words files use for it (separated by commas)"),
                           validators=[Optional(), Length(max=1000)])


# One label per language the application offers; lazily worded, so the page's language names the field.
for _language, _name in LANGUAGES.items():
    setattr(EvidenceTypeForm, f"label_{_language}", StringField(
        _l("Label in %(language)s", language=_name),
        validators=[DataRequired() if _language == "en" else Optional(), Length(max=200)]))

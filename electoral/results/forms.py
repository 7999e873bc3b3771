"""Forms of results: race upload, sheet entry (built per race), resolution, audit, check settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DecimalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from electoral.core.uploads import PictureFile
from electoral.results.models import FIELDS


class RacesImportForm(FlaskForm):
    # A zip holds the table and the pictures its photo column names (core/picture_bundles.py).
    file = FileField(_l("Races file (CSV or XLSX, or a zip of one with the pictures)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx", "txt", "zip"],
                                    _l("Only CSV and XLSX files, or a zip of one with the pictures, can be imported."))])


class CandidatePhotoForm(FlaskForm):
    photo = FileField(_l("Photo or party symbol (JPEG or PNG)"), validators=[
        FileRequired(), FileAllowed(["jpg", "jpeg", "png"], _l("Only JPEG and PNG pictures.")), PictureFile()])


class FindSheetForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only opens a page

    race = SelectField(_l("Race"), validators=[DataRequired()], validate_choice=False)
    station = StringField(_l("Polling station code"), validators=[DataRequired(), Length(max=32)])


def entry_form(race, labels: dict[str, str], formdata=None):
    """A form with one whole-number box per figure of the sheet and per candidate of ``race``."""

    class EntryForm(FlaskForm):
        pass

    attrs = {"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"}
    for name in FIELDS:
        setattr(EntryForm, name, StringField(labels[name], validators=[Length(max=9)], render_kw=attrs))
    for candidate in race.candidates:
        label = f"{candidate.ballot_order}. {candidate.name}" + (f" ({candidate.party})" if candidate.party else "")
        setattr(EntryForm, f"candidate_{candidate.code}", StringField(label, validators=[Length(max=9)],
                                                                        render_kw=attrs))
    return EntryForm(formdata=formdata)


def entry_values(form, race) -> dict:
    """The raw figures of a filled entry form, as services.submit_entry takes them."""
    raw = {name: form[name].data for name in FIELDS}
    raw["candidates"] = {c.code: form[f"candidate_{c.code}"].data for c in race.candidates}
    return raw


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class DecisionForm(ReasonForm):
    decision = RadioField(_l("Decision"), choices=[
        ("accept", _l("Accept: count its votes")),
        ("re_enter", _l("Send back for a new double entry")),
        ("cancel", _l("Cancel (for example, for a recount): its votes are not counted")),
    ], validators=[InputRequired()])


class CheckSettingForm(FlaskForm):
    enabled = BooleanField(_l("Check switched on"))
    tolerance = DecimalField(_l("Tolerance"), places=None,
                             validators=[InputRequired(), NumberRange(min=0, max=1_000_000)])


class EmptyForm(FlaskForm):
    """A form with nothing but the CSRF token (buttons that change something)."""

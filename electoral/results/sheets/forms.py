"""Forms of the tally sheet as evidence: scan batch, filing by hand, photo, recall, intake log."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, MultipleFileField
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "tif", "tiff"]


class ScanBatchForm(FlaskForm):
    files = MultipleFileField(_l("Scanned tally sheets (PDF with one sheet a page, JPEG, PNG or TIFF)"),
                              validators=[DataRequired(), FileAllowed(SCAN_EXTENSIONS,
                                                                      _l("Only PDF, JPEG, PNG and TIFF scans."))])


class FileByHandForm(FlaskForm):
    race = SelectField(_l("Race"), validators=[DataRequired()], validate_choice=False)
    station = StringField(_l("Polling station code"), validators=[DataRequired(), Length(max=32)])


class SheetPhotoForm(FlaskForm):
    image = FileField(_l("Photo of the signed tally sheet"), validators=[
        FileRequired(), FileAllowed(["jpg", "jpeg", "png"], _l("Only JPEG and PNG pictures."))])


class RecallForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the recall"), validators=[DataRequired(), Length(max=2000)])


class RecallDecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=[("approve", _l("Approve: send the sheet back to clearance")),
                                                    ("refuse", _l("Refuse: the sheet stays accepted"))],
                          validators=[InputRequired()])


class IntakeForm(FlaskForm):
    station = StringField(_l("Polling station code"), validators=[DataRequired(), Length(max=32)])
    seals = TextAreaField(_l("Seal numbers on the bag"), validators=[DataRequired(), Length(max=2000)],
                          description=_l("One per line, or separated by spaces."))
    forms_received = IntegerField(_l("Result forms in the bag"),
                                  validators=[InputRequired(), NumberRange(min=0, max=1000)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

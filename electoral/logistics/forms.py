"""Forms of the logistics pages; labels with _l()."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from electoral.core.params import MAX_ID, coerce_id
from electoral.geography.models import DEFAULT_STATION_CAPACITY
from electoral.logistics import labels

BASIS_CHOICES = labels.BASIS.choices()
LEVEL_CHOICES = labels.WAREHOUSE_LEVEL.choices()
KIND_CHOICES = labels.CONSIGNMENT_KIND.choices()
CONDITION_CHOICES = labels.CONDITION.choices(("", _l("Not applicable")))


class ConfirmForm(FlaskForm):
    """A button that changes something: CSRF only."""


class ItemForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Unit (what one counts)"), validators=[DataRequired(), Length(max=40)])
    pack_size = IntegerField(_l("Units in a pack (quantities are rounded up to whole packs)"), default=1,
                             validators=[InputRequired(), NumberRange(min=1, max=1_000_000)])
    sensitive = BooleanField(_l("Sensitive material (chain of custody)"))
    returnable = BooleanField(_l("Returned after polling and reconciled"))
    serialised = BooleanField(_l("Numbered (received with serial ranges)"))
    basis = SelectField(_l("Quantity given"), choices=BASIS_CHOICES)
    amount = IntegerField(_l("Units"), default=1, validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    per_voters = IntegerField(_l("For every how many voters (per-voter rules only)"), default=1,
                              validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    buffer_percent = DecimalField(_l("Spare, in percent"), default=0, places=None,
                                  validators=[InputRequired(), NumberRange(min=0, max=100)])
    minimum = IntegerField(_l("At least (per station or centre)"), default=0,
                           validators=[InputRequired(), NumberRange(min=0, max=MAX_ID)])
    active = BooleanField(_l("In use"), default=True)


class WarehouseForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(_l("Kind"), choices=LEVEL_CHOICES)
    area_code = StringField(_l("Region code (hub) or district code (store)"), validators=[Optional(), Length(max=32)])


class StockForm(FlaskForm):
    item_code = SelectField(_l("Item"), validate_choice=False)
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    serial_from = IntegerField(_l("First serial number"), validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    serial_to = IntegerField(_l("Last serial number"), validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    supplier = StringField(_l("Supplier"), validators=[Optional(), Length(max=200)])


class ConsignmentForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    origin = StringField(_l("From (warehouse or polling centre code)"), validators=[DataRequired(), Length(max=32)])
    destination = StringField(_l("To (warehouse or polling centre code)"),
                              validators=[DataRequired(), Length(max=32)])
    vehicle = StringField(_l("Vehicle"), validators=[Optional(), Length(max=80)])
    driver = StringField(_l("Driver"), validators=[Optional(), Length(max=200)])


class LineForm(FlaskForm):
    item_code = SelectField(_l("Item"), validate_choice=False)
    quantity = IntegerField(_l("Quantity"), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    serial_from = IntegerField(_l("First serial number"), validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    serial_to = IntegerField(_l("Last serial number"), validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    condition = SelectField(_l("Condition (returns)"), choices=CONDITION_CHOICES, validators=[Optional()])


class SealsForm(FlaskForm):
    seals = StringField(_l("Seal numbers (separated by spaces or commas)"),
                        validators=[DataRequired(), Length(max=2000)])


class DetailsForm(FlaskForm):
    vehicle = StringField(_l("Vehicle"), validators=[DataRequired(), Length(max=80)])
    driver = StringField(_l("Driver"), validators=[DataRequired(), Length(max=200)])


class ReceiptForm(FlaskForm):
    """The counts and seal states are fields named count-<line> and seal-<seal>, read by the view."""

    other_seals = StringField(_l("Seal numbers found that are not on the list"),
                              validators=[Optional(), Length(max=2000)])


class CorrectionForm(FlaskForm):
    note = TextAreaField(_l("What is corrected"), validators=[DataRequired(), Length(max=500)])


class ResolveForm(FlaskForm):
    resolution = StringField(_l("How it was resolved"), validators=[DataRequired(), Length(max=500)])


class LookupForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Seal number, ballot serial or item code"), validators=[Optional(), Length(max=40)])


class CentreLookupForm(FlaskForm):
    class Meta:
        csrf = False

    centre = StringField(_l("Polling centre code"), validators=[Optional(), Length(max=32)])


class StationsForm(FlaskForm):
    capacity = IntegerField(_l("Voters a station can serve"), default=DEFAULT_STATION_CAPACITY,
                            validators=[InputRequired(), NumberRange(min=1, max=100_000)])


class AssignForm(FlaskForm):
    position = SelectField(_l("Position"), validate_choice=False)
    official = SelectField(_l("Certified official"), validate_choice=False)


class StationIssueForm(FlaskForm):
    item = SelectField(_l("Item"), coerce=coerce_id, validate_choice=False)
    quantity = IntegerField(_l("Quantity handed over"), validators=[InputRequired(), NumberRange(min=1, max=1_000_000)])
    serial_from = IntegerField(_l("First serial number"), validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    serial_to = IntegerField(_l("Last serial number"), validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    received_by = StringField(_l("Presiding officer who signed"), validators=[DataRequired(), Length(max=200)])

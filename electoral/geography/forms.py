"""Forms to create and edit areas, and to upload a geography file."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DecimalField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class RegionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class DistrictForm(RegionForm):
    parent_code = StringField(_l("Region code"), validators=[DataRequired(), Length(max=32)])


class CentreForm(RegionForm):
    parent_code = StringField(_l("District code"), validators=[DataRequired(), Length(max=32)])
    latitude = DecimalField(_l("Latitude"), places=None, validators=[Optional(), NumberRange(-90, 90)])
    longitude = DecimalField(_l("Longitude"), places=None, validators=[Optional(), NumberRange(-180, 180)])


class StationForm(RegionForm):
    parent_code = StringField(_l("Polling centre code"), validators=[DataRequired(), Length(max=32)])
    capacity = IntegerField(_l("Capacity (most voters)"), default=600,
                            validators=[InputRequired(), NumberRange(min=1, max=100000)])
    latitude = DecimalField(_l("Latitude"), places=None, validators=[Optional(), NumberRange(-90, 90)])
    longitude = DecimalField(_l("Longitude"), places=None, validators=[Optional(), NumberRange(-180, 180)])


FORMS = {"region": RegionForm, "district": DistrictForm, "centre": CentreForm, "station": StationForm}


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search by code or name"), validators=[Optional(), Length(max=100)])
    parent = StringField(validators=[Optional(), Length(max=32)])


class ImportForm(FlaskForm):
    file = FileField(_l("Geography file (CSV or XLSX)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx", "txt"], _l("Only CSV and XLSX files can be imported."))])

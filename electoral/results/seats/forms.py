"""Forms of seat allocation: the race's electoral system, a drawing of lots, the second round."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


def method_choices():
    from electoral.results.seats.explain import method_label
    from electoral.results.seats.methods import METHODS

    return [(m, method_label(m)) for m in METHODS]


class SystemForm(FlaskForm):
    method = SelectField(_l("Method"), validators=[DataRequired()])
    seats = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=1, max=10_000)],
                         description=_l("Seats of the whole race. Leave empty when each district elects its own."))
    district_seats = StringField(_l("Seats per district"), validators=[Optional(), Length(max=4000)],
                                 description=_l("District codes with their seats, e.g. D01=5 D02=3."))
    threshold = DecimalField(_l("Threshold (percent of valid votes)"), places=3,
                             validators=[InputRequired(), NumberRange(min=0, max=99.999)],
                             description=_l("List methods: the legal threshold. Two rounds: the majority "
                                            "needed (0 means more than 50%)."))
    threshold_scope = SelectField(_l("Threshold judged on the votes of"), choices=[
        ("race", _l("the race (or the district, for district seats)")), ("national", _l("the whole country")),
        ("district", _l("the district"))])
    first_divisor = DecimalField(_l("First divisor (modified Sainte-Laguë)"), places=3,
                                 validators=[Optional(), NumberRange(min=0.001, max=100)])
    advance = IntegerField(_l("Candidates going to a second round"), default=2,
                           validators=[InputRequired(), NumberRange(min=2, max=20)])
    open_list = BooleanField(_l("Open lists: seats go by preference votes, not by the order on the list"))
    women_every = IntegerField(_l("One woman in every n seats of a list (2: zipper)"),
                               validators=[Optional(), NumberRange(min=2, max=20)])


class LotsForm(FlaskForm):
    tie_key = HiddenField(validators=[DataRequired(), Length(max=400)])
    order = StringField(_l("Order drawn (codes, first drawn first)"), validators=[DataRequired(), Length(max=400)])
    drawn_by = StringField(_l("Drawn by"), validators=[DataRequired(), Length(max=200)])
    witnesses = TextAreaField(_l("Witnesses"), validators=[DataRequired(), Length(max=2000)])

"""Helpers shared by the training services: scope filters and value parsing."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Select, select

from electoral.core import dates
from electoral.core.states import States
from electoral.geography.models import District, PollingCentre, Region
from electoral.training.models import EDUCATION_LEVELS, SEXES, STATUSES


def within_scope(query: Select, district_column, scope) -> Select:
    """Restrict ``query`` to rows whose district lies in ``scope`` (None: the whole country)."""
    if scope is None:
        return query
    if isinstance(scope, Region):
        return query.where(district_column.in_(select(District.id).where(District.region_id == scope.id)))
    if isinstance(scope, District):
        return query.where(district_column == scope.id)
    if isinstance(scope, PollingCentre):
        return query.where(district_column == scope.district_id)
    return query.where(district_column == -1)


def parse_date(raw: str, order: str = dates.DAY_FIRST) -> dt.date:
    """A date written as YYYY-MM-DD or in the election's order (DD/MM/YYYY or MM/DD/YYYY), as Excel writes it."""
    return dates.parse(raw, order)[0]


def parse_birth_date(raw: str, order: str = dates.DAY_FIRST) -> tuple[dt.date, bool]:
    """A birth date as parse_date reads it, or only the year (as for voters): (date, year only)."""
    return dates.parse(raw, order, year_only=True)


def parse_score(raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(_("\"%(value)s\" is not a number", value=raw)) from None
    if not value.is_finite():
        raise ValueError(_("\"%(value)s\" is not a number", value=raw))
    return value


YES = {"1", "yes", "y", "true", "x", "present", "oui", "sí", "si", "sim", "نعم"}
NO = {"0", "no", "n", "false", "", "absent", "non", "não", "nao", "لا"}


def parse_flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise ValueError(_("\"%(value)s\" is neither yes nor no", value=raw))


# The one place an official's status, sex and education get their words (forms, pages, refusals).
STATUS_LABELS = States(STATUSES, {"applicant": _l("Applicant"), "selected": _l("Selected"),
                                  "rejected": lazy_pgettext("applicant", "Rejected"), "withdrawn": _l("Withdrawn")})
SEX_LABELS = States(SEXES, {"F": _l("Female"), "M": _l("Male")})
EDUCATION_LABELS = States(EDUCATION_LEVELS, {"none": lazy_pgettext("education level", "None"), "primary": _l("Primary"),
                                             "secondary": _l("Secondary"), "tertiary": _l("Tertiary")})

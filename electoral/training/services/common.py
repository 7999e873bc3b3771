"""Helpers shared by the training services: scope filters and value parsing."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Select, select

from electoral.geography.models import District, PollingCentre, Region


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


def parse_date(raw: str) -> dt.date:
    """A date written as YYYY-MM-DD or DD/MM/YYYY (as Excel often writes it)."""
    raw = raw.strip().split(" ")[0]
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("\"%(value)s\" is not a date (write YYYY-MM-DD)", value=raw))


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


STATUS_LABELS = {"applicant": _l("Applicant"), "selected": _l("Selected"), "rejected": lazy_pgettext("applicant", "Rejected"),
                 "withdrawn": _l("Withdrawn")}
SEX_LABELS = {"F": _l("Female"), "M": _l("Male")}
EDUCATION_LABELS = {"none": lazy_pgettext("education level", "None"), "primary": _l("Primary"), "secondary": _l("Secondary"),
                    "tertiary": _l("Tertiary")}

"""Printed summaries of the electoral map."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from electoral.core.auth import OFFICE_ROLES
from electoral.extensions import db
from electoral.geography import services
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.reports.registry import NotAllowed, Param, report


def _region_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in
            db.session.execute(select(Region.code, Region.name).order_by(Region.code))]


def _counts(group_by, *, region_id: int | None = None):
    """Districts, centres, stations and capacity per ``group_by`` row (regions or districts)."""
    query = (
        select(group_by.code, group_by.name,
               func.count(func.distinct(District.id)), func.count(func.distinct(PollingCentre.id)),
               func.count(PollingStation.id), func.coalesce(func.sum(PollingStation.capacity), 0))
        .select_from(Region)
        .join(District, District.region_id == Region.id, isouter=group_by is Region)
        .join(PollingCentre, PollingCentre.district_id == District.id, isouter=True)
        .join(PollingStation, PollingStation.centre_id == PollingCentre.id, isouter=True)
        .group_by(group_by.id, group_by.code, group_by.name)
        .order_by(group_by.code)
    )
    if region_id is not None:
        query = query.where(Region.id == region_id)
    return db.session.execute(query).all()


def _centres(region_id: int):
    return db.session.execute(
        select(PollingCentre.code, PollingCentre.name, District.name, func.count(PollingStation.id),
               func.coalesce(func.sum(PollingStation.capacity), 0))
        .join(District, PollingCentre.district_id == District.id)
        .join(PollingStation, PollingStation.centre_id == PollingCentre.id, isouter=True)
        .where(District.region_id == region_id)
        .group_by(PollingCentre.id, PollingCentre.code, PollingCentre.name, District.name)
        .order_by(District.name, PollingCentre.code)
    ).all()


def _region_for(doc, code: str | None) -> Region | None:
    """The region asked for, kept within the printing user's area."""
    region = services.find_by_code(db.session, "region", code) if code else None
    scope = doc.user.scope if doc.user is not None else None
    if scope is None:
        return region
    scope_region = services.lineage(scope)[-1]
    if region is not None and region.id != scope_region.id:
        raise NotAllowed("geography-summary")
    return scope_region


@report("geography-summary", title=_l("Geography summary"), roles=OFFICE_ROLES,
        description=_l("Regions, districts, polling centres, polling stations and their capacity."),
        params=[Param("region", _l("Region"), kind="choice", choices=_region_choices,
                      help=_l("Leave empty for the whole country."))])
def build(doc, params) -> None:
    region = _region_for(doc, params.get("region"))
    totals = services.totals(db.session, region)
    doc.area = f"{region.code} — {region.name}" if region else _("Whole country")
    doc.title(_("Geography summary"))
    figures = {}
    if region is None:
        figures[_("Regions")] = db.session.scalar(select(func.count(Region.id)))
    figures.update({_("Districts"): totals.districts, _("Polling centres"): totals.centres,
                    _("Polling stations"): totals.stations, _("Capacity (voters)"): totals.capacity})
    doc.figures(figures)
    level = _("Region") if region is None else _("District")
    rows = _counts(Region) if region is None else _counts(District, region_id=region.id)
    doc.heading(_("By region") if region is None else _("By district"))
    doc.table([_("Code"), level, _("Districts") if region is None else _("Polling centres"), _("Polling stations"),
               _("Capacity")],
              [[code, name, districts if region is None else centres, stations, capacity]
               for code, name, districts, centres, stations, capacity in rows]
              + [["", _("Total"), totals.districts if region is None else totals.centres, totals.stations,
                  totals.capacity]],
              [0.14, 0.4, 0.14, 0.14, 0.18], align=["start", "start", "end", "end", "end"])
    if 1 < len(rows) <= 30:
        doc.bar_chart({name: capacity for _code, name, *_counts_, capacity in rows},
                      title=_("Capacity by region") if region is None else _("Capacity by district"))
    if region is not None:
        doc.heading(_("Polling centres"))
        doc.table([_("Code"), _("Polling centre"), _("District"), _("Polling stations"), _("Capacity")],
                  [list(row) for row in _centres(region.id)],
                  [0.14, 0.36, 0.24, 0.12, 0.14], align=["start", "start", "start", "end", "end"])

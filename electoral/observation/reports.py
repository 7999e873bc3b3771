"""Printed papers of observation: the observer's badge and the observation report."""


from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.observation import services
from electoral.observation.models import PHASES, Incident, Observer
from electoral.observation.services import photos
from electoral.reports.registry import NotAllowed, Param, report

ROLES = [Role.OBSERVER_COORDINATOR, Role.ADMINISTRATOR]


def verification_url(number: str) -> str:
    """The address the badge's QR code opens: the public page showing name, organisation and validity."""
    if has_request_context():
        return url_for("observation.verify", number=number, _external=True)
    path = current_app.url_map.bind("localhost").build("observation.verify", {"number": number})
    base = current_app.config.get("PUBLIC_URL") or ""
    return base.rstrip("/") + path


def _accredited(value: int) -> int:
    observer = db.session.get(Observer, value)
    if observer is None or not observer.accredited:
        raise ValueError(_("This observer is not accredited."))
    return value


def _photo(observer: Observer) -> str | None:
    # Only a photo the store generated: a path in the row must not print another file (a voter's photo).
    path = photos.photo_file(observer.photo_path)
    return str(path) if path is not None else None


@report("badge", title=_l("Observer badge"), roles=ROLES,
        params=[Param("observer", _l("Observer (number)"), required=True, kind="int", check=_accredited)],
        description=_l("The accreditation badge: photo, name, organisation, number, validity and a QR code."))
def badge(doc, params):
    observer = db.session.get(Observer, params["observer"])
    if doc.user is not None and observer.station is not None and not doc.user.can_act_in(observer.station):
        raise NotAllowed("badge")
    doc.area = observer.organisation.name

    def draw(card, item):
        card.text(4, 6, _("Election observer"), size=11, bold=True)
        photo = _photo(item)
        text_x = 4
        if photo:
            card.photo(photo, 4, 10, 20, 25)
            text_x = 27
        card.text(text_x, 14, item.name, size=10, bold=True)
        card.text(text_x, 20, item.organisation.name, size=8)
        card.text(text_x, 26, _("No. %(number)s", number=item.accreditation_number), size=8)
        card.text(text_x, 32, _("Valid until %(date)s", date=doc.date(item.valid_until)), size=8)
        card.qr(verification_url(item.accreditation_number), 62, 28, size_mm=22)

    doc.cards([observer], draw)


@report("observation-report", title=_l("Observation report"), roles=ROLES,
        description=_l("Coverage per phase, key findings per question and incidents by region."))
def observation_report(doc, params):
    scope = doc.user.scope if doc.user is not None else None
    if scope is not None:
        doc.area = scope.name
    doc.title(_("Observation report"))
    doc.figures({_("Checklists received"): doc.number(services.submission_count(db.session, scope)),
                 _("Open alerts"): doc.number(services.open_alert_count(db.session, scope))})
    doc.heading(_("Coverage"))
    rows = []
    for phase in PHASES[:-1]:
        for row in services.coverage(db.session, phase, scope):
            rows.append([phase, f"{row.area.code} {row.area.name}", row.reported, row.expected,
                         doc.percent(row.share) if row.share is not None else ""])
    doc.table([_("Phase"), _("Area"), _("Reported"), _("Expected"), _("Share")], rows,
              col_widths=[0.15, 0.4, 0.15, 0.15, 0.15], align=["start", "start", "end", "end", "end"])
    doc.heading(_("Key findings"))
    for template in services.published_templates(db.session):
        findings = []
        for a in services.aggregates(db.session, template.code, scope):
            if a.type == "yes_no":
                result = _("yes: %(share)s", share=doc.percent(a.share_yes or 0))
            elif a.mean is not None:
                result = _("mean: %(mean)s", mean=doc.number(round(a.mean, 1)))
            elif a.distribution:
                result = ", ".join(f"{value}: {doc.number(n)}" for value, n in sorted(a.distribution.items()))
            else:
                result = ""
            findings.append([f"{a.code} {services.text_in(a.texts, doc.lang)}", a.count, result])
        if findings:
            doc.paragraph(f"{template.code} · {template.name}", bold=True)
            doc.table([_("Question"), _("Answers"), _("Result")], findings, col_widths=[0.55, 0.15, 0.3],
                      align=["start", "end", "start"])
    doc.heading(_("Incidents by region"))
    query = (select(Region.code, Region.name, Incident.severity, func.count(Incident.id))
             .join(PollingStation, PollingStation.id == Incident.station_id)
             .join(PollingCentre, PollingCentre.id == PollingStation.centre_id)
             .join(District, District.id == PollingCentre.district_id)
             .join(Region, Region.id == District.region_id)
             .group_by(Region.code, Region.name, Incident.severity).order_by(Region.code))
    if scope is not None:
        query = query.where(PollingStation.id.in_(services.station_ids_query(scope)))
    by_region: dict[str, dict[str, int]] = {}
    for code, name, severity, count in db.session.execute(query):
        by_region.setdefault(f"{code} {name}", {})[severity] = count
    doc.table([_("Region"), _("Low"), _("Medium"), _("High")],
              [[region, c.get("low", 0), c.get("medium", 0), c.get("high", 0)] for region, c in by_region.items()],
              col_widths=[0.55, 0.15, 0.15, 0.15], align=["start", "end", "end", "end"])

"""The declaration of results of a race (in one district, for district seats): who is elected, every step of
the allocation, and the supervisor who certified the figures."""

from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from electoral.accounts.models import User
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.geography.models import District
from electoral.reports.registry import Param, report
from electoral.results import services
from electoral.results.seats import explain, service
from electoral.results.seats.models import LotDrawing


def _district_code(value: str) -> str:
    code = value.strip().upper()
    if db.session.scalar(select(District.id).where(District.code == code)) is None:
        raise ValueError(_("No district has the code %(code)s.", code=code))
    return code


@report("seats-declaration", title=_l("Declaration of results"),
        roles=[Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR],
        description=_l("Who a race elects, with every step of the seat allocation and the certifying supervisor."),
        params=[Param("race", _l("Race"), required=True, kind="choice", choices=lambda: services.race_choices(db.session)),
                Param("area", _l("District code"), check=_district_code,
                      help=_l("For a race whose districts elect their own seats; empty for the whole race."))])
def build(doc, params) -> None:
    race = services.find_race(db.session, params["race"])
    district = db.session.scalar(select(District).where(District.code == params["area"])) if params.get("area") \
        else None
    computed = service.compute(db.session, race, district)
    if computed.ties:
        raise ValidationFailed({"race": [_("Lots must be drawn and recorded before the declaration.")]})
    certified = services.certification(db.session, race, district)
    if certified is None:
        raise ValidationFailed({"race": [_("The results of this race in this area are not certified yet: a results "
                                           "supervisor certifies them before the declaration.")]})
    supervisor = db.session.get(User, certified.certified_by_id)
    names = computed.names

    def figure(value) -> str:  # quotients and remainders keep four decimals
        return format_decimal(value, format="#,##0.####", locale=doc.lang, numbering_system="default")

    doc.area = f"{district.code} — {district.name}" if district is not None else _("Whole race")
    doc.title(_("Declaration of results: %(race)s", race=race.name))
    doc.paragraph(_("Method: %(method)s.", method=explain.method_label(computed.system.method)), bold=True)
    doc.paragraph(_("Results certified by %(name)s on %(date)s.", name=supervisor.full_name or supervisor.username,
                    date=doc.datetime(certified.certified_at)))
    elected = computed.elected
    if elected:
        doc.heading(_("Elected"))
        if any(e.area for e in elected):
            doc.table([_("Name"), _("List or candidate"), _("District")],
                      [[e.name, names.get(e.code, e.code), e.area] for e in elected], [0.4, 0.4, 0.2])
        else:
            doc.table([_("Name"), _("List or candidate")], [[e.name, names.get(e.code, e.code)] for e in elected],
                      [0.5, 0.5])
    if computed.runoff:
        doc.heading(_("Second round"))
        doc.paragraph(_("No candidate has the majority required. Going to the second round: %(names)s.",
                        names=", ".join(names.get(c, c) for c in computed.runoff)), bold=True)
    for area in computed.areas:
        doc.heading(f"{area.code} {area.name}".strip() + " · " + _("%(seats)s seats, %(valid)s valid votes",
                                                                      seats=area.seats, valid=doc.number(area.valid)))
        doc.table([_("Code"), _("List or candidate"), _("Votes"), _("Seats")],
                  [[code, names.get(code, code), doc.number(votes), area.allocation.seats.get(code, 0)]
                   for code, votes in area.votes.items()], [0.15, 0.5, 0.2, 0.15], align=["start", "start", "end", "end"])
        for number, step in enumerate((s for s in area.steps if s.kind != "quotient"), start=1):
            doc.paragraph(f"{number}. {explain.sentence(step, names, figure)}")
    drawings = list(db.session.scalars(select(LotDrawing).where(LotDrawing.race_id == race.id)
                                       .order_by(LotDrawing.id)))
    if drawings:
        doc.heading(_("Drawings of lots"))
        for drawing in drawings:
            doc.paragraph(_("Drawn by %(who)s before %(witnesses)s on %(date)s: %(order)s.", who=drawing.drawn_by,
                            witnesses=drawing.witnesses, date=doc.datetime(drawing.recorded_at),
                            order=", ".join(names.get(c, c) for c in drawing.drawn_order)))
    doc.signatures([_("Certifying results supervisor"), _("Chair of the commission")])

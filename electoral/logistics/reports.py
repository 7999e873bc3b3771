"""Printed papers of logistics: packing list per centre, waybill per consignment, staff list per centre."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.geography import services as geography
from electoral.logistics import labels, services
from electoral.logistics.models import Consignment
from electoral.logistics.services import staffing
from electoral.reports.registry import NotAllowed, Param, report

OFFICERS = [Role.LOGISTICS_OFFICER, Role.ADMINISTRATOR]


def _code(value: str) -> str:
    return value.strip().upper()


def _centre(doc, code: str, report_name: str):
    centre = geography.find_by_code(doc.session, "centre", code)
    if centre is None:
        raise ValidationFailed({"centre": [_("No polling centre has the code %(code)s.", code=code)]})
    if doc.user is not None and not doc.user.can_act_in(centre):
        raise NotAllowed(report_name)
    doc.area = f"{centre.code} {centre.name}"
    doc.subtitle = f"{centre.district.code} {centre.district.name} · {centre.district.region.name}"
    return centre


def _seal_table(doc, consignments) -> None:
    rows = []
    for c in consignments:
        serials = "; ".join(f"{line.item.code} {line.serial_from}–{line.serial_to}" for line in c.lines
                            if line.serial_from is not None)
        rows.append([c.code, ", ".join(s.number for s in c.seals), serials])
    if rows:
        doc.table([_("Consignment"), _("Seal numbers"), _("Ballot serial numbers")], rows,
                  col_widths=[0.2, 0.4, 0.4])
    else:
        doc.paragraph(_("No consignment has been packed for this centre yet: write the seal numbers by hand."))


@report("packing-list", title=_l("Packing list"), roles=OFFICERS,
        params=[Param("centre", _l("Polling centre"), required=True, check=_code)],
        description=_l("Items and quantities per station of a polling centre, seal numbers, signatures."))
def packing_list(doc, params):
    centre = _centre(doc, params["centre"], "packing-list")
    doc.title(_("Packing list"))
    exists, frozen = services.roll_state(doc.session)
    if not exists:
        doc.paragraph(_("No roll exists yet: quantities cannot be computed."), bold=True)
        return
    allocation = services.compute_allocation(doc.session, centre_id=centre.id, count_unassigned=False)
    names = dict(allocation.items)
    columns = [(i, code) for i, (code, _name) in enumerate(allocation.items)]
    station_items = [(i, code) for i, code in columns if allocation.bases[code] != "centre"]
    centre_items = [(i, code) for i, code in columns if allocation.bases[code] == "centre"]
    if not frozen:
        doc.watermark = _("Provisional")
    for row in allocation.stations:
        doc.heading(_("Station %(code)s · %(voters)s voters", code=row[3], voters=doc.number(row[5])))
        doc.table([_("Item"), _("Unit"), _("Quantity"), _("Packed"), _("Received")],
                  [[names[code], allocation.units[code], row[6 + i], "", ""] for i, code in station_items],
                  col_widths=[0.42, 0.16, 0.14, 0.14, 0.14], align=["start", "start", "end", "center", "center"])
    centre_row = allocation.centres.get(centre.code)
    if centre_items and centre_row:
        doc.heading(_("For the whole centre"))
        doc.table([_("Item"), _("Unit"), _("Quantity"), _("Packed"), _("Received")],
                  [[names[code], allocation.units[code], centre_row[5 + i], "", ""] for i, code in centre_items],
                  col_widths=[0.42, 0.16, 0.14, 0.14, 0.14], align=["start", "start", "end", "center", "center"])
    if not allocation.stations:
        doc.paragraph(_("This centre has no polling station yet."))
    doc.heading(_("Seals and serial numbers"))
    _seal_table(doc, doc.session.scalars(select(Consignment).where(
        Consignment.destination_centre_id == centre.id, Consignment.kind == "outbound").order_by(Consignment.id)
        .options(selectinload(Consignment.lines), selectinload(Consignment.seals))))
    doc.signatures([_("Packed and dispatched by"), _("Driver"), _("Received by (centre manager)")])


@report("waybill", title=_l("Waybill"), roles=OFFICERS,
        params=[Param("consignment", _l("Consignment"), required=True, check=_code)],
        description=_l("The hand-over form of one consignment: items, serials, seals, vehicle, signatures."))
def waybill(doc, params):
    consignment = services.find_consignment(doc.session, params["consignment"])
    if consignment is None:
        raise ValidationFailed({"consignment": [_("No consignment has the code %(code)s.",
                                                  code=params["consignment"])]})
    if doc.user is not None and not any(services.may_act_for(doc.user, p)
                                        for p in (consignment.origin, consignment.destination)):
        raise NotAllowed("waybill")
    doc.area = consignment.code
    doc.title(_("Waybill %(code)s", code=consignment.code))
    doc.figures({_("From"): services.place_label(consignment.origin),
                 _("To"): services.place_label(consignment.destination)})
    doc.table([_("Vehicle"), _("Driver"), _("Dispatched")],
              [[consignment.vehicle, consignment.driver,
                f"{doc.datetime(consignment.dispatched_at)} · {consignment.dispatched_by}"
                if consignment.dispatched_at else _("not yet")]])
    doc.heading(_("Packing list"))
    doc.table([_("Item"), _("Quantity"), _("Serial numbers"), _("Received")],
              [[line.item.name + (f" ({labels.CONDITION.label(line.condition)})" if line.condition else ""), line.quantity,
                f"{line.serial_from}–{line.serial_to}" if line.serial_from is not None else "",
                line.received_quantity if line.received_quantity is not None else ""]
               for line in consignment.lines],
              col_widths=[0.45, 0.15, 0.25, 0.15], align=["start", "end", "start", "end"])
    doc.heading(_("Seals"))
    doc.table([_("Seal number"), _("On arrival")],
              [[seal.number, seal.state or ""] for seal in consignment.seals], col_widths=[0.5, 0.5])
    doc.qr(consignment.code, size_mm=22, caption=consignment.code)
    doc.signatures([_("Dispatched by"), _("Driver"), _("Received by")])


@report("staff-list", title=_l("Staff list"), roles=OFFICERS,
        params=[Param("centre", _l("Polling centre"), required=True, check=_code)],
        description=_l("Officials deployed to each station of a polling centre on polling day."))
def staff_list(doc, params):
    centre = _centre(doc, params["centre"], "staff-list")
    doc.title(_("Staff list"))
    day = staffing.polling_day(doc.session)
    doc.paragraph(_("Polling day: %(day)s", day=doc.date(day)))
    rows = staffing.staff_list(doc.session, centre, day)
    if rows:
        doc.table([_("Station"), _("Position"), _("Name"), _("Reference"), _("Signature")],
                  [[station, f"{position} {slot}", name, reference, ""] for station, position, slot, name, reference
                   in rows], col_widths=[0.14, 0.14, 0.34, 0.16, 0.22])
    else:
        doc.paragraph(_("Nobody has been deployed to this centre yet."))
    doc.signatures([_("Centre manager"), _("District logistics officer")])

"""Consignments: packing, sealing, dispatch, correction, receipt, and the discrepancies found."""

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from electoral.core.auth import access
from electoral.core.lookups import child_or_404
from electoral.core.params import bounded_int
from electoral.core.redirects import redirect_back
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography import services as geography
from electoral.logistics import labels, services
from electoral.logistics.blueprint import OFFICERS, bp, supervisor
from electoral.logistics.forms import (
    ConfirmForm,
    ConsignmentForm,
    CorrectionForm,
    DetailsForm,
    LineForm,
    ReceiptForm,
    ResolveForm,
    SealsForm,
)
from electoral.logistics.models import ConsignmentLine, ConsignmentSeal, Discrepancy


def consignment_or_404(code: str):
    consignment = services.find_consignment(db.session, code)
    if consignment is None:
        abort(404)
    return consignment


def _visible(consignment) -> bool:
    """Scoped officers see what leaves from or arrives in their area."""
    return any(services.may_act_for(current_user, place) for place in (consignment.origin, consignment.destination))


def _find_place(code: str):
    return services.find_warehouse(db.session, code) or geography.find_by_code(db.session, "centre", code or "")


def _status_labels():
    return labels.CONSIGNMENT_STATE


@bp.route("/consignments")
@access(*OFFICERS)
def consignments():
    status = request.args.get("status", "")
    query = services.consignments_query(current_user.scope, status=status if status in _status_labels() else "")
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("logistics/consignments.html", page=page, status=status, status_labels=_status_labels())


@bp.route("/consignments/new", methods=["GET", "POST"])
@access(*OFFICERS)
def consignment_new():
    form = ConsignmentForm()
    if request.method == "GET":
        form.destination.data = request.args.get("to", "")
    if form.validate_on_submit():
        origin, destination = _find_place(form.origin.data), _find_place(form.destination.data)
        if saved := save(lambda: services.create_consignment(db.session, origin, destination, form.kind.data,
                                                             form.vehicle.data, form.driver.data, user=current_user),
                         form):
            flash(_("Consignment %(code)s started: add the packing list and the seals.", code=saved.result.code),
                  "success")
            return redirect(url_for("logistics.consignment", code=saved.result.code))
    return render_template("logistics/consignment_form.html", form=form)


def _forms(consignment):
    items = services.list_items(db.session, active_only=True)
    line_form = LineForm(prefix="line")
    line_form.item_code.choices = [(i.code, f"{i.code} · {i.name}") for i in items]
    return {"line_form": line_form, "seals_form": SealsForm(prefix="seals"),
            "details_form": DetailsForm(prefix="details", obj=consignment), "confirm": ConfirmForm(),
            "correction_form": CorrectionForm(prefix="correction"), "resolve_form": ResolveForm(prefix="resolve")}


def _render(consignment, forms, status=200):
    discrepancies = db.session.scalars(db.select(Discrepancy).where(Discrepancy.consignment_id == consignment.id)
                                       .order_by(Discrepancy.id)).all()
    events = services.history_of_consignment(db.session, consignment)
    return render_template("logistics/consignment.html", c=consignment, status_labels=_status_labels(),
                           discrepancies=discrepancies, describe=services.describe, events=events,
                           may_dispatch=services.may_act_for(current_user, consignment.origin),
                           may_receive=services.may_act_for(current_user, consignment.destination),
                           **forms), status


@bp.route("/consignments/<code>")
@access(*OFFICERS)
def consignment(code: str):
    consignment = consignment_or_404(code)
    if not _visible(consignment):
        abort(403)
    return _render(consignment, _forms(consignment))


def _packer(code: str):
    consignment = consignment_or_404(code)
    if not services.may_act_for(current_user, consignment.origin):
        abort(403)
    return consignment


def _change(consignment, forms, form_name: str, change, message: str):
    form = forms[form_name]
    if form.validate_on_submit() and save(lambda: change(form), form):
        flash(message, "success")
        return redirect(url_for("logistics.consignment", code=consignment.code))
    return _render(consignment, forms, 400)


@bp.route("/consignments/<code>/lines", methods=["POST"])
@access(*OFFICERS)
def consignment_add_line(code: str):
    consignment = _packer(code)
    return _change(consignment, _forms(consignment), "line_form", lambda f: services.add_line(
        db.session, consignment, services.find_item(db.session, f.item_code.data), f.quantity.data,
        f.serial_from.data, f.serial_to.data, f.condition.data or None), _("Added to the packing list."))


@bp.route("/consignments/<code>/lines/<int:line_id>/remove", methods=["POST"])
@access(*OFFICERS)
def consignment_remove_line(code: str, line_id: int):
    consignment = _packer(code)
    line = child_or_404(ConsignmentLine, line_id, consignment_id=consignment.id)
    return _change(consignment, _forms(consignment), "confirm", lambda f: services.remove_line(db.session, line),
                   _("Removed from the packing list."))


@bp.route("/consignments/<code>/seals", methods=["POST"])
@access(*OFFICERS)
def consignment_add_seals(code: str):
    consignment = _packer(code)
    return _change(consignment, _forms(consignment), "seals_form", lambda f: services.add_seals(
        db.session, consignment, re.split(r"[\s,;]+", f.seals.data)), _("Seal numbers recorded."))


@bp.route("/consignments/<code>/seals/<int:seal_id>/remove", methods=["POST"])
@access(*OFFICERS)
def consignment_remove_seal(code: str, seal_id: int):
    consignment = _packer(code)
    seal = child_or_404(ConsignmentSeal, seal_id, consignment_id=consignment.id)
    return _change(consignment, _forms(consignment), "confirm", lambda f: services.remove_seal(db.session, seal),
                   _("Seal number removed."))


@bp.route("/consignments/<code>/details", methods=["POST"])
@access(*OFFICERS)
def consignment_details(code: str):
    consignment = _packer(code)
    return _change(consignment, _forms(consignment), "details_form", lambda f: services.update_details(
        db.session, consignment, f.vehicle.data, f.driver.data), _("Vehicle and driver saved."))


@bp.route("/consignments/<code>/dispatch", methods=["POST"])
@access(*OFFICERS)
def consignment_dispatch(code: str):
    consignment = _packer(code)
    return _change(consignment, _forms(consignment), "confirm",
                   lambda f: services.dispatch(db.session, consignment, current_user),
                   _("Consignment %(code)s dispatched.", code=consignment.code))


@bp.route("/consignments/<code>/correction", methods=["POST"])
@access(*OFFICERS)
def consignment_correction(code: str):
    consignment = consignment_or_404(code)
    if not _visible(consignment):
        abort(403)
    return _change(consignment, _forms(consignment), "correction_form", lambda f: services.record_correction(
        db.session, consignment, f.note.data, current_user), _("Correction recorded in the custody history."))


def _destination_area(code: str):
    consignment = services.find_consignment(db.session, code)
    if consignment is None:
        abort(404)
    # None (the central warehouse) admits national officers only.
    return services.destination_area(consignment)


@bp.route("/consignments/<code>/receive", methods=["GET", "POST"])
@access(*OFFICERS, area=_destination_area)
def consignment_receive(code: str):
    consignment = consignment_or_404(code)
    form = ReceiptForm()
    values = {"counts": {}, "seals": {}}
    if form.validate_on_submit():
        counts = {}
        for line in consignment.lines:
            raw = request.form.get(f"count-{line.id}", "").strip()
            values["counts"][line.id] = raw
            if (count := bounded_int(raw)) is not None:
                counts[line.id] = count
        states = {s.id: request.form.get(f"seal-{s.id}", "") for s in consignment.seals}
        values["seals"] = states
        others = re.split(r"[\s,;]+", form.other_seals.data or "")
        if saved := save(lambda: services.receive(db.session, consignment, services.Receipt(counts, states, others),
                                                  user=current_user), form):
            if saved.result:
                flash(ngettext("Received with %(num)d discrepancy; it stays open until a supervisor resolves it.",
                               "Received with %(num)d discrepancies; they stay open until a supervisor resolves them.",
                               len(saved.result)), "error")
            else:
                flash(_("Consignment %(code)s received in full.", code=consignment.code), "success")
            return redirect(url_for("logistics.consignment", code=consignment.code))
    elif request.method == "GET" and consignment.status != "dispatched":
        flash(_("Consignment %(code)s is not on its way: nothing to receive.", code=consignment.code), "error")
        return redirect(url_for("logistics.consignment", code=consignment.code))
    return render_template("logistics/receive.html", c=consignment, form=form, values=values)


@bp.route("/discrepancies")
@access(*OFFICERS)
def discrepancies():
    query = services.open_discrepancies_query(current_user.scope)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("logistics/discrepancies.html", page=page, describe=services.describe,
                           form=ResolveForm(prefix="resolve"))


def _discrepancy_area(discrepancy_id: int):
    problem = db.session.get(Discrepancy, discrepancy_id)
    if problem is None:
        abort(404)
    # Resolved by those who may act where the consignment went, like its receipt.
    return services.destination_area(problem.consignment)


@bp.route("/discrepancies/<int:discrepancy_id>/resolve", methods=["POST"])
@access(*OFFICERS, area=_discrepancy_area, who=supervisor)
def discrepancy_resolve(discrepancy_id: int):
    problem = db.session.get(Discrepancy, discrepancy_id)
    form = ResolveForm(prefix="resolve")
    if form.validate_on_submit():
        if save(lambda: services.resolve(db.session, problem, current_user, form.resolution.data), joined=True):
            flash(_("Discrepancy resolved."), "success")
    else:
        flash(_("Say how it was resolved."), "error")
    return redirect_back("logistics.discrepancies")

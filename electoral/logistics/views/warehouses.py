"""Warehouses and their stock, the chain of custody and the retrieval of materials."""


from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography import services as geography
from electoral.logistics import services
from electoral.logistics.blueprint import OFFICERS, bp, supervisor
from electoral.logistics.forms import CentreLookupForm, LookupForm, StockForm, WarehouseForm

# ---- warehouses and stock ------------------------------------------------

@bp.route("/warehouses")
@access(*OFFICERS)
def warehouses():
    return render_template("logistics/warehouses.html", warehouses=services.list_warehouses(db.session),
                           form=WarehouseForm())


# Same address as the list; a route of its own so that its declaration says who may add a warehouse.
@bp.route("/warehouses", methods=["POST"])
@access(*OFFICERS, who=supervisor)
def warehouse_create():
    form = WarehouseForm()
    if form.validate_on_submit():
        level = form.level.data
        area = geography.find_by_code(db.session, "region" if level == "hub" else "district",
                                      form.area_code.data or "") if level != "central" else None
        if saved := save(lambda: services.save_warehouse(db.session, form.code.data, form.name.data, level, area),
                         form):
            flash(_("Warehouse %(code)s saved.", code=saved.result.code), "success")
            return redirect(url_for("logistics.warehouse", code=saved.result.code))
    return render_template("logistics/warehouses.html", warehouses=services.list_warehouses(db.session), form=form)


def warehouse_or_404(code: str):
    warehouse = services.find_warehouse(db.session, code)
    if warehouse is None:
        abort(404)
    return warehouse


def _receive_stock(warehouse, item, form) -> None:
    if item is None:
        raise ValidationFailed({"item_code": [_("No item has that code.")]})
    services.receive_stock(db.session, warehouse, item, form.quantity.data, form.serial_from.data,
                           form.serial_to.data, form.supplier.data, user=current_user)


@bp.route("/warehouses/<code>", methods=["GET", "POST"])
@access(*OFFICERS)
def warehouse(code: str):
    warehouse = warehouse_or_404(code)
    # A hub or district store outside the user's scope stays closed; the central one is read by all officers.
    if warehouse.area is not None and not current_user.can_act_in(warehouse.area):
        abort(403)
    form = StockForm()
    form.item_code.choices = [(i.code, f"{i.code} · {i.name}") for i in services.list_items(db.session)]
    if form.validate_on_submit():
        if not services.may_act_for(current_user, warehouse):
            abort(403)
        item = services.find_item(db.session, form.item_code.data)
        if save(lambda: _receive_stock(warehouse, item, form), form):
            flash(_("%(quantity)s × %(item)s received into %(warehouse)s.", quantity=form.quantity.data,
                    item=item.name, warehouse=warehouse.code), "success")
            return redirect(url_for("logistics.warehouse", code=warehouse.code))
    return render_template("logistics/warehouse.html", warehouse=warehouse, form=form,
                           stock=services.stock_rows(db.session, warehouse))


# ---- custody and retrieval -----------------------------------------------

@bp.route("/custody")
@access(*OFFICERS)
def custody():
    form = LookupForm(request.args)
    entries = services.history(db.session, form.q.data) if form.q.data else None
    return render_template("logistics/custody.html", form=form, entries=entries)


@bp.route("/retrieval")
@access(*OFFICERS)
def retrieval():
    form = CentreLookupForm(request.args)
    centre = rows = None
    if form.centre.data:
        centre = geography.find_by_code(db.session, "centre", form.centre.data)
        if centre is None:
            form.centre.errors = [_("No polling centre has the code %(code)s.", code=form.centre.data)]
        elif not current_user.can_act_in(centre):
            abort(403)
        else:
            rows = services.reconcile(db.session, centre)
    return render_template("logistics/retrieval.html", form=form, centre=centre, rows=rows)

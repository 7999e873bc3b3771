"""Logistics pages: dashboard, catalogue, allocation, stations, warehouses, custody, retrieval, staffing.

Consignment pages (packing, dispatch, receipt, discrepancies) are in ``consignment_views``.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from electoral.core import home, spreadsheet
from electoral.core.auth import Role, access
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.core.params import query_int
from electoral.extensions import db
from electoral.geography import services as geography
from electoral.logistics import labels as labels_
from electoral.logistics import services
from electoral.logistics.forms import (
    CentreLookupForm,
    ConfirmForm,
    ItemForm,
    LookupForm,
    StationsForm,
    StockForm,
    WarehouseForm,
)
from electoral.logistics.services import ItemData, staffing

bp = Blueprint("logistics", __name__, url_prefix="/logistics", template_folder="templates")

OFFICERS = (Role.LOGISTICS_OFFICER, Role.ADMINISTRATOR)

home.register_nav(_l("Logistics"), "logistics.index", order=40)
home.register(_l("Logistics"), "logistics.index",
              _l("Dispatch, receipt and staffing, district by district; open discrepancies."), order=40)
home.register(_l("Consignments"), "logistics.consignments",
              _l("Pack and dispatch materials; confirm receipt item by item and seal by seal."), order=41)
home.register(_l("Allocation of materials"), "logistics.allocation",
              _l("Quantities per station from the roll, and the shortfall against stock."), order=42)
home.register(_l("Chain of custody"), "logistics.custody",
              _l("Every hand a seal number or a ballot serial passed through."), order=43)


@bp.app_template_filter("logistics_day")
def format_day(value) -> str:
    """A date (no time) in the reader's language."""
    return format_date(value, "medium") if value else ""


@bp.context_processor
def labels():
    return {"level_labels": labels_.WAREHOUSE_LEVEL, "seal_states": labels_.SEAL_STATE, "conditions": labels_.CONDITION,
            "event_label": services.event_label}


def supervisor(user, **_route) -> bool:
    """Administrators and logistics officers with national scope (the access declaration's ``who``)."""
    return services.is_supervisor(user)


supervisor.matrix_label = "national"


@bp.route("/")
@access(*OFFICERS)
def index():
    rows = services.progress(db.session, current_user.scope)
    return render_template("logistics/index.html", rows=rows,
                           open_count=sum(r.open_discrepancies for r in rows))


# ---- catalogue -----------------------------------------------------------

@bp.route("/catalogue")
@access(*OFFICERS)
def catalogue():
    items = services.list_items(db.session)
    return render_template("logistics/catalogue.html", items=[(i, services.explain(i)) for i in items],
                           form=ConfirmForm())


@bp.route("/catalogue/seed", methods=["POST"])
@access(*OFFICERS, who=supervisor)
def catalogue_seed():
    if ConfirmForm().validate_on_submit():
        added = services.seed_catalogue(db.session)
        db.session.commit()
        flash(ngettext("Added %(num)d item to the catalogue.", "Added %(num)d items to the catalogue.", added), "success")
    return redirect(url_for("logistics.catalogue"))


def _item_data(form: ItemForm) -> ItemData:
    return ItemData(form.code.data, form.name.data, form.unit.data, form.pack_size.data, form.sensitive.data,
                    form.basis.data, form.amount.data, form.per_voters.data or 1, form.buffer_percent.data,
                    form.minimum.data, form.returnable.data, form.serialised.data, form.active.data)


@bp.route("/catalogue/new", methods=["GET", "POST"])
@access(*OFFICERS, who=supervisor)
def item_new():
    return item_edit(None)


@bp.route("/catalogue/<code>/edit", methods=["GET", "POST"])
@access(*OFFICERS, who=supervisor)
def item_edit(code):
    item = services.find_item(db.session, code) if code else None
    if code and item is None:
        abort(404)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        try:
            item = services.save_item(db.session, _item_data(form), item)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Item %(code)s saved: %(rule)s", code=item.code, rule=" ".join(services.explain(item))),
                  "success")
            return redirect(url_for("logistics.catalogue"))
    return render_template("logistics/item_form.html", form=form, item=item)


# ---- allocation and stations from the roll -------------------------------

@bp.route("/allocation")
@access(*OFFICERS)
def allocation():
    run = services.latest_run(db.session)
    return render_template("logistics/allocation.html", roll=services.roll_exists(db.session),
                           frozen=services.roll_frozen(db.session), run=run,
                           shortfall=services.shortfall(db.session, run.totals) if run else [],
                           store_shortfall=services.store_shortfall(db.session, run) if run else [],
                           levels=services.LEVELS, form=ConfirmForm())


@bp.route("/allocation", methods=["POST"])
@access(*OFFICERS)
def allocation_recompute():
    if ConfirmForm().validate_on_submit():
        if not services.roll_exists(db.session):
            flash(_("No roll exists yet: nothing was computed."), "error")
        else:
            result = services.compute_allocation(db.session)
            run = services.record_run(db.session, result)
            db.session.commit()
            flash(_("Allocation recomputed for %(stations)s stations and %(voters)s voters.",
                    stations=run.stations, voters=run.voters), "success")
            if result.unassigned_voters:
                flash(_("%(count)s voters are not yet split into a station; their ballots are not counted.",
                        count=result.unassigned_voters), "error")
    return redirect(url_for("logistics.allocation"))


@bp.route("/allocation.csv", defaults={"fmt": "csv"})
@bp.route("/allocation.xlsx", defaults={"fmt": "xlsx"})
@access(*OFFICERS)
def allocation_export(fmt: str):
    level = request.args.get("level", "station")
    if level not in services.LEVELS or not services.roll_exists(db.session):
        abort(404)
    allocation = services.compute_allocation(db.session)
    return spreadsheet.download(fmt, allocation.header(level), allocation.level(level), f"allocation-{level}")


@bp.route("/stations")
@access(*OFFICERS)
def stations():
    form = StationsForm()
    form.capacity.data = query_int("capacity", services.DEFAULT_STATION_CAPACITY, minimum=1, maximum=100_000)
    return _stations_page(form)


# Same address as the page; a route of its own so that its declaration says who may create stations.
@bp.route("/stations", methods=["POST"])
@access(*OFFICERS, who=supervisor)
def stations_create():
    form = StationsForm()
    capacity = services.station_capacity(form.capacity.data)
    if form.validate_on_submit() and services.roll_exists(db.session):
        created = services.create_missing_stations(db.session, capacity)
        db.session.commit()
        flash(ngettext("Created %(num)d polling station.", "Created %(num)d polling stations.", created), "success")
        return redirect(url_for("logistics.stations", capacity=capacity))
    return _stations_page(form)


def _stations_page(form: StationsForm):
    capacity = services.station_capacity(form.capacity.data)
    roll = services.roll_exists(db.session)
    proposals = [p for p in services.propose_stations(db.session, capacity) if p.missing] if roll else []
    return render_template("logistics/stations.html", form=form, roll=roll, proposals=proposals,
                           missing=sum(p.missing for p in proposals), capacity=capacity)


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
        try:
            warehouse = services.save_warehouse(db.session, form.code.data, form.name.data, level, area)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Warehouse %(code)s saved.", code=warehouse.code), "success")
            return redirect(url_for("logistics.warehouse", code=warehouse.code))
    return render_template("logistics/warehouses.html", warehouses=services.list_warehouses(db.session), form=form)


def warehouse_or_404(code: str):
    warehouse = services.find_warehouse(db.session, code)
    if warehouse is None:
        abort(404)
    return warehouse


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
        try:
            if item is None:
                raise ValidationFailed({"item_code": [_("No item has that code.")]})
            services.receive_stock(db.session, warehouse, item, form.quantity.data, form.serial_from.data,
                                   form.serial_to.data, form.supplier.data)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
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


# ---- staffing ------------------------------------------------------------

@bp.route("/staffing")
@access(*OFFICERS)
def staffing_overview():
    try:
        day = staffing.polling_day(db.session)
    except ValidationFailed as failure:
        return render_template("logistics/staffing.html", problem=str(failure), rows=[], positions={}, day=None,
                               form=ConfirmForm())
    positions = staffing.template(db.session)
    rows = staffing.unfilled_by_district(db.session, day, current_user.scope)
    return render_template("logistics/staffing.html", problem=None, rows=rows, positions=positions, day=day,
                           form=ConfirmForm())


@bp.route("/staffing/<district_code>/fill", methods=["POST"])
@access(*OFFICERS, area=lambda district_code: geography.find_by_code(db.session, "district", district_code))
def staffing_fill(district_code: str):
    district = geography.find_by_code(db.session, "district", district_code)
    if district is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            added = staffing.fill_district(db.session, district, staffing.polling_day(db.session))
        except ValidationFailed as failure:
            db.session.rollback()
            flash(str(failure), "error")
        else:
            db.session.commit()
            flash(ngettext("%(num)d official deployed in %(district)s.", "%(num)d officials deployed in %(district)s.", added,
                           district=district.code), "success")
    return redirect(url_for("logistics.staffing_overview"))


from electoral.logistics import consignment_views, staffing_views  # noqa: E402,F401  (routes on bp)

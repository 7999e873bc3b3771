"""The logistics home page, the catalogue of items, the allocation of materials and the stations
created from the roll."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from electoral.core import spreadsheet
from electoral.core.auth import access
from electoral.core.params import query_int
from electoral.core.saving import save
from electoral.extensions import db
from electoral.logistics import services
from electoral.logistics.blueprint import OFFICERS, bp, supervisor
from electoral.logistics.forms import ConfirmForm, ItemForm, StationsForm
from electoral.logistics.services import ItemData


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
    if form.validate_on_submit() and (saved := save(lambda: services.save_item(db.session, _item_data(form), item),
                                                    form)):
        flash(_("Item %(code)s saved: %(rule)s", code=saved.result.code,
                rule=" ".join(services.explain(saved.result))), "success")
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
            run = services.record_run(db.session, result, current_user)
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

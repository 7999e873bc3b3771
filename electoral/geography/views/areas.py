"""Browse, search, create and edit regions, districts, centres and stations."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from electoral.core.auth import OFFICE_ROLES, access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography import services
from electoral.geography.blueprint import EDITORS, PARENT_LEVEL, bp
from electoral.geography.forms import FORMS, SearchForm

# Whole sentences per level: the level's gender changes the sentence in French, Spanish and Portuguese.
CREATED = {"region": _l("Region %(code)s created."), "district": _l("District %(code)s created."),
           "centre": _l("Polling centre %(code)s created."), "station": _l("Polling station %(code)s created.")}
SAVED = {"region": _l("Region %(code)s saved."), "district": _l("District %(code)s saved."),
         "centre": _l("Polling centre %(code)s saved."), "station": _l("Polling station %(code)s saved.")}
NO_PARENT = {"region": _l("No region has the code %(code)s."), "district": _l("No district has the code %(code)s."),
             "centre": _l("No polling centre has the code %(code)s.")}


def _level_or_404(level: str) -> str:
    if level not in services.LEVELS:
        abort(404)
    return level


def _area_or_404(level: str, code: str):
    area = services.find_by_code(db.session, _level_or_404(level), code)
    if area is None:
        abort(404)
    return area


@bp.route("/")
@access(*OFFICE_ROLES)
def overview():
    scope = current_user.scope
    areas = [scope] if scope is not None else services.children(None, db.session)
    rows = [(area, services.totals(db.session, area)) for area in areas if area.level != "station"]
    return render_template("geography/overview.html", rows=rows,
                           national=services.totals(db.session, scope))


@bp.route("/centres/search")
@access(*OFFICE_ROLES)
def centre_search():
    """The centre picker's suggestions (static/js/centre-picker.js): code and name, inside the user's scope."""
    found = services.search_centres(db.session, request.args.get("q", "")[:100], current_user.scope)
    return jsonify([{"code": c.code, "name": c.name} for c in found])


@bp.route("/<level>")
@access(*OFFICE_ROLES)
def area_list(level: str):
    _level_or_404(level)
    form = SearchForm(request.args)
    parent = None
    if form.parent.data and level in PARENT_LEVEL:
        parent = services.find_by_code(db.session, PARENT_LEVEL[level], form.parent.data)
    query = services.list_query(level, form.q.data or "", scope=current_user.scope, parent=parent)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("geography/list.html", level=level, page=page, form=form, parent=parent)


@bp.route("/<level>/<code>")
@access(*OFFICE_ROLES, area=lambda level, code: _area_or_404(level, code))
def area_detail(level: str, code: str):
    area = _area_or_404(level, code)
    return render_template("geography/detail.html", level=level, area=area,
                           lineage=list(reversed(services.lineage(area)))[:-1],
                           children=services.children(area, db.session)[:100],
                           totals=services.totals(db.session, area) if level != "station" else None,
                           far={s.code: km for s, km in services.far_stations(area)} if level == "centre" else {})


def _parent_for(level: str, form):
    if level not in PARENT_LEVEL:
        return None
    parent = services.find_by_code(db.session, PARENT_LEVEL[level], form.parent_code.data)
    if parent is None:
        raise ValidationFailed({"parent_code": [str(NO_PARENT[PARENT_LEVEL[level]]) % {"code": form.parent_code.data}]})
    if not current_user.can_act_in(parent):
        raise ValidationFailed({"parent_code": [_("%(code)s is outside your area.", code=parent.code)]})
    return parent


def _point(form) -> tuple[float | None, float | None]:
    """The latitude and longitude typed in a centre's or station's form (None when left empty)."""
    return tuple(float(f.data) if f.data is not None else None for f in (form.latitude, form.longitude))


def _save(level: str, form, area=None):
    parent = _parent_for(level, form)
    code, name = form.code.data, form.name.data
    if level == "region":
        return services.save_region(db.session, code, name, region=area)
    if level == "district":
        return services.save_district(db.session, code, name, parent, district=area)
    lat, lon = _point(form)
    if level == "centre":
        return services.save_centre(db.session, code, name, parent, lat, lon, centre=area)
    return services.save_station(db.session, code, name, parent, form.capacity.data, station=area,
                                 latitude=lat, longitude=lon)


@bp.route("/<level>/new", methods=["GET", "POST"])
@access(*EDITORS)
def area_create(level: str):
    form = FORMS[_level_or_404(level)]()
    if request.method == "GET" and "parent_code" in form and request.args.get("parent"):
        form.parent_code.data = request.args["parent"]
    if form.validate_on_submit() and (saved := save(lambda: _save(level, form), form)):
        flash(str(CREATED[level]) % {"code": saved.result.code}, "success")
        return redirect(url_for("geography.area_detail", level=level, code=saved.result.code))
    return render_template("geography/form.html", form=form, level=level, area=None)


@bp.route("/<level>/<code>/edit", methods=["GET", "POST"])
@access(*EDITORS, area=lambda level, code: _area_or_404(level, code))
def area_edit(level: str, code: str):
    area = _area_or_404(level, code)
    form = FORMS[level](obj=area)
    if request.method == "GET" and level in PARENT_LEVEL:
        form.parent_code.data = services.lineage(area)[1].code
    if form.validate_on_submit() and (saved := save(lambda: _save(level, form, area), form)):
        flash(str(SAVED[level]) % {"code": saved.result.code}, "success")
        return redirect(url_for("geography.area_detail", level=level, code=saved.result.code))
    return render_template("geography/form.html", form=form, level=level, area=area)

"""The training home page and the officials: list, create, edit, master trainers, import (with the
district and import helpers the session pages share)."""

import datetime as dt

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.core.uploads import run_upload
from electoral.extensions import db
from electoral.geography.models import District
from electoral.registration.services import election
from electoral.training import services
from electoral.training.blueprint import ADMINISTRATORS, COORDINATORS, bp
from electoral.training.forms import ConfirmForm, ImportForm, OfficialForm, OfficialSearchForm
from electoral.training.models import Official, Position


def district_choices() -> list[tuple[int, str]]:
    query = services.within_scope(select(District).order_by(District.code), District.id, current_user.scope)
    return [(d.id, f"{d.code} {d.name}") for d in db.session.scalars(query)]


def district_in_scope(district_id: int | None) -> District | None:
    district = db.session.get(District, district_id) if district_id else None
    if district is not None and not current_user.can_act_in(district):
        return None
    return district


def position_choices() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in services.list_positions(db.session)]


def import_result(form, run, redirect_to: str, template: str, **context):
    """Run an import from the uploaded file; on failure, show every bad line."""
    outcome = run_upload(form, run)
    if outcome.done:
        flash(outcome.result, "success")
        return redirect(url_for(redirect_to))
    return render_template(template, form=form, errors=outcome.errors, **context), outcome.status


# ---- index ---------------------------------------------------------------------

@bp.route("/")
@access(*COORDINATORS)
def index():
    totals = services.training_totals(db.session, current_user.scope)
    return render_template("training/index.html", officials=totals.officials, certified=totals.certified,
                           sessions=totals.sessions,
                           positions=services.list_positions(db.session))


# ---- officials -------------------------------------------------------------------

@bp.route("/officials")
@access(*COORDINATORS)
def official_list():
    form = OfficialSearchForm(request.args)
    form.district.choices = [(0, _("Any"))] + district_choices()
    form.position.choices = [(0, _("Any"))] + position_choices()
    form.validate()
    query = services.officials_query(form.q.data or "", current_user.scope, form.district.data or None,
                                     form.position.data or None, form.status.data or "")
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("training/officials.html", form=form, page=page)


def _official_data(form: OfficialForm, official: Official | None = None) -> services.OfficialData:
    born, year_only = None, False
    if isinstance(form.birth_date.data, dt.date):
        # The field was not posted: the form kept the record's own date, and it stays as it was.
        born, year_only = form.birth_date.data, bool(official is not None and official.birth_year_only)
    elif (form.birth_date.data or "").strip():
        # Refused beside the field, naming the forms the election's date order accepts.
        try:
            born, year_only = services.parse_birth_date(form.birth_date.data, election.date_order(db.session))
        except ValueError as problem:
            raise ValidationFailed({"birth_date": [str(problem)]}) from None
    return services.OfficialData(
        reference=form.reference.data or "", full_name=form.full_name.data or "", sex=form.sex.data,
        district=district_in_scope(form.district.data), position=db.session.get(Position, form.position.data or 0),
        birth_date=born, birth_year_only=year_only, phone=form.phone.data or "", languages=form.languages.data or "",
        education=form.education.data or "", status=form.status.data, locale=form.locale.data)


def _edit_official(official: Official | None):
    form = OfficialForm(obj=official)
    form.district.choices = district_choices()
    form.position.choices = position_choices()
    if request.method == "GET" and official is not None:
        form.district.data, form.position.data = official.district_id, official.position_id
        if official.birth_date is not None:
            form.birth_date.data = (str(official.birth_date.year) if official.birth_year_only
                                    else official.birth_date.isoformat())
    if form.validate_on_submit() and (saved := save(
            lambda: services.save_official(db.session, _official_data(form, official), official), form)):
        flash(_("%(name)s saved.", name=saved.result.full_name), "success")
        return redirect(url_for("training.official_detail", official_id=saved.result.id))
    return render_template("training/official_form.html", form=form, official=official)


@bp.route("/officials/new", methods=["GET", "POST"])
@access(*COORDINATORS)
def official_create():
    return _edit_official(None)


@bp.route("/officials/<int:official_id>/edit", methods=["GET", "POST"])
@access(*COORDINATORS, area=lambda official_id: db.get_or_404(Official, official_id).district)
def official_edit(official_id: int):
    return _edit_official(db.get_or_404(Official, official_id))


@bp.route("/officials/<int:official_id>")
@access(*COORDINATORS, area=lambda official_id: db.get_or_404(Official, official_id).district)
def official_detail(official_id: int):
    official = db.get_or_404(Official, official_id)
    return render_template("training/official.html", official=official, confirm=ConfirmForm(),
                           certificates=services.certificates_of(db.session, official),
                           history=services.history(db.session, official))


@bp.route("/officials/<int:official_id>/master-trainer", methods=["POST"])
@access(*ADMINISTRATORS, area=lambda official_id: db.get_or_404(Official, official_id).district)
def official_master_trainer(official_id: int):
    official = db.get_or_404(Official, official_id)
    if ConfirmForm().validate_on_submit():
        designated = request.form.get("designated") == "1"
        services.set_master_trainer(db.session, official, designated)
        db.session.commit()
        flash(_("%(name)s is now a national master trainer.", name=official.full_name) if designated else
              _("%(name)s is no longer a national master trainer.", name=official.full_name), "success")
    return redirect(url_for("training.official_detail", official_id=official.id))


@bp.route("/officials/import", methods=["GET", "POST"])
@access(*COORDINATORS)
def official_import():
    scope = current_user.scope

    def run(data: bytes, filename: str) -> str:
        summary = services.import_officials(db.session, data, filename, scope=scope)
        return _("%(created)d officials added, %(updated)d updated.", created=summary.created,
                 updated=summary.updated)

    return import_result(ImportForm(), run, "training.official_list", "training/import.html",
                         title=_("Import officials"), columns=services.IMPORT_COLUMNS,
                         optional=services.IMPORT_OPTIONAL)

"""Observer organisations, observers, accreditation and deployment."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import access, may, public
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.core.uploads import run_upload
from electoral.extensions import db, limiter
from electoral.observation import forms, services
from electoral.observation.blueprint import COMMISSION, COORDINATORS, bp
from electoral.observation.models import Observer, Organisation
from electoral.observation.services import photos


def _observer_or_404(observer_id: int) -> Observer:
    observer = db.session.get(Observer, observer_id)
    if observer is None:
        abort(404)
    return observer


def _observer_area(observer_id: int):
    observer = _observer_or_404(observer_id)
    return observer.station or (observer.centres[0] if observer.centres else None)


def _scoped_area(observer_id: int):
    # A national coordinator sees everyone; a scoped one only observers deployed in their area.
    if current_user.scope is None:
        return None
    return _observer_area(observer_id)


def save_photo(upload, size=photos.PHOTO_SIZE) -> str | None:
    """Decode an uploaded photo and store it under its content hash; return the stored name, None without one."""
    if not upload or not getattr(upload, "filename", ""):
        return None
    return photos.save_photo(upload.read(), size)


@bp.route("/organisations", methods=["GET", "POST"])
@access(*COORDINATORS)
def organisations():
    form = forms.OrganisationForm()
    if form.validate_on_submit() and (saved := save(lambda: services.save_organisation(
            db.session, form.code.data, form.name.data, form.international.data), form)):
        flash(_("Organisation %(code)s saved.", code=saved.result.code), "success")
        return redirect(url_for("observation.organisations"))
    rows = db.session.scalars(select(Organisation).order_by(Organisation.code)).all()
    return render_template("observation/organisations.html", form=form, organisations=rows)


@bp.route("/observers")
@access(*COORDINATORS)
def observers():
    search, status = request.args.get("q", ""), request.args.get("status", "")
    query = services.observer_query(search, status=status if status in forms.STATUS_LABELS else "",
                                    scope=current_user.scope)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("observation/observers.html", page=page, q=search, status=status,
                           status_labels=forms.STATUS_LABELS)


def _organisation_choices(form) -> None:
    form.organisation.choices = [(o.id, f"{o.code} · {o.name}") for o in
                                 db.session.scalars(select(Organisation).order_by(Organisation.code))]


@bp.route("/observers/new", methods=["GET", "POST"])
@access(*COORDINATORS)
def observer_new():
    return _observer_form(None)


@bp.route("/observers/<int:observer_id>/edit", methods=["GET", "POST"])
@access(*COORDINATORS, area=_scoped_area)
def observer_edit(observer_id: int):
    return _observer_form(_observer_or_404(observer_id))


def _save_observer(form, observer: Observer | None) -> tuple[Observer, str]:
    """Save the observer; with the accreditation state as it stands before the commit."""
    observer = services.save_observer(
        db.session, db.session.get(Organisation, form.organisation.data), form.family_name.data,
        form.given_names.data, form.sex.data, form.phone.data, form.languages.data or "",
        # No upload keeps the photo, unless the row names anything but a stored photo: that goes.
        save_photo(form.photo.data)
        or (observer.photo_path if observer and photos.is_stored_photo(observer.photo_path) else ""),
        observer=observer)
    return observer, observer.accreditation


def _observer_form(observer: Observer | None):
    """Create an observer, or edit one: a new photo replaces the old one, no upload keeps it."""
    form = forms.ObserverForm(obj=observer, organisation=observer.organisation_id if observer else None)
    _organisation_choices(form)
    was_approved = observer is not None and observer.accreditation == "approved"
    if form.validate_on_submit() and (saved := save(lambda: _save_observer(form, observer), form)):
        observer, state = saved.result
        flash(_("Observer %(name)s saved.", name=observer.name), "success")
        if was_approved and state == "requested":  # core/approvals.py: the edit touched what the accreditation vouches for
            flash(_("The change touches what the accreditation covers: it goes back to the commission "
                    "for approval, and the badge is not valid until then."), "warning")
        return redirect(url_for("observation.observer_detail", observer_id=observer.id))
    return render_template("observation/observer_form.html", form=form, observer=observer)


@bp.route("/observers/import", methods=["GET", "POST"])
@access(*COORDINATORS)
def observer_import():
    form = forms.UploadForm()
    outcome = run_upload(form, lambda data, name: services.import_observers(db.session, data, name,
                                                                           scope=current_user.scope))
    if outcome.done:
        flash(ngettext("Imported %(num)d observer.", "Imported %(num)d observers.", outcome.result), "success")
        return redirect(url_for("observation.observers"))
    return render_template("observation/import.html", form=form, errors=outcome.errors,
                           columns=services.IMPORT_COLUMNS, optional=services.IMPORT_OPTIONAL), outcome.status


@bp.route("/observers/<int:observer_id>", methods=["GET", "POST"])
@access(*COORDINATORS, area=_scoped_area)
def observer_detail(observer_id: int):
    action = request.form.get("action")
    if request.method == "POST" and action == "decide":
        # The decision form's former address: the decision route's own declaration says who may.
        return observer_decide(observer_id=observer_id)
    return _observer_page(observer_id, action)


@bp.route("/observers/<int:observer_id>/decision", methods=["POST"])
@access(*COMMISSION, area=_scoped_area)
def observer_decide(observer_id: int):
    return _observer_page(observer_id, "decide")


def _observer_page(observer_id: int, action: str | None):
    observer = _observer_or_404(observer_id)
    decision, link, deployment = forms.DecisionForm(prefix="d"), forms.LinkUserForm(prefix="u"), \
        forms.DeployForm(prefix="p")
    form = {"decide": decision, "link": link, "deploy": deployment}.get(action)
    if request.method == "POST":
        def act() -> str:
            if action == "request":
                services.request_accreditation(db.session, observer, current_user)
                return _("Accreditation requested for %(name)s.", name=observer.name)
            if form is None or not form.validate_on_submit():
                raise ValidationFailed(_("The form could not be read; check the fields and send it again."))
            if action == "decide":
                services.decide_accreditation(db.session, observer, decision.decision.data == "approve",
                                              decision.reason.data or "", decision.valid_until.data,
                                              user=current_user)
                return _("Decision recorded for %(name)s.", name=observer.name)
            if action == "link":
                services.link_user(db.session, observer, link.username.data)
                return _("Account linked.")
            services.deploy(db.session, observer, deployment.station_code.data, deployment.centre_codes.data,
                            scope=current_user.scope)
            return _("Deployment saved.")

        if saved := save(act, form or decision):
            flash(saved.result, "success")
            return redirect(url_for("observation.observer_detail", observer_id=observer.id))
    return render_template("observation/observer.html", observer=observer, decision=decision, link=link,
                           deployment=deployment, commission=may("observation.observer_decide", observer_id=observer.id),
                           status_labels=forms.STATUS_LABELS, sex_labels=forms.SEX_LABELS)


@bp.route("/accreditation")
@access(*COMMISSION)
def accreditation():
    page = db.paginate(services.observer_query(status="requested"),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("observation/accreditation.html", page=page)


@bp.route("/verify/<number>")
@public
@limiter.limit("30 per minute")
def verify(number: str):
    observer = services.find_by_number(db.session, number)
    return render_template("observation/verify.html", observer=observer), 200 if observer else 404

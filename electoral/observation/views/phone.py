"""The observer's phone pages: their station, the checklists due, filling (online or not), incidents.

The pages work without JavaScript (a plain form POST); with it, static/js/observation.js
applies relevance as the observer types, keeps filings on the phone while there is
no network and sends them through ``sync`` when it returns. The service worker
(static/js/sw.js, served from /observation/sw.js so its scope covers these pages)
keeps the pages for offline use.
"""

import uuid

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from electoral.core.auth import Role, access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.observation import forms, services
from electoral.observation.attachments import services as attachments
from electoral.observation.blueprint import bp
from electoral.observation.models import ChecklistTemplate, Submission
from electoral.observation.services import photos, repeat_form
from electoral.observation.views.api import file_json
from electoral.observation.views.observers import save_photo

OBSERVERS = (Role.OBSERVER,)


def _accredited_observer():
    """The signed-in observer's record; refuses anyone not linked or not accredited."""
    observer = services.observer_for_user(db.session, current_user)
    if observer is None or not observer.accredited:
        abort(403)
    return observer


def _lang() -> str:
    return str(get_locale() or "en").split("_")[0]


@bp.route("/my")
@access(*OBSERVERS)
def my_station():
    observer = services.observer_for_user(db.session, current_user)
    if observer is None or not observer.accredited:
        return render_template("observation/not_accredited.html", observer=observer), 403
    stations = services.stations_of(observer)
    templates = services.published_templates(db.session)
    mine = db.session.scalars(select(Submission).where(Submission.observer_id == observer.id)
                              .order_by(Submission.received_at.desc(), Submission.id.desc()).limit(50)).all()
    done = {(s.station_id, s.template.code) for s in mine if s.current}
    return render_template("observation/my.html", observer=observer, stations=stations, templates=templates,
                           submissions=mine, done=done, phase_labels=forms.PHASE_LABELS)


def _station_for(observer, code: str) -> PollingStation:
    station = db.session.scalar(select(PollingStation).where(PollingStation.code == code))
    if station is None:
        abort(404)
    if services.may_file(observer, station) is not None:
        abort(403)
    return station


@bp.route("/my/fill/<station_code>/<template_code>", methods=["GET", "POST"])
@access(*OBSERVERS)
def fill(station_code: str, template_code: str):
    observer = _accredited_observer()
    station = _station_for(observer, station_code)
    template = services.latest(db.session, template_code, published_only=True)
    if template is None:
        abort(404)
    answers, errors = {}, {}
    previous = db.session.scalar(select(Submission).join(ChecklistTemplate).where(
        Submission.current.is_(True), Submission.station_id == station.id, Submission.observer_id == observer.id,
        ChecklistTemplate.code == template.code))
    if previous is not None:
        answers = dict(previous.answers)
    if request.method == "POST":
        raw = repeat_form.answers_from_form(template, request.form)
        uploads = {q.code: f.read(attachments.max_bytes() + 1) for q in template.questions if q.type == "image"
                   and (f := request.files.get(f"{q.code}__file")) is not None and f.filename}
        if request.form.get("entries"):
            # Without the page's script, "Add an entry" / "Remove this entry" post the page: shown again, not filed.
            repeat_form.change_entries(template, raw, request.form["entries"])
            answers = raw
        else:
            saved = save(lambda: attachments.submit_form(db.session, template, station, raw,
                                                         request.form.get("client_id", ""), observer, current_user,
                                                         uploads),
                         show=lambda failure: errors.update(
                             {k.removeprefix("answers."): v for k, v in failure.errors.items()}))
            if saved:
                flash(_("Checklist sent."), "success")
                return redirect(url_for("observation.submission", submission_id=saved.result.id))
            answers = raw
    return render_template("observation/fill.html", template=template, station=station, answers=answers,
                           errors=errors, previous=previous, client_id=str(uuid.uuid4()), lang=_lang(),
                           text_in=services.text_in, conditions=_conditions(template),
                           constraint_tree=_constraint_tree, calculation_tree=_calculation_tree,
                           with_answers=with_answers, photo_max_bytes=attachments.PHONE_MAX_BYTES,
                           photo_max_side=photos.FILING_IMAGE_SIZE[0]), 422 if errors else 200


def with_answers(text: str, answers: dict) -> str:
    """A label's ${code} replaced by that question's answer (blank when unanswered), as the phone's script does."""
    import re

    def answer(match):
        value = answers.get(match.group(1))
        return " ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)

    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)\}", answer, text)


def _constraint_tree(text: str):
    from electoral.observation import conditions

    return conditions.parse(text)


def _calculation_tree(text: str):
    from electoral.observation import conditions

    return conditions.parse_calculation(text)


def _conditions(template) -> dict:
    from electoral.observation import conditions

    return {q.code: conditions.parse(q.relevance) for q in template.questions}


@bp.route("/my/sync", methods=["POST"])
@access(*OBSERVERS)
def sync():
    body, status = file_json(current_user, request.get_json(silent=True))
    return jsonify(body), status


@bp.route("/my/csrf")
@access(*OBSERVERS)
def fresh_csrf():
    # A phone that was offline past the token's lifetime gets a new one before sending.
    return jsonify(csrf_token=generate_csrf())


@bp.route("/my/submissions/<int:submission_id>")
@access(*OBSERVERS)
def submission(submission_id: int):
    observer = _accredited_observer()
    found = db.session.get(Submission, submission_id)
    if found is None:
        abort(404)
    if found.observer_id != observer.id:
        abort(403)
    return render_template("observation/submission.html", submission=found,
                           history=services.history(db.session, found), lang=_lang(), text_in=services.text_in,
                           photos={i.filename: i for i in attachments.images_of(db.session, found.id)})


@bp.route("/my/incident", methods=["GET", "POST"])
@access(*OBSERVERS)
def incident():
    observer = _accredited_observer()
    form = forms.IncidentForm()
    form.station.choices = [(s.code, f"{s.code} · {s.name}") for s in services.stations_of(observer)]
    if request.method == "GET":
        form.client_id.data = str(uuid.uuid4())
    if form.validate_on_submit():
        station = _station_for(observer, form.station.data)
        if save(lambda: services.report_incident(db.session, observer, station, form.category.data,
                                                 form.description.data, form.severity.data, form.client_id.data,
                                                 photo_path=save_photo(form.photo.data, photos.INCIDENT_PHOTO_SIZE)),
                form):
            flash(_("Incident reported. Your coordinators see it now."), "success")
            return redirect(url_for("observation.my_station"))
    return render_template("observation/incident.html", form=form)


@bp.route("/my/incidents.json", methods=["POST"])
@access(*OBSERVERS)
def incident_json():
    """An incident report kept on the phone while offline, sent when the network returns (no photo)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(errors={"": [_("The body must be a JSON object.")]}), 422
    observer = services.observer_for_user(db.session, current_user)
    existing = services.find_incident(db.session, str(body.get("client_id") or ""))
    if existing is not None:
        try:
            services.refuse_others_key(existing, observer)
        except ValidationFailed as failure:
            return jsonify(errors=failure.errors), 422
        return jsonify(id=existing.id, client_id=existing.client_id), 200
    station = db.session.scalar(select(PollingStation).where(PollingStation.code == str(body.get("station_code") or "")))
    if station is None or (reason := services.may_file(observer, station)) is not None:
        return jsonify(errors={"station_code": [_("No polling station has this code.") if station is None
                                                else reason]}), 422
    occurred = services.parse_moment(body["occurred_at"]) if body.get("occurred_at") else None
    try:
        incident, created = services.report_incident(
            db.session, observer, station, str(body.get("category") or ""), str(body.get("description") or ""),
            str(body.get("severity") or ""), str(body.get("client_id") or ""), occurred_at=occurred)
    except ValidationFailed as failure:
        db.session.rollback()
        return jsonify(errors=failure.errors), 422
    db.session.commit()
    return jsonify(id=incident.id, client_id=incident.client_id), 201 if created else 200


@bp.route("/sw.js")
@access(*OBSERVERS)
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Service-Worker-Allowed"] = "/observation/"
    response.headers["Cache-Control"] = "no-cache"
    return response

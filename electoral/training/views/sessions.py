"""Training sessions: planning, trainers, enrolment, confirmation, attendance and scores (by hand or
imported), and revoking a certificate."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.lookups import child_or_404
from electoral.core.params import form_ints, query_int
from electoral.core.saving import save
from electoral.extensions import db
from electoral.training import services
from electoral.training.blueprint import COORDINATORS, bp
from electoral.training.forms import (
    ConfirmForm,
    ImportForm,
    PersonForm,
    RevokeForm,
    SessionForm,
    TrainerForm,
)
from electoral.training.models import Certificate, Course, Enrolment, Official, TrainingSession
from electoral.training.views.officials import district_choices, district_in_scope, import_result


def _session_area(session_id: int, **_ignored):
    return db.get_or_404(TrainingSession, session_id).district


def _back(ts):
    return redirect(url_for("training.session_detail", session_id=ts.id))


@bp.route("/sessions")
@access(*COORDINATORS)
def session_list():
    course_id = query_int("course", minimum=1)
    query = services.sessions_query(current_user.scope, course_id)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("training/sessions.html", page=page, courses=services.list_courses(db.session),
                           course_id=course_id)


def _edit_session(ts):
    form = SessionForm(obj=ts)
    form.course.choices = [(c.id, f"{c.code} {c.name}") for c in services.list_courses(db.session)]
    form.district.choices = district_choices()
    if request.method == "GET" and ts is not None:
        form.course.data, form.district.data = ts.course_id, ts.district_id
    if form.validate_on_submit() and (saved := save(lambda: services.save_session(
            db.session, course=db.session.get(Course, form.course.data or 0),
            district=district_in_scope(form.district.data), venue=form.venue.data,
            start_date=form.start_date.data, end_date=form.end_date.data, capacity=form.capacity.data,
            training_session=ts), form)):
        flash(_("Session %(id)d saved.", id=saved.result.id), "success")
        return _back(saved.result)
    return render_template("training/session_form.html", form=form, ts=ts)


@bp.route("/sessions/new", methods=["GET", "POST"])
@access(*COORDINATORS)
def session_create():
    return _edit_session(None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@access(*COORDINATORS, area=_session_area)
def session_edit(session_id: int):
    return _edit_session(db.get_or_404(TrainingSession, session_id))


@bp.route("/sessions/<int:session_id>")
@access(*COORDINATORS, area=_session_area)
def session_detail(session_id: int, enrol_form=None, trainer_form=None):
    ts = db.get_or_404(TrainingSession, session_id)
    return render_template("training/session.html", ts=ts, outcomes=services.outcomes(db.session, ts),
                           enrol_form=enrol_form or PersonForm(prefix="enrol"),
                           trainer_form=trainer_form or TrainerForm(prefix="trainer"), confirm=ConfirmForm(),
                           certificates={c.enrolment_id: c for c in db.session.scalars(
                               select(Certificate).join(Enrolment).where(Enrolment.session_id == ts.id))})


def _act_on_person(ts, official, prefix: str, reference: str, action) -> str:
    if official is None or (prefix == "enrol" and not current_user.can_act_in(official.district)):
        raise ValidationFailed({"reference": [_("No official of your area has the recruitment number "
                                                "%(ref)s.", ref=reference)]})
    return action(ts, official)


def _person_action(session_id: int, prefix: str, action) -> object:
    ts = db.get_or_404(TrainingSession, session_id)
    form = PersonForm(prefix=prefix) if prefix == "enrol" else TrainerForm(prefix=prefix)
    if form.validate_on_submit():
        official = services.find_official(db.session, form.reference.data)
        if saved := save(lambda: _act_on_person(ts, official, prefix, form.reference.data, action), form):
            flash(saved.result, "success")
            return _back(ts)
    forms = {"enrol_form": form} if prefix == "enrol" else {"trainer_form": form}
    return session_detail.__wrapped__(session_id, **forms), 400


@bp.route("/sessions/<int:session_id>/enrol", methods=["POST"])
@access(*COORDINATORS, area=_session_area)
def session_enrol(session_id: int):
    def run(ts, official):
        services.enrol(db.session, ts, official)
        return _("%(name)s enrolled.", name=official.full_name)
    return _person_action(session_id, "enrol", run)


@bp.route("/sessions/<int:session_id>/trainers", methods=["POST"])
@access(*COORDINATORS, area=_session_area)
def session_add_trainer(session_id: int):
    def run(ts, official):
        services.add_trainer(db.session, ts, official)
        return _("%(name)s will lead this session.", name=official.full_name)
    return _person_action(session_id, "trainer", run)


@bp.route("/sessions/<int:session_id>/trainers/<int:official_id>/remove", methods=["POST"])
@access(*COORDINATORS, area=_session_area)
def session_remove_trainer(session_id: int, official_id: int):
    ts = db.get_or_404(TrainingSession, session_id)
    if ConfirmForm().validate_on_submit():
        services.remove_trainer(db.session, ts, official_id)
        db.session.commit()
        flash(_("Trainer removed."), "success")
    return _back(ts)


@bp.route("/sessions/<int:session_id>/confirm", methods=["POST"])
@access(*COORDINATORS, area=_session_area)
def session_confirm(session_id: int):
    """A second coordinator confirms the attendance and scores: the certificates are issued."""
    ts = db.get_or_404(TrainingSession, session_id)
    if ConfirmForm().validate_on_submit() and (saved := save(
            lambda: services.confirm_results(db.session, ts, current_user), joined=True)):
        flash(ngettext("Results confirmed: %(num)d certificate issued.",
                       "Results confirmed: %(num)d certificates issued.", len(saved.result)), "success")
    return _back(ts)


@bp.route("/sessions/<int:session_id>/withdraw/<int:enrolment_id>", methods=["POST"])
@access(*COORDINATORS, area=_session_area)
def session_withdraw(session_id: int, enrolment_id: int):
    ts = db.get_or_404(TrainingSession, session_id)
    enrolment = child_or_404(Enrolment, enrolment_id, session_id=ts.id)
    if ConfirmForm().validate_on_submit() and save(lambda: services.withdraw(db.session, enrolment)):
        flash(_("Participant taken off the session."), "success")
    return _back(ts)


def _day_or_404(ts, day: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        abort(404)
    if date not in ts.days:
        abort(404)
    return date


@bp.route("/sessions/<int:session_id>/attendance/<day>", methods=["GET", "POST"])
@access(*COORDINATORS, area=_session_area)
def session_attendance(session_id: int, day: str):
    ts = db.get_or_404(TrainingSession, session_id)
    date = _day_or_404(ts, day)
    form = ConfirmForm()
    if form.validate_on_submit():
        absent = form_ints("absent", minimum=1)
        services.mark_attendance(db.session, ts, date, absent, current_user)
        db.session.commit()
        flash(_("Attendance of %(day)s saved: %(present)d present, %(absent)d absent.", day=format_date(date),
                present=len(ts.enrolments) - len(absent & {e.id for e in ts.enrolments}),
                absent=len(absent & {e.id for e in ts.enrolments})), "success")
        return _back(ts)
    marked = services.attendance_for_day(db.session, ts, date)
    participants = sorted(ts.enrolments, key=lambda e: (e.official.full_name, e.id))
    return render_template("training/attendance.html", ts=ts, day=date, form=form, marked=marked,
                           participants=participants)


def _read_scores(ts) -> tuple[dict, dict]:
    scores, errors = {}, {}
    for enrolment in ts.enrolments:
        values = []
        for kind in ("pre", "post"):
            raw = request.form.get(f"{kind}_{enrolment.id}", "").strip().replace(",", ".")
            try:
                values.append(Decimal(raw) if raw else None)
                if raw and not values[-1].is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                values.append(None)
                errors[f"{kind}_{enrolment.id}"] = [_("\"%(value)s\" is not a number.", value=raw)]
        scores[enrolment.id] = tuple(values[:2])
    return scores, errors


@bp.route("/sessions/<int:session_id>/scores", methods=["GET", "POST"])
@access(*COORDINATORS, area=_session_area)
def session_scores(session_id: int):
    ts = db.get_or_404(TrainingSession, session_id)
    form = ConfirmForm()
    errors: dict = {}
    if form.validate_on_submit():
        scores, errors = _read_scores(ts)
        if not errors and save(lambda: services.save_scores(db.session, ts, scores, current_user),
                               show=lambda failure: errors.update(failure.errors)):
            flash(_("Scores saved."), "success")
            return _back(ts)
        flash(_("Some scores are wrong; nothing was saved. Correct them and save again."), "error")
    participants = sorted(ts.enrolments, key=lambda e: (e.official.full_name, e.id))
    return render_template("training/scores.html", ts=ts, form=form, participants=participants,
                           errors=errors, entered=request.form if errors else None), 400 if errors else 200


def _scope_check(ts) -> bool:
    return current_user.can_act_in(ts.district)


@bp.route("/attendance/import", methods=["GET", "POST"])
@access(*COORDINATORS)
def attendance_import():
    def run(data: bytes, filename: str) -> str:
        count = services.import_attendance(db.session, data, filename, current_user, scope_check=_scope_check)
        return ngettext("%(num)d attendance line recorded.", "%(num)d attendance lines recorded.", count)

    return import_result(ImportForm(), run, "training.session_list", "training/import.html",
                         title=_("Import attendance"), columns=services.ATTENDANCE_COLUMNS, optional=[])


@bp.route("/scores/import", methods=["GET", "POST"])
@access(*COORDINATORS)
def scores_import():
    def run(data: bytes, filename: str) -> str:
        count = services.import_scores(db.session, data, filename, current_user, scope_check=_scope_check)
        return ngettext("%(num)d score line recorded.", "%(num)d score lines recorded.", count)

    return import_result(ImportForm(), run, "training.session_list", "training/import.html",
                         title=_("Import test scores"), columns=services.SCORE_COLUMNS, optional=[])


def _certificate_area(certificate_id: int, **_ignored):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        abort(404)
    return certificate.official.district


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@access(*COORDINATORS, area=_certificate_area)
def certificate_revoke(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit() and save(lambda: services.revoke(db.session, certificate, form.reason.data), form):
        flash(_("Certificate revoked."), "success")
        return redirect(url_for("training.official_detail", official_id=certificate.official_id))
    return render_template("training/revoke.html", form=form, certificate=certificate,
                           official=db.get_or_404(Official, certificate.official_id))

"""Possible duplicates: the list, a pair side by side, the decision, the background scan."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.core.auth import access
from electoral.core.params import query_int
from electoral.core.redirects import local_target, redirect_to
from electoral.core.saving import save
from electoral.extensions import db
from electoral.registration.blueprint import SUPERVISOR, bp
from electoral.registration.forms import ConfirmForm, DecisionForm
from electoral.registration.models import DuplicatePair, ScanJob
from electoral.registration.services import adjudication, jobs

# ---- adjudication queue ----------------------------------------------------

@bp.route("/duplicates")
@access(SUPERVISOR)
def duplicates():
    status = request.args.get("status", "open")
    if status not in ("open", "not_duplicate", "duplicate"):
        status = "open"
    page = db.paginate(adjudication.queue_query(status, current_user.scope), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    last_job = db.session.scalar(db.select(ScanJob).order_by(ScanJob.id.desc()).limit(1))
    return render_template("registration/duplicates.html", page=page, status=status, form=DecisionForm(),
                           scan_form=ConfirmForm(), counts=adjudication.counts(db.session), last_job=last_job)


@bp.route("/duplicates/<int:pair_id>", methods=["POST"])
@access(SUPERVISOR)
def decide_pair(pair_id: int):
    pair = pair_in_scope(pair_id)
    form = DecisionForm()
    # Decided from the pair's own page (reached from the queue or a voter's page): back there.
    back = local_target(request.args.get("next"))
    if not form.validate_on_submit():
        # Back to the same pair on the same page, with the message beside its decision: the
        # top of a long queue is out of sight, and the page seemed to reload silently.
        flash(_("Choose a decision."), "error")
        if back:
            return redirect(url_for("registration.pair", pair_id=pair.id, next=back))
        return redirect(url_for("registration.duplicates", status=request.args.get("status", "open"),
                                page=query_int("page", 1, minimum=1), unchosen=pair.id,
                                _anchor=f"pair-{pair.id}"))
    if saved := save(lambda: _decide(pair, form.decision.data), joined=True):
        flash(saved.result, "success")
    return redirect_to(back, "registration.duplicates")


def _decide(pair: DuplicatePair, decision: str) -> str:
    """Record the decision on a pair; the sentence that says what was done."""
    if decision == "not_duplicate":
        adjudication.decide(db.session, pair, False, current_user)
        return _("Kept both: %(a)s and %(b)s are different people.",
                 a=pair.voter_a.voter_number, b=pair.voter_b.voter_number)
    keep = pair.voter_a if decision == "keep_a" else pair.voter_b
    adjudication.decide(db.session, pair, True, current_user, keep=keep)
    return _("Kept %(kept)s; the other record was removed as a duplicate.", kept=keep.voter_number)


@bp.route("/duplicates/scan", methods=["POST"])
@access(SUPERVISOR)
def start_scan():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    from electoral.registration.tasks import scan_roll

    job = jobs.start(db.session, current_user)
    db.session.commit()
    scan_roll(job.id)
    return redirect(url_for("registration.scan_progress", job_id=job.id))


@bp.route("/duplicates/scan/<int:job_id>")
@access(SUPERVISOR)
def scan_progress(job_id: int):
    job = db.session.get(ScanJob, job_id) or abort(404)
    return render_template("registration/scan.html", job=job)


def pair_in_scope(pair_id: int) -> DuplicatePair:
    """The pair, if both its records lie in the supervisor's area (deciding removes one of them)."""
    pair = db.session.get(DuplicatePair, pair_id) or abort(404)
    if not (current_user.can_act_in(pair.voter_a.centre) and current_user.can_act_in(pair.voter_b.centre)):
        abort(403)
    return pair


@bp.route("/duplicates/<int:pair_id>", methods=["GET"])
@access(SUPERVISOR)
def pair(pair_id: int):
    pair = pair_in_scope(pair_id)
    back = local_target(request.args.get("next")) or url_for("registration.duplicates")
    return render_template("registration/pair.html", pair=pair, form=DecisionForm(), back=back)

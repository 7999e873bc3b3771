"""Supervisors' and administrators' pages: duplicates, claims and objections, import, the roll, settings."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.core import spreadsheet
from electoral.core.audit import record_export
from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.core.params import query_int
from electoral.core.redirects import local_target, redirect_to
from electoral.core.tabular import TabularError, encoding_of
from electoral.extensions import db
from electoral.geography.services import find_by_code
from electoral.registration.forms import (
    SEX_CHOICES,
    CaseDecisionForm,
    ConfirmForm,
    CorrectionForm,
    DecisionForm,
    ElectionForm,
    ImportForm,
    InclusionForm,
    ObjectionForm,
    RemovalForm,
    TransferForm,
)
from electoral.registration.models import ImportJob, RollCase, ScanJob
from electoral.registration.services import (
    adjudication,
    assignment,
    election,
    exports,
    import_rows,
    jobs,
    roll,
)
from electoral.registration.views import ADMIN, CLERK, SUPERVISOR, bp, voter_or_404
from electoral.registration.views_evidence import evidence_choices
from electoral.registration.views_pairs import pair_in_scope

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
    try:
        if form.decision.data == "not_duplicate":
            adjudication.decide(db.session, pair, False, current_user.username)
            message = _("Kept both: %(a)s and %(b)s are different people.",
                        a=pair.voter_a.voter_number, b=pair.voter_b.voter_number)
        else:
            keep = pair.voter_a if form.decision.data == "keep_a" else pair.voter_b
            adjudication.decide(db.session, pair, True, current_user.username, keep=keep)
            message = _("Kept %(kept)s; the other record was removed as a duplicate.", kept=keep.voter_number)
    except ValidationFailed as failure:
        db.session.rollback()
        flash(str(failure), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect_to(back, "registration.duplicates")


@bp.route("/duplicates/scan", methods=["POST"])
@access(SUPERVISOR)
def start_scan():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    from electoral.registration.tasks import scan_roll

    job = jobs.start(db.session, current_user.username)
    db.session.commit()
    scan_roll(job.id)
    return redirect(url_for("registration.scan_progress", job_id=job.id))


@bp.route("/duplicates/scan/<int:job_id>")
@access(SUPERVISOR)
def scan_progress(job_id: int):
    job = db.session.get(ScanJob, job_id) or abort(404)
    return render_template("registration/scan.html", job=job)


# ---- claims and objections -------------------------------------------------

@bp.route("/cases")
@access(CLERK, SUPERVISOR)
def cases():
    status = request.args.get("status", "open")
    centre = current_user.scope_centre
    page = db.paginate(roll.cases_query(status if status in ("open", "upheld", "rejected") else "open", centre,
                                        current_user.scope),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("registration/cases.html", page=page, status=status,
                           in_exhibition=election.in_exhibition(db.session), decision_form=CaseDecisionForm(),
                           ground_labels=roll.GROUND_LABELS, detail_labels=roll.DETAIL_LABELS,
                           sex_labels=dict(SEX_CHOICES))


def _lodge(form, lodge):
    if form.validate_on_submit():
        try:
            case = lodge()
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Case %(id)d recorded; a supervisor will decide.", id=case.id), "success")
            return redirect(url_for("registration.cases"))
    return None


def _voter_in_scope(number: str):
    voter = voter_or_404(number)
    if not current_user.can_act_in(voter.centre):
        abort(403)
    return voter


@bp.route("/cases/objection", methods=["GET", "POST"])
@access(CLERK)
def new_objection():
    form = ObjectionForm()
    if request.method == "GET":
        form.voter_number.data = request.args.get("voter", "")
    done = _lodge(form, lambda: roll.lodge_objection(
        db.session, _voter_in_scope(form.voter_number.data), form.ground.data, form.evidence.data,
        current_user.username))
    return done or render_template("registration/case_form.html", form=form, title=_("Record an objection"))


def _birth(text: str):
    """A birth date as written on a claim, in the election's date order, or only its year."""
    try:
        return import_rows.parse_date(text, election.date_order(db.session))
    except ValueError as problem:  # beside the field, naming the forms accepted
        raise ValidationFailed({"date_of_birth": [str(problem)]}) from None


@bp.route("/cases/correction", methods=["GET", "POST"])
@access(CLERK)
def new_correction():
    form = CorrectionForm()
    if request.method == "GET":
        form.voter_number.data = request.args.get("voter", "")

    def lodge():
        changes = {name: getattr(form, name).data for name in roll.CORRECTABLE if name in form}
        if changes.get("date_of_birth"):
            born, year_only = _birth(changes["date_of_birth"])
            changes["date_of_birth"] = str(born.year) if year_only else born.isoformat()
        return roll.lodge_correction(db.session, _voter_in_scope(form.voter_number.data), changes,
                                     form.evidence.data, current_user.username)

    done = _lodge(form, lodge)
    return done or render_template("registration/case_form.html", form=form, title=_("Record a correction claim"))


@bp.route("/cases/inclusion", methods=["GET", "POST"])
@access(CLERK)
def new_inclusion():
    form = InclusionForm()
    form.id_type.choices = evidence_choices(include_attestation=False)

    def lodge():
        centre = find_by_code(db.session, "centre", form.centre_code.data)
        if centre is None or not current_user.can_act_in(centre):
            raise ValidationFailed({"centre_code": [_("Polling centre %(code)s is not in your area.",
                                                      code=form.centre_code.data)]})
        person = {name: (getattr(form, name).data or "") for name in (
            "family_name", "given_names", "father_name", "sex", "place_of_birth", "id_type", "id_number")}
        born, person["birth_year_only"] = _birth(form.date_of_birth.data)
        person["date_of_birth"] = born.isoformat()
        return roll.lodge_inclusion(db.session, centre, person, form.evidence.data, current_user.username)

    done = _lodge(form, lodge)
    return done or render_template("registration/case_form.html", form=form,
                                   title=_("Record a claim for inclusion"))


@bp.route("/cases/<int:case_id>", methods=["POST"])
@access(SUPERVISOR, area=lambda case_id: (db.session.get(RollCase, case_id) or abort(404)).centre)
def decide_case(case_id: int):
    case = db.session.get(RollCase, case_id) or abort(404)
    form = CaseDecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose a decision and give the reason."), "error")
        return redirect(url_for("registration.cases"))
    try:
        roll.decide_case(db.session, case, form.decision.data == "upheld", form.reason.data, current_user.username)
    except ValidationFailed as failure:
        db.session.rollback()
        flash(str(failure), "error")
    else:
        db.session.commit()
        flash(_("Case %(id)d decided.", id=case.id), "success")
    return redirect(url_for("registration.cases"))


# ---- import ----------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@access(CLERK, SUPERVISOR)
def import_file():
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data, filename = upload.read(), upload.filename or "upload.csv"
        try:
            job = jobs.start_import(db.session, current_user, data, filename, bool(form.skip_invalid.data))
        except (TabularError, ValidationFailed) as failure:  # the whole file is refused at once
            db.session.rollback()
            form.file.errors = [str(failure)]
        else:
            db.session.commit()
            from electoral.registration.tasks import import_file as import_task

            import_task(job.id)
            read_as = encoding_of(data, filename)
            if read_as:
                flash(_("The file was read as %(encoding)s.", encoding=read_as), "info")
            return redirect(url_for("registration.import_progress", job_id=job.id))
    recent = db.session.scalars(db.select(ImportJob).where(ImportJob.user_id == current_user.id)
                                .order_by(ImportJob.id.desc()).limit(5)).all()
    return render_template("registration/import.html", form=form, recent=recent,
                           columns=import_rows.IMPORT_COLUMNS, optional=import_rows.IMPORT_OPTIONAL), \
        (400 if form.errors else 200)


def _import_reader(user, job_id: int) -> bool:
    job = db.session.get(ImportJob, job_id)
    return job is None or jobs.may_read_import(user, job)  # an unknown job is the page's 404


_import_reader.matrix_label = "uploader or supervisor"


@bp.route("/import/<int:job_id>")
@access(CLERK, SUPERVISOR, who=_import_reader)
def import_progress(job_id: int):
    job = db.session.get(ImportJob, job_id) or abort(404)
    return render_template("registration/import_job.html", job=job, rate=jobs.import_rate(job))


# ---- the roll: figures, assignment, freezing ---------------------------------

@bp.route("/roll")
@access(SUPERVISOR, ADMIN)
def roll_overview():
    level = request.args.get("level", "region")
    if level not in ("region", "district", "centre", "station"):
        level = "region"
    settings = election.current(db.session)
    rows = exports.figures(db.session, level, settings.polling_day) if settings else []
    return render_template("registration/roll.html", rows=rows, level=level, settings=settings,
                           bands=exports.band_labels(), duplicates=exports.duplicate_figures(db.session),
                           form=ConfirmForm())


@bp.route("/roll/figures.csv", defaults={"fmt": "csv"})
@bp.route("/roll/figures.xlsx", defaults={"fmt": "xlsx"})
@access(SUPERVISOR, ADMIN)
def figures_csv(fmt: str):
    level = request.args.get("level", "region")
    if level not in ("region", "district", "centre", "station"):
        abort(404)
    settings = election.current(db.session)
    rows = exports.figures(db.session, level, settings.polling_day) if settings else []
    header = ["code", "name", "total", "F", "M", *exports.band_labels()]
    return spreadsheet.download(fmt, header, ([r[h] for h in header] for r in rows), f"registered-voters-{level}")


@bp.route("/roll/voters.csv", defaults={"fmt": "csv"})
@bp.route("/roll/voters.xlsx", defaults={"fmt": "xlsx"})
@access(ADMIN)
def roll_csv(fmt: str):
    """The whole roll with personal data, for the administrator only, and noted in the audit trail."""
    # Streamed from the database into the file, counted on the way for the trail: never a list of the roll.
    rows = spreadsheet.Counted(exports.roll_rows(db.session, current_user.scope))
    response = spreadsheet.download(fmt, exports.ROLL_COLUMNS, rows, "voters")
    record_export(db.session, "Voter roll", f"voters.{fmt}", {"voters": rows.count, "columns": exports.ROLL_COLUMNS})
    db.session.commit()
    return response


@bp.route("/roll/assign", methods=["POST"])
@access(SUPERVISOR)
def assign():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    splits = assignment.assign_all(db.session)
    db.session.commit()
    flash(_("%(voters)d voters split into stations; %(moved)d placed or moved.",
            voters=sum(s.voters for s in splits), moved=sum(s.moved for s in splits)), "success")
    for split in splits:
        if split.unassigned:
            flash(_("Polling centre %(code)s: %(n)d voters have no station; %(more)d more stations are needed.",
                    code=split.centre.code, n=split.unassigned, more=split.stations_short), "warning")
    return redirect(url_for("registration.roll_overview"))


@bp.route("/roll/freeze", methods=["POST"])
@access(SUPERVISOR)
def freeze():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        election.freeze(db.session, current_user.username)
    except ValidationFailed as failure:
        db.session.rollback()
        flash(str(failure), "error")
    else:
        db.session.commit()
        flash(_("The final roll is frozen."), "success")
    return redirect(url_for("registration.roll_overview"))


# ---- election settings -----------------------------------------------------

@bp.route("/election", methods=["GET", "POST"])
@access(ADMIN)
def election_settings():
    settings = election.current(db.session)
    form = ElectionForm(obj=settings)
    if form.validate_on_submit():
        try:
            election.configure(db.session, form.name.data, form.polling_day.data, form.minimum_age.data,
                               registration=(form.registration_start.data, form.registration_end.data),
                               exhibition=(form.exhibition_start.data, form.exhibition_end.data),
                               date_order=form.date_order.data)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Election settings saved."), "success")
            return redirect(url_for("registration.election_settings"))
    return render_template("registration/election.html", form=form, settings=settings)


# ---- removals and transfers (the only changes once the roll is frozen) ------------

@bp.route("/voters/<number>/remove", methods=["POST"])
@access(SUPERVISOR)
def remove_voter(number: str):
    voter = _voter_in_scope(number)
    form = RemovalForm()
    if form.validate_on_submit():
        try:
            roll.remove(db.session, voter, form.reason.data, current_user.username, note=form.note.data)
        except ValidationFailed as failure:
            db.session.rollback()
            flash(str(failure), "error")
        else:
            db.session.commit()
            flash(_("Voter %(number)s removed.", number=voter.voter_number), "success")
    else:
        flash(_("Choose the reason and name the document or decision."), "error")
    return redirect(url_for("registration.voter_detail", number=number))


@bp.route("/voters/<number>/transfer", methods=["POST"])
@access(SUPERVISOR)
def transfer_voter(number: str):
    voter = _voter_in_scope(number)
    form = TransferForm()
    centre = find_by_code(db.session, "centre", form.centre_code.data or "")
    if not form.validate_on_submit() or centre is None or not current_user.can_act_in(centre):
        flash(_("Give a polling centre in your area and the reason for the transfer."), "error")
        return redirect(url_for("registration.voter_detail", number=number))
    try:
        roll.transfer(db.session, voter, centre, form.reason.data, current_user.username)
    except ValidationFailed as failure:
        db.session.rollback()
        flash(str(failure), "error")
    else:
        db.session.commit()
        flash(_("Voter %(number)s transferred to %(centre)s.", number=voter.voter_number, centre=centre.code),
              "success")
    return redirect(url_for("registration.voter_detail", number=number))

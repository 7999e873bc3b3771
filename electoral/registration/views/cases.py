"""Claims and objections during exhibition: lodging a case and deciding it."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography.services import find_by_code
from electoral.registration.blueprint import CLERK, SUPERVISOR, bp
from electoral.registration.forms import (
    SEX_CHOICES,
    CaseDecisionForm,
    CorrectionForm,
    InclusionForm,
    ObjectionForm,
)
from electoral.registration.models import RollCase
from electoral.registration.services import election, import_rows, roll
from electoral.registration.views.evidence import evidence_choices
from electoral.registration.views.voters import voter_in_scope

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
    if form.validate_on_submit() and (saved := save(lodge, form)):
        flash(_("Case %(id)d recorded; a supervisor will decide.", id=saved.result.id), "success")
        return redirect(url_for("registration.cases"))
    return None


@bp.route("/cases/objection", methods=["GET", "POST"])
@access(CLERK)
def new_objection():
    form = ObjectionForm()
    if request.method == "GET":
        form.voter_number.data = request.args.get("voter", "")
    done = _lodge(form, lambda: roll.lodge_objection(
        db.session, voter_in_scope(form.voter_number.data), form.ground.data, form.evidence.data,
        current_user))
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
        return roll.lodge_correction(db.session, voter_in_scope(form.voter_number.data), changes,
                                     form.evidence.data, current_user)

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
        return roll.lodge_inclusion(db.session, centre, person, form.evidence.data, current_user)

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
    if save(lambda: roll.decide_case(db.session, case, form.decision.data == "upheld", form.reason.data,
                                     current_user), joined=True):
        flash(_("Case %(id)d decided.", id=case.id), "success")
    return redirect(url_for("registration.cases"))

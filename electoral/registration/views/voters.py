"""Registering a voter, finding one, a voter's record and photo, removing and transferring a voter."""

import re
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.core.auth import access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography.services import find_by_code
from electoral.registration.blueprint import CLERK, READERS, SUPERVISOR, bp
from electoral.registration.forms import RegistrationForm, RemovalForm, SearchForm, TransferForm
from electoral.registration.services import duplicate_notice, election, exports, roll, voters
from electoral.registration.services.import_rows import parse_date
from electoral.registration.views.evidence import evidence_choices


def voter_or_404(number: str):
    voter = voters.find_by_number(db.session, number)
    if voter is None:
        abort(404)
    return voter


def voter_in_scope(number: str):
    voter = voter_or_404(number)
    if not current_user.can_act_in(voter.centre):
        abort(403)
    return voter


def _voter_centre(number: str):
    return voter_or_404(number).centre


def _registration_from(form: RegistrationForm) -> voters.Registration:
    errors: dict[str, list[str]] = {}
    try:
        born, year_only = parse_date(form.date_of_birth.data or "", election.date_order(db.session))
    except ValueError as problem:  # names the forms accepted, in the election's date order
        errors["date_of_birth"] = [str(problem)]
        born, year_only = None, False
    centre = find_by_code(db.session, "centre", form.centre_code.data or "")
    if centre is None:
        errors["centre_code"] = [_("No polling centre has the code %(code)s.", code=form.centre_code.data)]
    if errors:
        raise ValidationFailed(errors)
    return voters.Registration(
        family_name=form.family_name.data, given_names=form.given_names.data, sex=form.sex.data,
        date_of_birth=born, birth_year_only=year_only, centre=centre, id_type=form.id_type.data,
        id_number=form.id_number.data, father_name=form.father_name.data, place_of_birth=form.place_of_birth.data,
        attesting_numbers=[form.attesting_1.data or "", form.attesting_2.data or ""], phone=form.phone.data,
    )


def _pending_dir() -> Path:
    return voters.photo_dir() / "pending"


PENDING_TOKEN = re.compile(r"[0-9a-f]{32}")


def _pending_file(token: str | None) -> Path | None:
    """The stashed photo a form's token names: only a token _stash_photo made (the field comes from the request)."""
    return _pending_dir() / token if token and PENDING_TOKEN.fullmatch(token) else None


def _stash_photo(form: RegistrationForm) -> bytes | None:
    """The uploaded photo, kept under a token while the clerk looks at possible duplicates."""
    if form.photo.data and getattr(form.photo.data, "filename", ""):
        data = form.photo.data.read()
        token = secrets.token_hex(16)
        _pending_dir().mkdir(parents=True, exist_ok=True)
        (_pending_dir() / token).write_bytes(data)
        form.photo_token.data = token
        return data
    pending = _pending_file(form.photo_token.data)
    if pending is not None and pending.is_file():
        return pending.read_bytes()
    return None


def _register(form: RegistrationForm):
    data = _registration_from(form)
    data.photo = _stash_photo(form)
    return voters.register(db.session, data, current_user,
                           save_as_duplicate="1" in request.form.getlist("save_as_duplicate"))


@bp.route("/register", methods=["GET", "POST"])
@access(CLERK)
def register():
    form = RegistrationForm()
    form.id_type.choices = evidence_choices()
    matches = []
    if request.method == "GET" and current_user.scope_centre is not None:
        form.centre_code.data = current_user.scope_centre.code
    if form.validate_on_submit():
        try:
            saved = save(lambda: _register(form), form, aliases={"attesting_numbers": "attesting_1"})
        except voters.PossibleDuplicates as found:  # rolled back by save
            # Only the voter numbers for a clerk: the other people's data is not theirs to see.
            matches = duplicate_notice.notices(db.session, current_user, found.matches)
        else:
            if saved:
                voter = saved.result
                if (pending := _pending_file(form.photo_token.data)) is not None:
                    pending.unlink(missing_ok=True)
                if voter.status == "possible_duplicate":
                    flash(_("Voter %(number)s saved as a possible duplicate: a supervisor will decide.",
                            number=voter.voter_number), "warning")
                else:
                    flash(_("Voter %(number)s registered.", number=voter.voter_number), "success")
                return redirect(url_for("registration.voter_detail", number=voter.voter_number))
    return render_template("registration/register.html", form=form, matches=matches,
                           closed=election.registration_closed(db.session)), (409 if matches else 200)


@bp.route("/voters")
@access(*READERS)
def voter_list():
    form = SearchForm(request.args)
    form.validate()
    centre = find_by_code(db.session, "centre", form.centre.data) if form.centre.data else None
    query = exports.search_query(form.q.data or "", form.born.data, centre, form.status.data or "",
                                 scope=current_user.scope)
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("registration/voters.html", form=form, page=page)


@bp.route("/voters/<number>")
@access(*READERS, area=_voter_centre)
def voter_detail(number: str):
    voter = voter_or_404(number)
    pairs = voters.pairs_of(db.session, voter)
    return render_template("registration/voter.html", voter=voter, pairs=pairs,
                           kept=voters.find_by_id(db.session, voter.kept_voter_id),
                           removal_form=RemovalForm(), transfer_form=TransferForm())


@bp.route("/voters/<number>/photo")
@access(*READERS, area=_voter_centre)
def voter_photo(number: str):
    voter = voter_or_404(number)
    path = voters.photo_file(voter)  # None for a row naming anything but a stored photo
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=0)


# ---- removals and transfers (the only changes once the roll is frozen) ------------

@bp.route("/voters/<number>/remove", methods=["POST"])
@access(SUPERVISOR)
def remove_voter(number: str):
    voter = voter_in_scope(number)
    form = RemovalForm()
    if form.validate_on_submit():
        if save(lambda: roll.remove(db.session, voter, form.reason.data, current_user, note=form.note.data),
                joined=True):
            flash(_("Voter %(number)s removed.", number=voter.voter_number), "success")
    else:
        flash(_("Choose the reason and name the document or decision."), "error")
    return redirect(url_for("registration.voter_detail", number=number))


@bp.route("/voters/<number>/transfer", methods=["POST"])
@access(SUPERVISOR)
def transfer_voter(number: str):
    voter = voter_in_scope(number)
    form = TransferForm()
    centre = find_by_code(db.session, "centre", form.centre_code.data or "")
    if not form.validate_on_submit() or centre is None or not current_user.can_act_in(centre):
        flash(_("Give a polling centre in your area and the reason for the transfer."), "error")
        return redirect(url_for("registration.voter_detail", number=number))
    if save(lambda: roll.transfer(db.session, voter, centre, form.reason.data, current_user), joined=True):
        flash(_("Voter %(number)s transferred to %(centre)s.", number=voter.voter_number, centre=centre.code),
              "success")
    return redirect(url_for("registration.voter_detail", number=number))

"""Registering voters, the duplicate check before saving, search and the voter's page."""

import re
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from electoral.core import home
from electoral.core.auth import Role, access
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.extensions import db
from electoral.geography.services import find_by_code
from electoral.registration.forms import (
    STATUS_CHOICES,
    RegistrationForm,
    RemovalForm,
    SearchForm,
    TransferForm,
)
from electoral.registration.services import dedup, duplicate_notice, election, exports, roll, voters
from electoral.registration.services.import_rows import parse_date

bp = Blueprint("registration", __name__, url_prefix="/registration", template_folder="templates")

CLERK, SUPERVISOR, ADMIN = Role.REGISTRATION_CLERK, Role.REGISTRATION_SUPERVISOR, Role.ADMINISTRATOR
# Voters' personal data: only registration staff (and the administrator) read it.
READERS = (CLERK, SUPERVISOR, ADMIN)

home.register_nav(_l("Voters"), "registration.voter_list", order=20)
home.register_nav(_l("Duplicates"), "registration.duplicates", order=21)
home.register_nav(_l("Claims and objections"), "registration.cases", order=22)
home.register_nav(_l("The roll"), "registration.roll_overview", order=23)
home.register(_l("Register a voter"), "registration.register",
              _l("Enter a person's details; likely duplicates are shown before saving."), order=10)
home.register(_l("Find a voter"), "registration.voter_list",
              _l("By voter number, name in any script, or date of birth."), order=11)
home.register(_l("Possible duplicates"), "registration.duplicates",
              _l("Decide whether two records are the same person."), order=12)
home.register(_l("Claims and objections"), "registration.cases",
              _l("Record and decide claims and objections during exhibition."), order=13)
home.register(_l("Import registrations"), "registration.import_file",
              _l("Load registrations made offline from a CSV or XLSX file."), order=14)
home.register(_l("The roll"), "registration.roll_overview",
              _l("Figures, station assignment and freezing of the final roll."), order=15)
home.register(_l("Election settings"), "registration.election_settings",
              _l("Name, polling day, minimum age, registration and exhibition periods."), order=5)

STATUS_LABELS = dict(STATUS_CHOICES)


@bp.app_template_filter("voter_status")
def voter_status(value: str) -> str:
    return str(STATUS_LABELS.get(value, value))


PAIR_STATUS_LABELS = {"open": _l("To decide"), "duplicate": _l("Duplicate"), "not_duplicate": _l("Not a duplicate")}


@bp.app_template_filter("pair_status")
def pair_status(value: str) -> str:
    return str(PAIR_STATUS_LABELS.get(value, value))


@bp.app_template_filter("removal_reason")
def removal_reason_label(value: str) -> str:
    return str(roll.REMOVAL_LABELS.get(value, value))


IMPORT_STATUS_LABELS = {"queued": _l("Waiting"), "checking": _l("Checking the rows"),
                        "loading": _l("Loading in one transaction"), "writing": _l("Writing"),
                        "scanning": _l("Looking for duplicates"), "finished": _l("Finished"),
                        "refused": _l("Refused: nothing imported"), "failed": _l("Failed")}


@bp.app_template_filter("import_status")
def import_status(value: str) -> str:
    return str(IMPORT_STATUS_LABELS.get(value, value))


@bp.app_template_filter("reasons")
def reasons_text(reasons) -> list[str]:
    return dedup.describe(reasons or [])


def voter_or_404(number: str):
    voter = voters.find_by_number(db.session, number)
    if voter is None:
        abort(404)
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
            data = _registration_from(form)
            data.photo = _stash_photo(form)
            voter = voters.register(db.session, data, current_user.username, user=current_user,
                                    save_as_duplicate="1" in request.form.getlist("save_as_duplicate"))
        except voters.PossibleDuplicates as found:
            db.session.rollback()
            # Only the voter numbers for a clerk: the other people's data is not theirs to see.
            matches = duplicate_notice.notices(db.session, current_user, found.matches)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure, aliases={"attesting_numbers": "attesting_1"})
        else:
            db.session.commit()
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


from electoral.registration import views_pairs  # noqa: E402,F401,I001  (a pair side by side)
from electoral.registration import views_roll  # noqa: E402,F401  (more routes on the blueprint)
from electoral.registration.views_evidence import evidence_choices  # noqa: E402  (and the evidence types' pages)

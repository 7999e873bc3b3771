"""Results pages for clerks, supervisors and administrators; public pages are in public.py."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from electoral.core import home
from electoral.core.auth import Role, access, may
from electoral.core.errors import ValidationFailed
from electoral.core.forms import show_errors
from electoral.core.params import form_int
from electoral.core.uploads import run_upload
from electoral.extensions import db
from electoral.geography.models import PollingStation
from electoral.geography.services import find_any_by_code
from electoral.results import checks, services
from electoral.results.forms import (
    CandidatePhotoForm,
    CheckSettingForm,
    DecisionForm,
    EmptyForm,
    FindSheetForm,
    RacesImportForm,
    ReasonForm,
    entry_form,
    entry_values,
)
from electoral.results.models import FIELDS, SheetEvent, TallyEntry, TallySheet

bp = Blueprint("results", __name__, url_prefix="/results", template_folder="templates")

CLERK = (Role.RESULTS_CLERK,)
SUPERVISOR = (Role.RESULTS_SUPERVISOR,)
STAFF = (Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR)
READERS = (Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR)

home.register_nav(_l("Results"), "results.index", order=70)
home.register(_l("Enter a tally sheet"), "results.find_sheet",
              _l("First or second entry of a station's tally sheet."), order=70)
home.register(_l("Mismatched entries"), "results.corrections",
              _l("Compare the two entries of a sheet and settle each difference."), order=71)
home.register(_l("Quarantined sheets"), "results.quarantine",
              _l("Sheets that failed a check: audit them and decide."), order=72)
home.register(_l("Results by race"), "results.index",
              _l("Totals, counted share, turnout; certify a level."), order=73)
home.register(_l("Result checks"), "results.check_settings",
              _l("Switch each check on or off and set its tolerance."), order=74)


@bp.context_processor
def helpers():
    return {"state_label": services.state_label, "level_label": services.level_label,
            "event_label": services.event_label,
            "field_labels": services.field_labels(), "FIELDS": FIELDS}


def _race_or_404(code: str):
    race = services.find_race(db.session, code)
    if race is None:
        abort(404)
    return race


def _station_or_404(code: str) -> PollingStation:
    station = db.session.scalar(select(PollingStation).where(PollingStation.code == code.strip().upper()))
    if station is None:
        abort(404)
    return station


def area_or_404(code: str | None):
    """The region, district, centre or station named by ``code``; None (national) when blank."""
    if not code:
        return None
    area = find_any_by_code(db.session, code.upper())
    if area is None:
        abort(404)
    return area


@bp.route("/")
@access(*STAFF)
def index():
    races = services.all_races(db.session)
    waiting = {state: db.session.scalar(select(db.func.count(TallySheet.id)).where(TallySheet.state == state))
               for state in ("first_entry", "in_correction", "quarantined", "under_audit")}
    return render_template("results/index.html", races=races, waiting=waiting)


@bp.route("/races/import", methods=["GET", "POST"])
@access(Role.ADMINISTRATOR)
def import_races():
    form = RacesImportForm()
    outcome = run_upload(form, lambda data, name: services.import_races(db.session, data, name))
    if outcome.done:
        summary = outcome.result
        flash(_("Races: %(created)d created, %(updated)d updated. Candidates: %(c_created)d created, "
                "%(c_updated)d updated.", created=summary.races_created, updated=summary.races_updated,
                c_created=summary.candidates_created, c_updated=summary.candidates_updated), "success")
        return redirect(url_for("results.index"))
    return render_template("results/races_import.html", form=form, errors=outcome.errors,
                           columns=services.RACE_COLUMNS, optional=services.RACE_OPTIONAL), outcome.status


@bp.route("/races/<code>")
@access(*STAFF)
def race(code: str):
    race = _race_or_404(code)
    area = area_or_404(request.args.get("area"))
    if area is not None and area.level == "station":
        abort(404)
    summary = services.summary(db.session, race, area)
    return render_template("results/race.html", race=race, summary=summary, form=EmptyForm(),
                           can_certify=may("results.certify", code=race.code),
                           photo_form=CandidatePhotoForm() if may("results.candidate_photo") and area is None else None)


@bp.route("/races/<code>/candidates/<candidate_code>/photo", methods=["POST"])
@access(Role.ADMINISTRATOR)
def candidate_photo(code: str, candidate_code: str):
    race = _race_or_404(code)
    candidate = services.find_candidate(race, candidate_code)
    if candidate is None:
        abort(404)
    form = CandidatePhotoForm()
    if form.validate_on_submit():
        try:
            services.save_candidate_photo(db.session, candidate, form.photo.data.read())
        except ValidationFailed as failure:
            db.session.rollback()
            for messages in failure.errors.values():
                for message in messages:
                    flash(message, "error")
        else:
            db.session.commit()
            flash(_("Picture of %(name)s saved.", name=candidate.name), "success")
    else:
        for message in form.photo.errors:
            flash(message, "error")
    return redirect(url_for("results.race", code=race.code))


def _area_asked():
    """The area a certification page acts on: ``area`` of the query or form (blank: national)."""
    return area_or_404(request.values.get("area"))


@bp.route("/races/<code>/certify", methods=["GET", "POST"])
@access(*SUPERVISOR, area=lambda code: _area_asked())
def certify(code: str):
    """GET: what stands between the area and its certification; POST: certify it."""
    race, area = _race_or_404(code), _area_asked()
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            services.certify(db.session, race, area, current_user)
        except ValidationFailed as failure:
            db.session.rollback()
            for messages in failure.errors.values():
                for message in messages:
                    flash(message, "error")
        else:
            db.session.commit()
            flash(_("Results certified: they are now final for this area, and its sheets are closed."), "success")
            return redirect(url_for("results.race", code=race.code, area=area.code if area else None))
    found = services.outstanding(db.session, race, area)
    return render_template("results/certify.html", race=race, area=area, found=found, form=form,
                           summary_line=services.describe(found), decertify_form=ReasonForm(formdata=None),
                           certified=services.certification(db.session, race, area))


@bp.route("/races/<code>/decertify", methods=["POST"])
@access(*SUPERVISOR, area=lambda code: _area_asked())
def decertify(code: str):
    race, area = _race_or_404(code), _area_asked()
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.decertify(db.session, race, area, current_user, form.reason.data)
        except ValidationFailed as failure:
            db.session.rollback()
            for messages in failure.errors.values():
                for message in messages:
                    flash(message, "error")
        else:
            db.session.commit()
            flash(_("Certification withdrawn: the results are provisional again and the sheets are open."),
                  "success")
    else:
        flash(_("Give the reason."), "error")
    return redirect(url_for("results.certify", code=race.code, area=area.code if area else None))


@bp.route("/races/<code>/stations/<station_code>/excuse", methods=["GET", "POST"])
@access(*SUPERVISOR, area=lambda code, station_code: _station_or_404(station_code))
def excuse(code: str, station_code: str):
    """Excuse a station whose sheet will not come (cancelled with the reason), so its area can be certified."""
    race, station = _race_or_404(code), _station_or_404(station_code)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.excuse(db.session, race, station, current_user, form.reason.data)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Station %(station)s is excused: its sheet is cancelled and not counted.",
                    station=station.code), "success")
            return redirect(url_for("results.certify", code=race.code, area=station.centre.district.code))
    sheet = services.find_sheet(db.session, race, station)
    return render_template("results/excuse.html", race=race, station=station, sheet=sheet, form=form), \
        400 if form.errors else 200


@bp.route("/races/<code>/progress")
@access(*STAFF)
def progress(code: str):
    race = _race_or_404(code)
    states = ("not_received", "first_entry", "in_correction", "quarantined", "under_audit", "accepted", "cancelled")
    return render_template("results/progress.html", race=race, rows=services.progress(db.session, race),
                           states=states)


# ---- entry ----------------------------------------------------------------

@bp.route("/entry")
@access(*CLERK)
def find_sheet():
    form = FindSheetForm(request.args)
    form.race.choices = [(r.code, f"{r.code} — {r.name}") for r in services.all_races(db.session)]
    if request.args and form.validate():
        station = db.session.scalar(select(PollingStation).where(
            PollingStation.code == form.station.data.strip().upper()))
        if station is None:
            form.station.errors = [_("No polling station has the code %(code)s.", code=form.station.data)]
        else:
            return redirect(url_for("results.enter", race_code=form.race.data, station_code=station.code))
    return render_template("results/find_sheet.html", form=form)


@bp.route("/entry/<race_code>/<station_code>", methods=["GET", "POST"])
@access(*CLERK, area=lambda race_code, station_code: _station_or_404(station_code))
def enter(race_code: str, station_code: str):
    race, station = _race_or_404(race_code), _station_or_404(station_code)
    if not services.contested_at(db.session, race, station):
        flash(_("Race %(race)s is not contested at station %(station)s.", race=race.code, station=station.code),
              "error")
        return redirect(url_for("results.find_sheet"))
    sheet = services.find_sheet(db.session, race, station)
    number = services.next_entry_number(db.session, sheet)
    form = entry_form(race, services.field_labels(), request.form if request.method == "POST" else None)
    failed = False
    if number is not None and form.validate_on_submit():
        try:
            entry = services.submit_entry(db.session, race, station, current_user, entry_values(form, race),
                                          # Unreadable is 0, which the service refuses as the wrong entry.
                                          entry_no=form_int("entry_no", 0 if "entry_no" in request.form
                                                            else number, minimum=1, maximum=2))
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
            failed = True
        else:
            state = entry.sheet.state
            db.session.commit()
            flash({"first_entry": _("First entry saved. A different clerk makes the second entry."),
                   "in_correction": _("Second entry saved. It differs from the first: a supervisor will settle "
                                      "the differences."),
                   "accepted": _("Second entry saved. Both entries match and every check passed: the sheet "
                                 "is accepted."),
                   "quarantined": _("Second entry saved. Both entries match but a check failed: the sheet is "
                                    "quarantined for audit.")}[state], "success" if state != "quarantined"
                  else "error")
            return redirect(url_for("results.find_sheet"))
    registered = services.registered_voters(db.session, [station.id])[station.id]
    received = services.ballots_received(db.session, race, [station.id])[station.id]
    return render_template("results/enter.html", race=race, station=station, sheet=sheet, number=number,
                           form=form, registered=registered, received=received), \
        400 if failed or form.errors else 200


# ---- supervision ----------------------------------------------------------

@bp.route("/corrections")
@access(*SUPERVISOR)
def corrections():
    page = db.paginate(services.sheet_list_query(None, ("in_correction",)),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("results/corrections.html", page=page)


@bp.route("/sheets/<int:sheet_id>/resolve", methods=["GET", "POST"])
@access(*SUPERVISOR, area=lambda sheet_id: db.get_or_404(TallySheet, sheet_id).station)
def resolve(sheet_id: int):
    sheet = db.get_or_404(TallySheet, sheet_id)
    if sheet.state != "in_correction":
        flash(_("This sheet has no mismatch to resolve."), "info")
        return redirect(url_for("results.sheet", sheet_id=sheet.id))
    entries = services.current_entries(db.session, sheet)
    first, second = entries[1], entries[2]
    differing = services.differences(first.figures, second.figures)
    form = ReasonForm()
    if form.validate_on_submit():
        chosen = {}
        for key in differing:
            pick = request.form.get(f"pick_{key}", "")
            chosen[key] = {"1": services.figure(first.figures, key), "2": services.figure(second.figures, key)}.get(
                pick, request.form.get(f"rekey_{key}", ""))
        try:
            services.resolve(db.session, sheet, current_user, chosen, form.reason.data)
        except ValidationFailed as failure:
            db.session.rollback()
            for key, messages in failure.errors.items():
                for message in messages:
                    flash(f"{_row_label(sheet, key)}: {message}" if key else message, "error")
        else:
            state = sheet.state
            db.session.commit()
            flash(_("Differences settled; the sheet is %(state)s.", state=services.state_label(state)), "success")
            return redirect(url_for("results.corrections"))
    return render_template("results/resolve.html", sheet=sheet, first=first, second=second,
                           rows=_rows(sheet), differing=set(differing), form=form, figure=services.figure)


def _rows(sheet: TallySheet) -> list[tuple[str, str]]:
    labels = services.field_labels()
    rows = [(name, labels[name]) for name in FIELDS]
    return rows + [(f"candidate_{c.code}", f"{c.ballot_order}. {c.name}") for c in sheet.race.candidates]


def _row_label(sheet: TallySheet, key: str) -> str:
    return dict(_rows(sheet)).get(key, key)


@bp.route("/quarantine")
@access(*SUPERVISOR)
def quarantine():
    page = db.paginate(services.sheet_list_query(None, services.PENDING_AUDIT),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    reasons = {sheet.id: [o for o in services.explain(db.session, sheet) if o.passed is False]
               for sheet in page.items}
    return render_template("results/quarantine.html", page=page, reasons=reasons)


@bp.route("/sheets/<int:sheet_id>", methods=["GET", "POST"])
@access(*SUPERVISOR, area=lambda sheet_id: db.get_or_404(TallySheet, sheet_id).station)
def sheet(sheet_id: int):
    sheet = db.get_or_404(TallySheet, sheet_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide(db.session, sheet, current_user, form.decision.data, form.reason.data)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            state = sheet.state
            db.session.commit()
            flash(_("Decision recorded; the sheet is %(state)s.", state=services.state_label(state)), "success")
            return redirect(url_for("results.sheet", sheet_id=sheet.id))
    entries = db.session.scalars(select(TallyEntry).where(TallyEntry.sheet_id == sheet.id)
                                 .order_by(TallyEntry.round, TallyEntry.entry_no)).all()
    events = db.session.scalars(select(SheetEvent).where(SheetEvent.sheet_id == sheet.id)
                                .order_by(SheetEvent.id)).all()
    return render_template("results/sheet.html", sheet=sheet, form=form, entries=entries, events=events,
                           outcomes=services.explain(db.session, sheet), rows=_rows(sheet),
                           figure=services.figure, audit_form=EmptyForm())


@bp.route("/sheets/<int:sheet_id>/audit", methods=["POST"])
@access(*SUPERVISOR, area=lambda sheet_id: db.get_or_404(TallySheet, sheet_id).station)
def start_audit(sheet_id: int):
    sheet = db.get_or_404(TallySheet, sheet_id)
    if EmptyForm().validate_on_submit():
        try:
            services.start_audit(db.session, sheet, current_user)
        except ValidationFailed as failure:
            db.session.rollback()
            flash(str(failure), "error")
        else:
            db.session.commit()
    return redirect(url_for("results.sheet", sheet_id=sheet.id))


@bp.route("/clerks")
@access(*READERS)
def clerks():
    return render_template("results/clerks.html", records=services.clerk_ranking(db.session))


@bp.route("/checks", methods=["GET", "POST"])
@access(Role.ADMINISTRATOR)
def check_settings():
    current = checks.settings(db.session)
    if request.method == "POST":
        code = request.form.get("code", "")
        form = CheckSettingForm()
        if code in checks.BY_CODE and form.validate_on_submit():
            try:
                checks.save_setting(db.session, code, form.enabled.data, float(form.tolerance.data))
            except ValidationFailed as failure:
                db.session.rollback()
                flash(str(failure), "error")
            else:
                db.session.commit()
                flash(_("Check \"%(title)s\" saved.", title=checks.BY_CODE[code].title), "success")
                return redirect(url_for("results.check_settings"))
        else:
            flash(_("The tolerance must be a number, 0 or more."), "error")
    forms = [(check, CheckSettingForm(formdata=None, enabled=current[check.code][0],
                                      tolerance=current[check.code][1])) for check in checks.CHECKS]
    return render_template("results/checks.html", forms=forms)


from electoral.results import public  # noqa: E402,F401  (public pages on this blueprint)
from electoral.results.seats import views as _seats_views  # noqa: E402,F401  (seat pages on this blueprint)
from electoral.results.sheets import views as _sheets_views  # noqa: E402,F401  (sheet images, intake)

"""Supervision: mismatched entries and their resolution, quarantined sheets, a sheet's page and
audit, clerks' figures, and the result checks' settings."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import Role, access
from electoral.core.errors import ValidationFailed
from electoral.core.saving import save
from electoral.extensions import db
from electoral.results import checks, services
from electoral.results.blueprint import READERS, SUPERVISOR, bp
from electoral.results.forms import CheckSettingForm, DecisionForm, EmptyForm, ReasonForm
from electoral.results.models import FIELDS, SheetEvent, TallyEntry, TallySheet

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
        if saved := save(lambda: _resolved_state(sheet, chosen, form.reason.data),
                         show=lambda failure: _flash_by_row(sheet, failure)):
            state = saved.result
            flash(_("Differences settled; the sheet is %(state)s.", state=services.state_label(state)), "success")
            return redirect(url_for("results.corrections"))
    return render_template("results/resolve.html", sheet=sheet, first=first, second=second,
                           rows=_rows(sheet), differing=set(differing), form=form, figure=services.figure)


def _resolved_state(sheet: TallySheet, chosen: dict, reason: str) -> str:
    services.resolve(db.session, sheet, current_user, chosen, reason)
    return sheet.state


def _flash_by_row(sheet: TallySheet, failure: ValidationFailed) -> None:
    for key, messages in failure.errors.items():
        for message in messages:
            flash(f"{_row_label(sheet, key)}: {message}" if key else message, "error")


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
    if form.validate_on_submit() and (saved := save(lambda: _decided_state(sheet, form), form)):
        flash(_("Decision recorded; the sheet is %(state)s.", state=services.state_label(saved.result)), "success")
        return redirect(url_for("results.sheet", sheet_id=sheet.id))
    entries = db.session.scalars(select(TallyEntry).where(TallyEntry.sheet_id == sheet.id)
                                 .order_by(TallyEntry.round, TallyEntry.entry_no)).all()
    events = db.session.scalars(select(SheetEvent).where(SheetEvent.sheet_id == sheet.id)
                                .order_by(SheetEvent.id)).all()
    return render_template("results/sheet.html", sheet=sheet, form=form, entries=entries, events=events,
                           outcomes=services.explain(db.session, sheet), rows=_rows(sheet),
                           figure=services.figure, audit_form=EmptyForm())


def _decided_state(sheet: TallySheet, form) -> str:
    services.decide(db.session, sheet, current_user, form.decision.data, form.reason.data)
    return sheet.state


@bp.route("/sheets/<int:sheet_id>/audit", methods=["POST"])
@access(*SUPERVISOR, area=lambda sheet_id: db.get_or_404(TallySheet, sheet_id).station)
def start_audit(sheet_id: int):
    sheet = db.get_or_404(TallySheet, sheet_id)
    if EmptyForm().validate_on_submit():
        save(lambda: services.start_audit(db.session, sheet, current_user), joined=True)
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
            if save(lambda: checks.save_setting(db.session, code, form.enabled.data, float(form.tolerance.data)),
                    joined=True):
                flash(_("Check \"%(title)s\" saved.", title=checks.BY_CODE[code].title), "success")
                return redirect(url_for("results.check_settings"))
        else:
            flash(_("The tolerance must be a number, 0 or more."), "error")
    forms = [(check, CheckSettingForm(formdata=None, enabled=current[check.code][0],
                                      tolerance=current[check.code][1])) for check in checks.CHECKS]
    return render_template("results/checks.html", forms=forms)

"""The coordinator's dashboard, alerts, quick count and exports."""

import datetime as dt

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.config import OBSERVATION_DEADLINES
from electoral.core.audit import record_export
from electoral.core.auth import access, national
from electoral.core.params import bounded_int
from electoral.core.redirects import referrer_target
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography import services as geography
from electoral.observation import forms, labels, services
from electoral.observation.blueprint import COORDINATORS, bp
from electoral.observation.models import PHASES, Alert
from electoral.observation.sms import log as sms_log

# When each phase's reports are due, local time of polling day; a setting where practice differs.
DEFAULT_DEADLINES = OBSERVATION_DEADLINES  # declared in electoral/config.py


def _area():
    """The area the dashboard looks at: ?area=level:code inside the user's scope, else the scope."""
    scope = current_user.scope
    level, _sep, code = request.args.get("area", "").partition(":")
    # Drill-down stops at the polling centre, whose rows are its stations.
    if level in ("region", "district", "centre") and code:
        area = geography.find_by_code(db.session, level, code)
        if area is None:
            abort(404)
        if not current_user.can_act_in(area):
            abort(403)
        return area
    return scope


def _deadline(phase: str) -> tuple[str, dt.datetime]:
    text = request.args.get("deadline") or current_app.config["OBSERVATION_DEADLINES"].get(
        phase, DEFAULT_DEADLINES[phase])
    try:
        hour, minute = (int(p) for p in text.split(":"))
        moment = dt.datetime.now(dt.UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    except ValueError:
        text, moment = DEFAULT_DEADLINES[phase], dt.datetime.now(dt.UTC).replace(hour=23, minute=59)
    return text, moment


@bp.route("/")
@bp.route("/dashboard")
@access(*COORDINATORS)
def dashboard():
    area = _area()
    phase = request.args.get("phase") if request.args.get("phase") in PHASES else "opening"
    published = services.published_templates(db.session)
    in_phase = [t for t in published if t.phase == phase]
    chosen = request.args.get("template") or (in_phase[0].code if in_phase else "")
    deadline_text, deadline = _deadline(phase)
    alerts = db.session.scalars(services.alerts_query("unresolved", area).limit(50)).all()
    return render_template(
        "observation/dashboard.html", area=area, phase=phase, phase_labels=forms.PHASE_LABELS,
        templates=published, chosen=chosen, coverage=services.coverage(db.session, phase, area),
        aggregates=services.aggregates(db.session, chosen, area) if chosen else [],
        alerts=alerts, alert_labels=forms.ALERT_LABELS, alert_form=forms.AlertForm(),
        category_labels=forms.CATEGORY_LABELS, severity_labels=forms.SEVERITY_LABELS,
        late=services.late_stations(db.session, phase, deadline, dt.datetime.now(dt.UTC), area),
        deadline=deadline_text, conflicts=services.conflicts(db.session, phase, area),
        figures=services.live_figures(db.session, area), lineage=_lineage(area),
        lang=str(get_locale() or "en").split("_")[0], text_in=services.text_in,
        failures=sms_log.failures_by_region(db.session, current_user.scope))


def _lineage(area) -> list:
    return list(reversed(geography.lineage(area))) if area is not None else []


@bp.route("/dashboard/live.json")
@access(*COORDINATORS)
def dashboard_live():
    return jsonify(services.live_figures(db.session, _area()))


@bp.context_processor
def _clock():
    # The alert lists set each filing's phone time against the server's receipt time.
    # and a critical answer is worded in the reader's language (the stored summary is English).
    lang = str(get_locale() or "en").split("_")[0]
    return {"clock_gap": services.clock_gap, "clock_labels": labels.CLOCK_GAP,
            "critical_answer": lambda alert: services.critical_answer(alert, lang)}


@bp.route("/alerts/<int:alert_id>", methods=["POST"])
@access(*COORDINATORS)
def alert_handle(alert_id: int):
    alert = db.session.get(Alert, alert_id)
    if alert is None:
        abort(404)
    if not current_user.can_act_in(alert.station):
        abort(403)
    form = forms.AlertForm()
    if form.validate_on_submit():
        if save(lambda: services.handle_alert(db.session, alert, form.status.data, form.note.data or "",
                                              current_user), form, aliases={"note": "", "status": ""}):
            flash(_("Alert acknowledged.") if alert.status == "acknowledged" else _("Alert resolved."), "success")
    return redirect(referrer_target() or url_for("observation.dashboard"))


@bp.route("/alerts")
@access(*COORDINATORS)
def alerts():
    status = request.args.get("status", "")
    page = db.paginate(services.alerts_query(status, current_user.scope),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("observation/alerts.html", page=page, status=status, alert_labels=forms.ALERT_LABELS,
                           alert_form=forms.AlertForm(), category_labels=forms.CATEGORY_LABELS,
                           severity_labels=forms.SEVERITY_LABELS)


@bp.route("/quick-count")
@access(*COORDINATORS)
def quick_count():
    return _quick_count_page(forms.SampleForm())


# Same address as the page; a route of its own so that its declaration says only national coordinators draw.
@bp.route("/quick-count", methods=["POST"])
@access(*COORDINATORS, who=national)
def quick_count_draw():
    form = forms.SampleForm()
    if form.validate_on_submit():
        # Decimal digits only: str.isdigit() also passes "²", which int() refuses (a server error).
        seed = bounded_int(form.seed.data or "", maximum=10**20 - 1)
        count = services.draw_sample(db.session, int(form.size.data), seed)
        db.session.commit()
        flash(ngettext("%(num)d station drawn into the sample.", "%(num)d stations drawn into the sample.", count), "success")
        return redirect(url_for("observation.quick_count"))
    return _quick_count_page(form)


def _quick_count_page(form: forms.SampleForm):
    from electoral.observation.models import QuickCountSample
    from electoral.results.services.races import all_races

    sample_size = len(db.session.scalars(select(QuickCountSample.id)).all())
    race_code = request.args.get("race", "")
    official = services.official_counts(db.session, race_code) if race_code else None
    discrepancies = services.compare_with_official(db.session, official) if official is not None else None
    return render_template("observation/quick_count.html", form=form, estimates=services.estimates(db.session),
                           sample_size=sample_size, races=all_races(db.session), race_code=race_code,
                           discrepancies=discrepancies,
                           compared=len(set(official or {}) & set(services.observed_counts(db.session))),
                           sheets=services.sheet_comparison(db.session, race_code) if official is not None else None)


@bp.route("/quick-count/photos/<int:image_id>")
@access(*COORDINATORS, area=lambda image_id: _observer_photo_or_404(image_id).station)
def quick_count_photo(image_id: int):
    """An observer's photo of the posted sheet, for the comparison on the quick-count page (never public)."""
    from electoral.results.sheets import images

    path = images.image_file(_observer_photo_or_404(image_id))
    if path is None:
        abort(404)
    return send_file(path, max_age=0)


def _observer_photo_or_404(image_id: int):
    from electoral.results.sheets.models import SheetImage

    found = db.session.get(SheetImage, image_id)
    if found is None or found.observer_id is None:
        abort(404)
    return found


def _labels() -> dict[str, str]:
    return {"station": _("Polling station"), "observer": _("Observer"), "submitted_at": _("Submitted at"),
            "version": _("Version"), "revision": _("Revision"), "occurred_at": _("Time"),
            "category": _("Category"), "severity": _("Severity"), "description": _("Description"),
            "phase": _("Phase"), "area_code": _("Code"), "area": _("Area"), "reported": _("Reported"),
            "expected": _("Expected"), "received_at": _("Received at"), "clock": _("Phone clock"),
            **{f"clock_{k}": str(v) for k, v in labels.CLOCK_GAP.items()}}


@bp.route("/export/<kind>.<fmt>")
@access(*COORDINATORS)
def export(kind: str, fmt: str):
    if fmt not in ("csv", "xlsx") or kind not in ("submissions", "incidents", "coverage"):
        abort(404)
    lang = request.args.get("lang") or str(get_locale() or "en").split("_")[0]
    if kind == "submissions":
        code = request.args.get("template", "")
        if services.latest(db.session, code) is None:
            abort(404)
        header, rows = services.submission_table(db.session, code, lang, _labels(), current_user.scope)
        name = f"{code}-submissions"
    elif kind == "coverage":
        phases = {k: v for k, v in forms.PHASE_LABELS.items() if k != "incident"}
        header, rows = services.coverage_table(db.session, _labels(), phases, current_user.scope)
        name = "coverage"
    else:
        header, rows = services.incident_table(db.session, _labels(), current_user.scope)
        name = "incidents"
    rows = list(rows)
    if fmt == "csv":
        body, mimetype = services.to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = services.to_xlsx(header, rows, name)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    # Observers' names and reports leave the system: the trail says who took them.
    record_export(db.session, "Observation export", f"{name}.{fmt}", {"kind": kind, "rows": len(rows)})
    db.session.commit()
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})

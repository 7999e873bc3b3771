"""Seat pages on the results blueprint: the allocation step by step, the race's system, lots, second rounds."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from electoral.core.auth import Role, access, may, public
from electoral.core.errors import ValidationFailed
from electoral.core.params import bounded_int
from electoral.core.saving import save
from electoral.extensions import db
from electoral.geography.models import District
from electoral.results import services
from electoral.results.blueprint import READERS, bp
from electoral.results.forms import EmptyForm
from electoral.results.seats import explain, service
from electoral.results.seats.forms import LotsForm, SystemForm, method_choices
from electoral.results.views.lookups import race_or_404


def _district_or_404(code: str | None):
    if not code:
        return None
    district = db.session.scalar(select(District).where(District.code == code.strip().upper()))
    if district is None:
        abort(404)
    return district


def _number(value) -> str:
    """A figure in the reader's language, with the four decimals a quotient or remainder is shown with."""
    return format_decimal(value, format="#,##0.####")


@bp.route("/races/<code>/seats")
@access(*READERS)
def seats(code: str):
    race = race_or_404(code)
    district = _district_or_404(request.args.get("area"))
    try:
        computed = service.compute(db.session, race, district)
    except ValidationFailed as failure:
        return render_template("results/seats/seats.html", race=race, computed=None, refusal=str(failure),
                               method=explain.method_label(service.system_of(db.session, race).method)), 409
    forms = {tie.key: LotsForm(formdata=None, tie_key=tie.key, order=", ".join(tie.contenders))
             for tie in computed.ties}
    return render_template("results/seats/seats.html", race=race, computed=computed, refusal=None,
                           method=explain.method_label(computed.system.method), sentence=explain.sentence,
                           number=_number,
                           lots_forms=forms, runoff_form=EmptyForm(), runoff=service.runoff_of(db.session, race),
                           can_decide=may("results.record_lots", code=race.code))


@bp.route("/races/<code>/lots", methods=["POST"])
@access(Role.RESULTS_SUPERVISOR)
def record_lots(code: str):
    race = race_or_404(code)
    form = LotsForm()
    if form.validate_on_submit():
        if save(lambda: service.record_lots(db.session, race, form.tie_key.data, form.order.data.split(","),
                                            form.drawn_by.data, form.witnesses.data, current_user)):
            flash(_("The drawing of lots is recorded; the allocation now follows it."), "success")
    else:
        flash(_("Give the order drawn, who drew and the witnesses."), "error")
    area = (form.tie_key.data or "").split("|", 1)[0]
    return redirect(url_for("results.seats", code=race.code, area=area or None))


@bp.route("/races/<code>/runoff", methods=["POST"])
@access(Role.RESULTS_SUPERVISOR)
def create_runoff(code: str):
    race = race_or_404(code)
    if EmptyForm().validate_on_submit() and (saved := save(lambda: service.create_runoff(db.session, race))):
        flash(_("Second round %(code)s created with the qualified candidates: its tally sheets can now be "
                "entered.", code=saved.result.code), "success")
        return redirect(url_for("results.race", code=saved.result.code))
    return redirect(url_for("results.seats", code=race.code))


@bp.route("/races/<code>/system", methods=["GET", "POST"])
@access(Role.ADMINISTRATOR)
def race_system(code: str):
    race = race_or_404(code)
    system = service.system_of(db.session, race)
    quotas = service.district_seats(db.session, race)
    form = SystemForm(obj=None if request.method == "POST" else system)
    form.method.choices = method_choices()
    if request.method == "GET":
        form.district_seats.data = " ".join(f"{q.district.code}={q.seats}" for q in quotas)
        if quotas:
            form.seats.data = None
    if form.validate_on_submit():
        if save(lambda: _configure(race, form), form):
            flash(_("Electoral system of %(race)s saved.", race=race.name), "success")
            return redirect(url_for("results.race", code=race.code))
    return render_template("results/seats/system.html", race=race, form=form), 400 if form.errors else 200


def _configure(race, form: SystemForm) -> None:
    by_district = _district_text(form.district_seats.data)
    if by_district is None:
        raise ValidationFailed({"district_seats": [_("Write each district as CODE=SEATS.")]})
    service.configure(db.session, race, method=form.method.data, seats=form.seats.data or 0,
                      threshold=form.threshold.data, threshold_scope=form.threshold_scope.data,
                      first_divisor=form.first_divisor.data, advance=form.advance.data,
                      open_list=form.open_list.data, women_every=form.women_every.data,
                      seats_by_district=by_district)


def _district_text(text: str | None) -> dict[str, int] | None:
    """{district code: seats} from "D01=5 D02=3"; None when a part is not CODE=SEATS."""
    found = {}
    for part in (text or "").replace(",", " ").split():
        code, sep, count = part.partition("=")
        if not sep or bounded_int(count) is None:
            return None
        found[code.upper()] = int(count)
    return found


@bp.route("/public/<code>/seats.json")
@public
def public_seats(code: str):
    """Open data: the seats and who is elected, as `electoral results seats --json` gives them, and whether the
    race's results are certified; 409 with the reason while they cannot be computed."""
    race = race_or_404(code)
    try:
        computed = service.compute(db.session, race)
    except ValidationFailed as failure:
        return jsonify(race=race.code, error=str(failure)), 409
    return jsonify(**computed.as_json(), final=services.certification(db.session, race, None) is not None)

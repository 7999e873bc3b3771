"""Training coverage (page and export) and the public verification of a certificate."""

from flask import render_template
from flask_login import current_user

from electoral.core import spreadsheet
from electoral.core.auth import access, public
from electoral.extensions import db, limiter
from electoral.training import services
from electoral.training.blueprint import COORDINATORS, bp
from electoral.training.forms import ConfirmForm

# ---- coverage ------------------------------------------------------------------

@bp.route("/coverage")
@access(*COORDINATORS)
def coverage_page():
    rows = services.coverage(db.session, current_user.scope)
    totals = {"needed": sum(r.needed for r in rows), "certified": sum(r.certified for r in rows),
              "gap": sum(r.gap for r in rows)}
    return render_template("training/coverage.html", rows=sorted(rows, key=lambda r: (r.progress, r.code)),
                           totals=totals, template=services.staffing_template(db.session), confirm=ConfirmForm())


@bp.route("/coverage.csv", defaults={"fmt": "csv"})
@bp.route("/coverage.xlsx", defaults={"fmt": "xlsx"})
@access(*COORDINATORS)
def coverage_csv(fmt: str):
    rows = services.coverage_rows(services.coverage(db.session, current_user.scope))
    return spreadsheet.download(fmt, services.CSV_COLUMNS, rows, "training-coverage")


# ---- public verification ----------------------------------------------------------

@bp.route("/verify/<code>")
@limiter.limit("30 per minute")
@public
def verify(code: str):
    certificate = services.find_certificate(db.session, code)
    return render_template("training/verify.html", certificate=certificate), 200 if certificate else 404

"""The audit trail: searching it and verifying its chain."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from electoral.core.auth import Role, access
from electoral.core.blueprint import bp
from electoral.core.forms import AuditFilterForm
from electoral.core.services import audit_query, entity_types
from electoral.extensions import db


@bp.route("/audit")
@access(Role.ADMINISTRATOR)
def audit_trail():
    form = AuditFilterForm(request.args)
    form.entity_type.choices = [("", _("Any"))] + [(t, t) for t in entity_types(db.session)]
    form.validate()
    query = audit_query(
        username=form.username.data or "", entity_type=form.entity_type.data or "",
        action=form.action.data or "", entity_id=form.entity_id.data or "",
        date_from=form.date_from.data, date_to=form.date_to.data,
    )
    page = db.paginate(query, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("core/audit.html", form=form, page=page)


@bp.route("/audit/verify", methods=["POST"])
@access(Role.ADMINISTRATOR)
def audit_verify():
    from electoral.core.audit import chain_pending
    from electoral.core.audit_verify import verify_chain

    chain_pending(db.session)  # first give waiting entries their place, in a transaction of its own
    db.session.commit()
    count, problems = verify_chain(db.session)
    if problems:
        flash(ngettext("The audit trail is broken in %(num)d place: %(first)s",
                       "The audit trail is broken in %(num)d places: %(first)s", len(problems),
                       first=f"#{problems[0].seq} {problems[0].message}"), "error")
    else:
        flash(ngettext("The audit trail's only entry is intact.",
                       "All %(num)d entries of the audit trail are intact.", count), "success")
    return redirect(url_for("core.audit_trail"))

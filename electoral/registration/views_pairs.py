"""One possible duplicate pair side by side, where a supervisor decides it (from the queue or a voter's page)."""

from flask import abort, render_template, request, url_for
from flask_login import current_user

from electoral.core.auth import access
from electoral.core.redirects import local_target
from electoral.extensions import db
from electoral.registration.forms import DecisionForm
from electoral.registration.models import DuplicatePair
from electoral.registration.views import SUPERVISOR, bp


def pair_in_scope(pair_id: int) -> DuplicatePair:
    """The pair, if both its records lie in the supervisor's area (deciding removes one of them)."""
    pair = db.session.get(DuplicatePair, pair_id) or abort(404)
    if not (current_user.can_act_in(pair.voter_a.centre) and current_user.can_act_in(pair.voter_b.centre)):
        abort(403)
    return pair


@bp.route("/duplicates/<int:pair_id>", methods=["GET"])
@access(SUPERVISOR)
def pair(pair_id: int):
    pair = pair_in_scope(pair_id)
    back = local_target(request.args.get("next")) or url_for("registration.duplicates")
    return render_template("registration/pair.html", pair=pair, form=DecisionForm(), back=back)

"""The gateways' webhook, the coordinators' message log, and fixing a message by hand.

The webhook is public (gateways hold no account) but refuses any call without the
gateway's secret, and stores nothing from it: a call without the secret is not
from our gateway, so there is no observer's message to lose.
"""

import dataclasses

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from electoral.core import home
from electoral.core.auth import access, public
from electoral.core.params import query_int
from electoral.core.saving import save
from electoral.extensions import csrf, db
from electoral.geography.models import Region
from electoral.observation import labels
from electoral.observation.models import Observer
from electoral.observation.roles import COORDINATORS
from electoral.observation.sms import gateways, log, services
from electoral.observation.sms.models import SMS_STATES, SmsMessage
from electoral.observation.sms.tasks import send_reply

bp = Blueprint("sms", __name__, url_prefix="/sms", template_folder="templates")

STATUS_LABELS = labels.SMS_STATE

home.register(_l("SMS messages"), "sms.messages",
              _l("Every checklist and incident sent by SMS, and those that could not be read."), order=64)


@bp.route("/inbound/<gateway_name>", methods=["GET", "POST"])
@csrf.exempt
@public
def inbound(gateway_name: str):
    gateway = gateways.configured().get(gateway_name)
    if gateway is None or gateway.get("kind") not in gateways.KINDS:
        abort(404)
    if not gateways.authentic(gateway, request):
        abort(403)
    kind = gateway["kind"]
    try:
        message = gateways.read(kind, request)
    except gateways.NotAMessage:
        # A delivery or status report (Telerivet send_status, Africa's Talking delivery report): acknowledged
        # with 200, as those gateways expect, and not stored: it carries no observer's message.
        return ("", 200)
    in_response = kind in gateways.REPLY_IN_RESPONSE or message.webhook
    try:
        outcome = _receive(gateway_name, message, in_response)
    except IntegrityError:
        # The same message id arriving twice at once: the second is the repeat.
        db.session.rollback()
        outcome = _receive(gateway_name, message, in_response)
    stored = outcome  # read before the commit, which would expire the message and cost a query
    if not in_response:
        if stored.reply_status == "queued":
            send_reply(stored.id)
        return jsonify({"status": stored.status})
    if kind == "telerivet":
        return jsonify({"messages": [{"content": stored.reply}] if stored.reply else []})
    if message.webhook:
        # RapidPro's flow reads @webhook.status and sends @webhook.reply (docs/rapidpro.md).
        return jsonify({"status": stored.status, "reply": stored.reply})
    response = make_response(stored.reply, 200)
    response.mimetype = "text/plain"
    return response


@dataclasses.dataclass(frozen=True)
class _Stored:
    id: int
    status: str
    reply: str
    reply_status: str


def _receive(gateway_name: str, message: gateways.Inbound, in_response: bool) -> _Stored:
    """Store and act on the message, in one commit with its reply's state."""
    # A repeat gets the first answer again in the response, but no second SMS through the API.
    outcome = services.receive(db.session, gateway_name, message.gateway_id, message.sender, message.text,
                               reply_status="in_response" if in_response else "queued")
    stored = outcome.message
    kept = _Stored(stored.id, stored.status, stored.reply, stored.reply_status)
    db.session.commit()
    return kept


def _region_choices():
    scope = current_user.scope
    regions = db.session.scalars(select(Region).order_by(Region.name)).all()
    return [r for r in regions if scope is None or current_user.can_act_in(r)]


@bp.route("/messages")
@access(*COORDINATORS)
def messages():
    status = request.args.get("status", "")
    status = status if status in SMS_STATES else ""
    region_id = query_int("region", minimum=1)
    observer_id = query_int("observer", minimum=1)
    q = request.args.get("q", "").strip()
    query = log.message_query(q, status, region_id, observer_id, current_user.scope)
    page = db.paginate(query, per_page=50)
    observer = db.session.get(Observer, observer_id) if observer_id else None
    return render_template("sms/messages.html", page=page, q=q, status=status, region_id=region_id,
                           regions=_region_choices(), labels=STATUS_LABELS, observer=observer,
                           failures=log.failures_by_region(db.session, current_user.scope))


class FixForm(FlaskForm):
    text = TextAreaField(_l("Corrected message"), validators=[DataRequired(), Length(max=2000)])


def _message_area(message_id: int):
    message = db.session.get(SmsMessage, message_id)
    if message is None:
        abort(404)
    return message.station


@bp.route("/messages/<int:message_id>/fix", methods=["GET", "POST"])
@access(*COORDINATORS, area=_message_area)
def fix(message_id: int):
    message = db.get_or_404(SmsMessage, message_id)
    if message.station is None and current_user.scope is not None:
        abort(403)  # an unplaced message belongs to the national coordinators
    form = FixForm()
    if request.method == "GET":
        form.text.data = " ".join(services.parser.tokens(message.body))
    if form.validate_on_submit() and save(
            lambda: services.fix_by_hand(db.session, message, form.text.data, current_user), form):
        flash(_("The message was filed as a checklist."), "success")
        return redirect(url_for("sms.messages"))
    return render_template("sms/fix.html", form=form, message=message, labels=STATUS_LABELS)

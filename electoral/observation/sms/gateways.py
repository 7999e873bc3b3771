"""The SMS gateways we accept messages from and reply through, each in its own documented format.

Configured in ``SMS_GATEWAYS`` (app config) or, failing that, the environment variable
``ELECTORAL_SMS_GATEWAYS`` holding JSON::

    {"telerivet-lr": {"kind": "telerivet", "secret": "..."},
     "at-lr": {"kind": "africastalking", "secret": "...", "send_url": "https://api.africastalking.com/version1/messaging",
               "username": "...", "api_key": "...", "sender_id": "NEC"},
     "textit": {"kind": "rapidpro", "secret": "...", "send_url": "https://textit.com/api/v2/broadcasts.json",
                "api_token": "..."},
     "kannel": {"kind": "kannel", "secret": "..."}}

Each gateway posts to ``/sms/inbound/<name>`` with the secret in the ``X-SMS-Secret``
header, or a ``secret`` / ``key`` query or form parameter (Telerivet sends ``secret``
in its form; Africa's Talking and Kannel can only carry it in the URL we give them).
Prefer the header wherever the gateway can add one (RapidPro/TextIt and HTTP relays can):
a URL ends up in access logs, where electoral/core/logmask.py masks these parameters.

Inbound fields, as each gateway's documentation gives them:
- telerivet: POST form ``event`` (incoming_message), ``id``, ``from_number``, ``content``,
  ``secret``; a reply in the response as JSON ``{"messages": [{"content": ...}]}``.
- africastalking: POST form ``from``, ``to``, ``text``, ``date``, ``id`` (``linkId``);
  the reply is sent through the messaging API (form ``username``, ``to``, ``message``,
  ``from``; header ``apiKey``).
- rapidpro (RapidPro, TextIt): a flow's "Call webhook" with RapidPro's default body (JSON
  ``contact.urn``, ``input.text``, ``run.uuid``, ``path``), answered in the response as JSON
  ``{"status", "reply"}`` for the flow to send (``@webhook.reply``; docs/rapidpro.md); or an
  external channel's form/JSON ``from``, ``text``, ``id``, answered through RapidPro's send API
  (``send_url`` .../api/v2/broadcasts.json, ``api_token``; JSON ``urns``, ``text``).
- kannel (a plain GET/POST such as Kannel's sms-service ``get-url``, e.g.
  ``?sender=%p&text=%a&id=%I``): ``sender`` or ``from``, ``text`` or ``message``, ``id``;
  the reply is the plain-text response body, which Kannel sends back.
"""

import dataclasses
import hmac
import json
import urllib.parse
import urllib.request

from flask import Request, current_app

KINDS = ("telerivet", "africastalking", "rapidpro", "kannel")
# Gateways whose webhook response carries the reply; the others get it through their send API.
REPLY_IN_RESPONSE = {"telerivet", "kannel"}


@dataclasses.dataclass
class Inbound:
    sender: str
    text: str
    gateway_id: str
    # A RapidPro/TextIt flow's "Call webhook": the flow replies with what the response says (@webhook).
    webhook: bool = False


class NotAMessage(ValueError):
    """A webhook call that carries no inbound message (a status report, a test ping)."""


def configured() -> dict[str, dict]:
    """Every gateway by name."""
    return current_app.config.get("SMS_GATEWAYS") or {}  # declared in electoral/config.py


def authentic(gateway: dict, request: Request) -> bool:
    """Whether the request carries the gateway's secret (compared in constant time)."""
    expected = str(gateway.get("secret") or "")
    given = (request.headers.get("X-SMS-Secret") or request.args.get("secret") or request.args.get("key")
             or request.form.get("secret") or "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _fields(request: Request) -> dict:
    if request.is_json:
        body = request.get_json(silent=True)
        return {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    return {**request.args.to_dict(), **request.form.to_dict()}


def _rapidpro_webhook(body: dict) -> Inbound:
    """RapidPro's default "Call webhook" body: contact (urn), input (text), run (uuid), path."""
    contact = body.get("contact") if isinstance(body.get("contact"), dict) else {}
    given = body.get("input")
    given = given if isinstance(given, dict) else {}
    urn = str(contact.get("urn") or "")
    sender = urn.split(":", 1)[1] if ":" in urn else urn  # "tel:+231770000001" -> "+231770000001"
    run = body.get("run") if isinstance(body.get("run"), dict) else {}
    path = body.get("path") if isinstance(body.get("path"), list) else []
    step = path[-1].get("uuid", "") if path and isinstance(path[-1], dict) else ""
    if not sender:
        raise NotAMessage("no contact urn")
    # The run and the step it is at: a retry of the same call has both the same, the next question does not.
    gateway_id = f"{run.get('uuid', '')}:{step}" if run.get("uuid") else ""
    return Inbound(sender, str(given.get("text") or ""), gateway_id, webhook=True)


def read(kind: str, request: Request) -> Inbound:
    """The sender, text and gateway's id of an inbound message, in the gateway's format."""
    if kind == "rapidpro" and request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and "contact" in body:
            return _rapidpro_webhook(body)
    fields = _fields(request)
    if kind == "telerivet":
        if fields.get("event", "incoming_message") != "incoming_message":
            raise NotAMessage(fields.get("event"))
        sender, text = fields.get("from_number"), fields.get("content")
    elif kind == "kannel":
        sender, text = fields.get("sender") or fields.get("from"), fields.get("text") or fields.get("message")
    else:
        sender, text = fields.get("from"), fields.get("text")
    if not sender:
        raise NotAMessage("no sender")
    return Inbound(sender, text or "", fields.get("id") or "")


def send_request(url: str, data: dict, headers: dict) -> int:
    """POST a form (JSON when the headers say so); the HTTP status. The one place that calls out (tests replace it)."""
    body = (json.dumps(data).encode() if headers.get("Content-Type") == "application/json"
            else urllib.parse.urlencode(data).encode())
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 (configured https URL)
        return response.status


def send(gateway: dict, to: str, text: str) -> None:
    """Send one reply through the gateway's API; raises on failure, so the job retries."""
    kind = gateway.get("kind")
    url = gateway.get("send_url")
    if not url:
        raise RuntimeError("gateway has no send_url")
    headers = {"Accept": "application/json"}
    if kind == "africastalking":
        headers["apiKey"] = gateway.get("api_key", "")
        data = {"username": gateway.get("username", ""), "to": to, "message": text}
        if gateway.get("sender_id"):
            data["from"] = gateway["sender_id"]
    elif kind == "rapidpro":
        # RapidPro's send API (POST /api/v2/broadcasts.json), never the channel's receive URL, which
        # would log the reply as a message from the observer.
        headers["Authorization"] = f"Token {gateway.get('api_token', '')}"
        headers["Content-Type"] = "application/json"
        data = {"urns": [f"tel:{to}"], "text": text}
    else:
        if gateway.get("api_key"):
            headers["Authorization"] = f"Bearer {gateway['api_key']}"
        data = {"to": to, "text": text}
    status = send_request(url, data, headers)
    if status >= 300:
        raise RuntimeError(f"gateway answered {status}")

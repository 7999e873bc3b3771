"""Turning an inbound SMS into a submission or an incident, and the reply the observer gets.

Every message is stored first, whatever it holds; the checks and the filing are
observation's own (``validate_answers`` through ``submit``, ``may_file``,
``report_incident``), so an SMS files exactly as the phone pages do.
"""

import dataclasses
import datetime as dt
import functools
import hashlib
import re
import uuid

import phonenumbers
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.orm import Session, joinedload

from electoral.accounts.models import User
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography.models import PollingStation
from electoral.observation.models import ChecklistTemplate, Observer
from electoral.observation.services.filing import Definition, may_file, published_definition
from electoral.observation.services.incidents import report_incident
from electoral.observation.services.observers import stations_of
from electoral.observation.services.submissions import submit
from electoral.observation.sms import parser
from electoral.observation.sms.models import SmsMessage
from electoral.registration.services import election

# One SMS holds 160 GSM characters (70 in Arabic); replies stay within three parts.
REPLY_LIMIT = 300


def normalise(number: str, region: str | None = None) -> str | None:
    """A phone number in E.164 (+231770000001), or None when it cannot be read."""
    return _e164((number or "").strip(), region or current_app.config.get("SMS_DEFAULT_REGION", "LR"))


@functools.lru_cache(maxsize=65536)
def _e164(number: str, region: str) -> str | None:
    # Parsing costs more than the rest of a message's checks; the same phones write all day.
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _same_phone(observer: Observer, sender: str) -> bool:
    return normalise(observer.phone) == sender


def observer_for(session: Session, sender: str, number: str | None,
                 by_number: Observer | None | bool = False) -> Observer | None:
    """The accredited, deployed observer who owns this phone (the number in the message first).

    ``by_number``: the observer with the message's number, when the caller has read it already.
    """
    if number:
        observer = _by_number(session, number) if by_number is False else by_number
        if observer is not None and _same_phone(observer, sender):
            return observer if observer.accredited and stations_of(observer) else None
    # A slip in the accreditation number: tell the observer apart from a stranger. Phones
    # are stored as typed ("0777 123 456", "07 77 12 34 56"): the last two digits are
    # together in every usual grouping, which narrows the search a hundredfold.
    tail = "".join(ch for ch in sender if ch.isdigit())[-2:]
    candidates = select(Observer).where(Observer.accreditation == "approved", Observer.phone.like(f"%{tail}"))
    for observer in session.scalars(candidates):
        if _same_phone(observer, sender) and observer.accredited and stations_of(observer):
            return observer
    return None


def _observer_options():
    # The account is read for its language and id; its roles are not needed here.
    return joinedload(Observer.station), joinedload(Observer.user).lazyload(User.role_links)


def _by_number(session: Session, number: str) -> Observer | None:
    return session.scalar(select(Observer).options(*_observer_options())
                          .where(Observer.accreditation_number.in_(parser.accreditation_numbers(number.upper())))
                          .limit(1))


def language_of(observer: Observer | None) -> str:
    """The language to answer in: the observer's account's, else the first they speak that we have."""
    languages = current_app.config.get("LANGUAGES", {"en": "English"})
    if observer is not None:
        if observer.user is not None and observer.user.locale in languages:
            return observer.user.locale
        for lang in (observer.languages or "").split():
            if lang in languages:
                return lang
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


def _newest_published(keyword):
    """The newest published version's id of the checklist ``keyword`` (upper case) names."""
    return (select(ChecklistTemplate.id).where(func.upper(ChecklistTemplate.code) == keyword,
                                               ChecklistTemplate.published.is_(True))
            .order_by(ChecklistTemplate.version.desc()).limit(1).scalar_subquery())


def find_template(session: Session, keyword: str) -> Definition | None:
    """The newest published version of the checklist whose code the message starts with."""
    template = session.execute(select(
        ChecklistTemplate.id, ChecklistTemplate.code, ChecklistTemplate.version, ChecklistTemplate.created_at)
        .where(ChecklistTemplate.id == _newest_published(keyword.upper()))).first()
    return published_definition(session, *template) if template else None


@dataclasses.dataclass
class Outcome:
    message: SmsMessage
    created: bool  # False for a repeat of a message already received


@dataclasses.dataclass
class _Context:
    """What acting on a message reads, fetched in one query."""

    first_id: int | None  # the message with the same gateway id received before
    by_number: Observer | None  # the observer with the accreditation number in the message
    template: Definition | None  # the newest published checklist the keyword names


@functools.cache
def _context_query():
    # Built once: building the statement costs more than running it from the compiled cache.
    one = select(literal(1).label("one")).subquery("one")
    first = (select(SmsMessage.id).where(SmsMessage.gateway == bindparam("gateway"),
                                         SmsMessage.gateway_id == bindparam("gateway_id"),
                                         SmsMessage.status != "duplicate").limit(1).scalar_subquery())
    return (select(first, Observer, ChecklistTemplate.id, ChecklistTemplate.code, ChecklistTemplate.version,
                   ChecklistTemplate.created_at)
            .select_from(one)
            .outerjoin(Observer, Observer.accreditation_number.in_(bindparam("numbers", expanding=True)))
            .outerjoin(ChecklistTemplate, ChecklistTemplate.id == _newest_published(bindparam("keyword")))
            .options(*_observer_options()).limit(1))


def _context(session: Session, gateway: str, gateway_id: str, header: parser.Header | None) -> _Context:
    numbers = parser.accreditation_numbers(header.number.upper()) if header else []
    keyword = header.keyword.upper() if header and header.keyword not in parser.INCIDENT_KEYWORDS else ""
    row = session.execute(_context_query(), {"gateway": gateway, "gateway_id": gateway_id, "numbers": numbers,
                                             "keyword": keyword}).first()
    first_id, observer, template_id, code, version, created_at = row
    template = published_definition(session, template_id, code, version, created_at) if template_id else None
    return _Context(first_id, observer, template)


def receive(session: Session, gateway: str, gateway_id: str, sender: str, text: str,
            reply_status: str = "none") -> Outcome:
    """Store an inbound message, act on it, and set the reply (the caller sends it).

    ``reply_status``: how the reply of a new message goes out (in the webhook's response, or
    queued for the gateway's send API), set before the one INSERT.
    """
    gateway_id = (gateway_id or "").strip()[:120]
    try:
        header, errors = parser.read_header(text or ""), []
    except parser.SmsFormatError as failure:
        header, errors = None, failure.errors
    context = _context(session, gateway, gateway_id, header)
    first_id = context.first_id if gateway_id else _same_text_lately(session, gateway, sender, text)
    if first_id is not None:
        first = session.get(SmsMessage, first_id)
        repeat = SmsMessage(gateway=gateway, gateway_id=gateway_id, sender=first.sender, body=text or "",
                            received_at=utcnow(), status="duplicate", error="", reply=first.reply,
                            reply_status="none", observer_id=first.observer_id)
        session.add(repeat)
        session.flush()
        return Outcome(repeat, False)
    # Some Kannel set-ups send no id: one of our own stands in, so the message is kept all the same.
    message = SmsMessage(gateway=gateway, gateway_id=gateway_id or f"local-{uuid.uuid4().hex}",
                         sender=normalise(sender) or (sender or "")[:40], body=(text or "")[:2000],
                         received_at=utcnow(), status="rejected", error="", reply="", reply_status="none")
    # Added once acted on: one INSERT (and one audit entry) with its outcome, not an insert then an update.
    # Every message acted on gets a reply, set before the filing's flush may write the message.
    message.reply_status = reply_status
    process(session, message, header, errors, context)
    if not message.reply:
        message.reply_status = "none"
    session.add(message)
    session.flush()
    return Outcome(message, True)


# A gateway that sends no message id (some Kannel set-ups) may still deliver a message twice: the same
# text from the same phone through it within this many minutes is taken for the repeat, not a new filing.
SAME_TEXT_WINDOW = dt.timedelta(minutes=5)


def _same_text_lately(session: Session, gateway: str, sender: str, text: str) -> int | None:
    """The first message with this text from this phone through this gateway lately, for a gateway without ids."""
    return session.scalar(select(SmsMessage.id).where(
        SmsMessage.gateway == gateway, SmsMessage.sender.in_({normalise(sender) or (sender or "")[:40], sender or ""}),
        SmsMessage.body == (text or "")[:2000], SmsMessage.status != "duplicate",
        SmsMessage.received_at >= utcnow() - SAME_TEXT_WINDOW).order_by(SmsMessage.id).limit(1))


def client_id(message: SmsMessage) -> str:
    """The filing's client id: the gateway's message id, so a message can only ever file once."""
    return "sms-" + hashlib.sha256(f"{message.gateway}\0{message.gateway_id}".encode()).hexdigest()[:40]


def _fail(message: SmsMessage, errors: list[str]) -> None:
    message.status = "rejected"
    message.error = "\n".join(errors)
    message.reply = _short(_("Not filed: %(errors)s", errors=" ".join(errors)))


def _short(text: str) -> str:
    return text if len(text) <= REPLY_LIMIT else text[:REPLY_LIMIT - 1] + "…"


def process(session: Session, message: SmsMessage, header: parser.Header | None, errors: list[str],
            context: _Context) -> None:
    """Check and file one message (its header read, its context fetched), setting its status and reply."""
    observer = observer_for(session, message.sender, header.number if header else None, context.by_number)
    message.observer = observer
    if observer is not None and len(stations_of(observer)) == 1:
        # Even a malformed message is placed, so the log's area scope and region figures see it.
        message.station = stations_of(observer)[0]
    with force_locale(language_of(observer)):
        if observer is None:
            message.status = "unknown_sender"
            message.error = _("No accredited, deployed observer has this phone number.")
            message.reply = _("This phone number is not registered for an accredited observer. "
                              "Call your coordinator.")
            return
        if header is None:
            return _fail(message, errors)
        if (observer.accreditation_number or "").upper() not in parser.accreditation_numbers(header.number):
            return _fail(message, [_("%(number)s is not your accreditation number.", number=header.number)])
        if header.keyword in parser.INCIDENT_KEYWORDS:
            return _incident(session, message, observer, header)
        _checklist(session, message, observer, header, context.template)


def _station(observer: Observer, words: list[str]) -> tuple[PollingStation | None, list[str], str | None]:
    stations = stations_of(observer)
    if len(stations) == 1:
        return stations[0], words, None
    # Station codes hold dashes ("MO-01-001-1"), which the message's separators split: join words back.
    by_code = {re.sub(r"[^0-9A-Z]", "", s.code.upper()): s for s in stations}
    for count in range(1, min(len(words), 6) + 1):
        station = by_code.get("".join(words[:count]))
        if station is not None:
            return station, words[count:], None
    return None, words, _("Put the polling station code after your number.")


def _incident(session: Session, message: SmsMessage, observer: Observer, header: parser.Header) -> None:
    station, words, problem = _station(observer, header.tokens)
    if problem:
        return _fail(message, [problem])
    text = message.body
    if words is not header.tokens:
        # Drop the station code from the original text too: the description keeps its spelling.
        text = " ".join(message.body.split()[:2] + message.body.split()[3:])
    try:
        report = parser.read_incident(parser.Header(header.keyword, header.number, words), text)
        incident, _created = report_incident(session, observer, station, report.category, report.description,
                                             "high", client_id(message))
    except parser.SmsFormatError as failure:
        return _fail(message, failure.errors)
    except ValidationFailed as failure:
        return _fail(message, [m for msgs in failure.errors.values() for m in msgs])
    message.status, message.station, message.incident = "processed", station, incident
    message.reply = _short(_("Incident received for %(station)s. Thank you.", station=station.code))


def _checklist(session: Session, message: SmsMessage, observer: Observer, header: parser.Header,
               template: Definition | None) -> None:
    if template is None:
        return _fail(message, [_("%(code)s is not a checklist.", code=header.keyword)])
    station, words, problem = _station(observer, header.tokens)
    if problem:
        return _fail(message, [problem])
    message.station = station
    refusal = may_file(observer, station)
    if refusal:
        return _fail(message, [refusal])
    try:
        answers = read_answers(session, template, words)
    except parser.SmsFormatError as failure:
        return _fail(message, failure.errors)
    file_answers(session, message, template, station, observer, answers.raw, answers.typed)


def read_answers(session: Session, template: Definition, words: list[str]) -> parser.Answers:
    """The message's answers, with dates read in the election's date order."""
    return parser.read_answers(template, words, election.date_order(session))


def file_answers(session: Session, message: SmsMessage, template: Definition, station: PollingStation,
                 observer: Observer, raw: dict, typed: dict | None = None) -> None:
    """File the answers through observation's submit(); the reply says what was wrong, if anything."""
    typed = typed or {}

    def filed(submission) -> None:
        message.status = "processed" if message.status != "fixed_by_hand" else "fixed_by_hand"
        message.error = "" if message.status == "processed" else message.error
        message.submission, message.station = submission, station
        note = _(" (correction %(n)d)", n=submission.revision) if submission.revision > 1 else ""
        message.reply = _short(_("%(code)s received for %(station)s%(note)s. Thank you.",
                                 code=template.code, station=station.code, note=note))
        # Written in the filing's own flush: one INSERT batch and one audit append for both.
        session.add(message)

    try:
        # submit() checks everything before it adds anything: a refusal leaves the session clean.
        submission, created = submit(session, template, station, raw, client_id(message),
                                     observer=observer, user=observer.user, channel="sms", on_filing=filed)
    except ValidationFailed as failure:
        errors = []
        for key, msgs in failure.errors.items():
            code = key.removeprefix("answers.")
            shown = f"{code}: {typed[code]}" if code in typed else code
            errors += [f"{shown}: {m}" for m in msgs]
        return _fail(message, errors)
    if not created:
        filed(submission)


def fix_by_hand(session: Session, message: SmsMessage, text: str, user: User) -> None:
    """File a malformed message as a coordinator (``user``) corrected it; the message keeps what was sent."""
    if message.status not in ("rejected", "unknown_sender"):
        raise ValidationFailed({"text": [_("Only a rejected message can be fixed by hand.")]})
    try:
        header = parser.read_header(text)
    except parser.SmsFormatError as failure:
        raise ValidationFailed({"text": failure.errors}) from None
    observer = _by_number(session, header.number)
    if observer is None or not observer.accredited or not stations_of(observer):
        raise ValidationFailed({"text": [_("No accredited, deployed observer has the number %(number)s.",
                                           number=header.number)]})
    template = find_template(session, header.keyword)
    if template is None:
        raise ValidationFailed({"text": [_("%(code)s is not a checklist.", code=header.keyword)]})
    station, words, problem = _station(observer, header.tokens)
    try:
        if problem:
            raise parser.SmsFormatError([problem])
        answers = read_answers(session, template, words)
    except parser.SmsFormatError as failure:
        raise ValidationFailed({"text": failure.errors}) from None
    before = message.status, message.error, message.reply
    message.status = "fixed_by_hand"
    file_answers(session, message, template, station, observer, answers.raw, answers.typed)
    if message.submission is None:
        errors = message.error.split("\n")
        message.status, message.error, message.reply = before
        raise ValidationFailed({"text": errors})
    message.observer = observer
    message.fixed_by = user.username
    message.error = _("Fixed by hand: %(text)s", text=text)
    session.flush()

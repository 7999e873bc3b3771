"""The JSON API: OpenAPI document (public), submissions and templates with a bearer token.

CSRF protection does not apply to these endpoints: they authenticate with a
bearer token, not a cookie, so a forged cross-site request carries nothing.
"""


from flask import g, jsonify, request
from flask_babel import get_locale
from sqlalchemy.exc import IntegrityError

from electoral.core.auth import Role, public
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.observation import services
from electoral.observation.api_access import _utc, api_bp, authorised, token_access
from electoral.observation.attachments import services as attachments
from electoral.observation.models import Submission


def submission_json(submission: Submission, template_code: str | None = None, version: int | None = None,
                    station_code: str | None = None) -> dict:
    """The filing as the API answers it; the codes, when the caller has them, spare loading the rows."""
    return {
        "id": submission.id, "client_id": submission.client_id,
        "template": template_code or submission.template.code,
        "version": version or submission.template.version, "station_code": station_code or submission.station.code,
        "revision": submission.revision, "critical": submission.critical, "answers": submission.answers,
        "submitted_at": _utc(submission.submitted_at).isoformat(),
        # The server's time: the phone's submitted_at is kept as sent, this is what coordinators trust.
        "received_at": _utc(submission.received_at).isoformat(),
    }


def _earlier(user, client_id: str) -> tuple[dict, int] | None:
    """The answer to a client id already filed: the first filing, or a refusal if another account's."""
    existing = services.earlier_filing(db.session, client_id)
    return None if existing is None else _answer_for(user, existing)


def _answer_for(user, existing: Submission) -> tuple[dict, int]:
    if (refusal := services.client_id_refusal(user.id, existing)) is not None:
        return {"errors": {"client_id": [refusal]}}, 422
    return submission_json(existing), 200


def file_json(user, body, context: services.FilingContext | None = None) -> tuple[dict, int]:
    """Validate and file a JSON submission for ``user``; the answer body and HTTP status.

    The hot path of polling day: one query reads the account, observer, station and
    template version and takes the filing lock (``context``, read by the caller with the
    token; the version's questions come from the in-process cache); the filing then looks
    for a retry of the same client id and the filing it corrects in one more. The rules of
    the body are services.read_json_filing's; here, the transaction and the answer.
    """
    if context is None:
        context = services.filing_context(db.session, user.id, *services.filing_keys(body))
    filing = services.read_json_filing(context, body)
    errors = filing.errors
    if not errors:
        template, station = context.template, context.station
        try:
            submission, created = services.submit(db.session, template, station, filing.answers, filing.client_id,
                                                  context.observer, user, filing.submitted_at, locked=context.locked)
            if attachments.image_codes(template) and (created or submission.user_id == user.id):
                # A retry whose first sending lost a photo completes it; a photo is never filed twice.
                attachments.attach(db.session, submission, template, filing.files)
                if not created:
                    db.session.commit()
            if not created:
                answer_and_status = _answer_for(user, submission)
                db.session.rollback()
                return answer_and_status
            # Made before the commit, which would expire what it reads.
            answer = submission_json(submission, template.code, template.version, station.code)
            db.session.commit()
        except ValidationFailed as failure:
            errors.update(failure.errors)
        except IntegrityError:
            # The same client id filed a moment ago by a retry racing this one: that filing stands.
            db.session.rollback()
            earlier = _earlier(user, filing.client_id)
            if earlier is None:
                raise
            return earlier
        else:
            return answer, 201
    db.session.rollback()
    # A retry of a filing that went through answers with that filing, whatever changed since.
    if (earlier := _earlier(user, filing.client_id)) is not None:
        return earlier
    return {"errors": {k: [str(m) for m in v] for k, v in errors.items()}}, 422


FILERS = frozenset({Role.OBSERVER})


@api_bp.route("/submissions", methods=["POST"])
@token_access(*FILERS, read_by_view=True)
def submissions():
    body = request.get_json(silent=True)
    user, context = services.filing_context_for_token(db.session, g.api_token, *services.filing_keys(body))

    def answer():
        answer_body, status = file_json(user, body, context)
        return jsonify(answer_body), status

    return authorised(user, FILERS, answer)


@api_bp.route("/templates")
@token_access(Role.OBSERVER, Role.OBSERVER_COORDINATOR)
def templates():
    lang = str(get_locale() or "en")
    return jsonify([services.definition(t, lang) for t in services.published_templates(db.session)])


@api_bp.route("/openapi.json")
@public
def openapi():
    return jsonify(OPENAPI)


_ERRORS = {"type": "object", "properties": {"errors": {
    "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "description": "Messages by field; answers are keyed answers.QUESTION_CODE."}}}
_SUBMISSION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "client_id": {"type": "string"}, "template": {"type": "string"},
    "version": {"type": "integer"}, "station_code": {"type": "string"}, "revision": {"type": "integer"},
    "critical": {"type": "boolean"}, "answers": {"type": "object"},
    "submitted_at": {"type": "string", "format": "date-time", "description": "The phone's time, as sent."},
    "received_at": {"type": "string", "format": "date-time", "description": "The server's receipt time."}}}
_SHEET_IMAGE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "race": {"type": "string"}, "station_code": {"type": "string"},
    "sha256": {"type": "string", "description": "SHA-256 of the stored bytes, hex"},
    "size_bytes": {"type": "integer"}, "width": {"type": "integer"}, "height": {"type": "integer"},
    "flagged": {"type": "boolean", "description": "Another, different image of this sheet exists"},
    "source": {"type": "string"}, "received_at": {"type": "string", "format": "date-time"},
    "device_time": {"type": ["string", "null"], "format": "date-time"},
    "latitude": {"type": ["number", "null"]}, "longitude": {"type": ["number", "null"]},
    "observer": {"type": "boolean",
                 "description": "An observer's photo (PVT): compared on the quick count, never published"},
    "url": {"type": ["string", "null"],
            "description": "The image's public address; null for an observer's photo"}}}
OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "electoral observation API", "version": "1"},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                  "description": "electoral observation tokens create USERNAME"}}},
    "security": [{"bearer": []}],
    "paths": {
        "/api/v1/submissions": {"post": {
            "summary": "File a checklist; a repeated client_id returns the first filing.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["client_id", "template", "version", "station_code", "answers"],
                "properties": {
                    "client_id": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{8,64}$"},
                    "template": {"type": "string"}, "version": {"type": "integer"},
                    "station_code": {"type": "string"},
                    "answers": {"type": "object", "additionalProperties": True, "description": (
                        "Answers keyed by question code. A photo (an image question) goes inside the JSON, as "
                        "a data: URL, \"data:image/jpeg;base64,...\" (JPEG or PNG, at most 8 MB by default; "
                        "the phone page compresses it under 400 KB): the phone keeps a filing and its photo "
                        "as one JSON item while offline. The filing answers with the photo's file name "
                        "(\"CODE.jpg\"); a correction may give that name again to keep the photo filed "
                        "before. The photo is decoded and stored as JPEG; opened by the observer and the "
                        "coordinators of the station's area only. A repeat (XLSForm begin repeat: one entry per "
                        "party agent, per incident) is a list under the repeat's code, one object of answers by "
                        "question code per entry, e.g. \"agents\": [{\"party\": \"UP\", \"signed\": \"yes\"}]; "
                        "an entry's errors are keyed answers.REPEAT[i].QUESTION_CODE, i from 0.")},
                    "submitted_at": {"type": "string", "format": "date-time"}}}}}},
            "responses": {
                "201": {"description": "Filed", "content": {"application/json": {"schema": _SUBMISSION}}},
                "200": {"description": "Already filed with this client_id",
                        "content": {"application/json": {"schema": _SUBMISSION}}},
                "401": {"description": "No valid token"},
                "422": {"description": "Every field error", "content": {"application/json": {"schema": _ERRORS}}},
            }}},
        "/api/v1/templates": {"get": {
            "summary": "The published checklists with questions, texts and parsed conditions.",
            "responses": {"200": {"description": "Templates"}, "401": {"description": "No valid token"}}}},
        "/api/v1/result-sheets/{race}/{station}/images": {"post": {
            "summary": "Send a photo of the signed tally sheet of a race at a station; the same bytes sent again "
                       "return the image filed the first time. A second, different image is kept and flagged.",
            "parameters": [{"name": "race", "in": "path", "required": True, "schema": {"type": "string"}},
                           {"name": "station", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["image"],
                "properties": {
                    "image": {"type": "string", "format": "binary", "description": "JPEG or PNG; stored as sent "
                              "under 400 KB, otherwise re-encoded as JPEG under 400 KB"},
                    "device_time": {"type": "string", "format": "date-time"},
                    "latitude": {"type": "number"}, "longitude": {"type": "number"}}}}}},
            "responses": {
                "201": {"description": "Filed", "content": {"application/json": {"schema": _SHEET_IMAGE}}},
                "200": {"description": "These bytes were filed already",
                        "content": {"application/json": {"schema": _SHEET_IMAGE}}},
                "401": {"description": "No valid token"},
                "404": {"description": "No such race or station", "content": {"application/json": {
                    "schema": _ERRORS}}},
                "422": {"description": "No image, not a picture, bad time or coordinates, or the race is not "
                                       "contested at the station",
                        "content": {"application/json": {"schema": _ERRORS}}},
            }}},
        "/api/v1/openapi.json": {"get": {"summary": "This document.", "security": [],
                                         "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    },
}

# Answers any operation may give (core/web.py's JSON error pages): a client generated from this
# document must expect them, not only the operation's own.
_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}}
COMMON_ANSWERS = {
    "403": "The token's user may not do this.",
    "429": "Too many requests from this client or token: wait, then send again.",
    "500": "The server could not finish the request; nothing was saved.",
    "503": "The database is busy; nothing was saved. Send again after Retry-After seconds.",
}
for _operations in OPENAPI["paths"].values():
    for _operation in _operations.values():
        for _status, _description in COMMON_ANSWERS.items():
            _operation["responses"].setdefault(_status, {
                "description": _description, "content": {"application/json": {"schema": _ERROR}}})

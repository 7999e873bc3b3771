"""The rules of a checklist filed as JSON (the API and the phone page): what the body must hold, and
whose a client id is when a filing comes again."""

import dataclasses
import datetime as dt
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from electoral.core.params import bounded_int
from electoral.observation.models import Submission
from electoral.observation.services.filing import FilingContext, refusal
from electoral.observation.services.submissions import (
    CLIENT_ID,
    find_submission,
    parse_moment,
    validate_answers,
)

__all__ = ["JsonFiling", "client_id_refusal", "earlier_filing", "filing_keys", "read_json_filing"]


def filing_keys(body) -> tuple[str, str, int | None]:
    """Station code, template code and version of a JSON filing, as filing_context reads them."""
    if not isinstance(body, dict):
        return "", "", None
    version = bounded_int(body.get("version"), minimum=1)
    return str(body.get("station_code") or ""), str(body.get("template") or ""), version


@dataclasses.dataclass
class JsonFiling:
    """A JSON filing as read: what submit() takes, and every problem found (empty when it may be filed)."""

    client_id: str = ""
    submitted_at: dt.datetime | None = None
    answers: dict[str, Any] = dataclasses.field(default_factory=dict)
    errors: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    # Photos of image questions, sent inside the answers as data: URLs, by the file name the answer now gives.
    files: dict[str, bytes] = dataclasses.field(default_factory=dict)


def read_json_filing(context: FilingContext, body) -> JsonFiling:
    """Read a JSON filing against its context; every problem at once, the answers' too, so the phone shows them all."""
    if not isinstance(body, dict):
        return JsonFiling(errors={"": [_("The body must be a JSON object.")]})
    errors: dict[str, list[str]] = {}
    client_id = str(body.get("client_id") or "")
    _station_code, _template_code, version = filing_keys(body)
    if version is None:
        errors["version"] = [_("Give the checklist's version number.")]
    template, station, observer = context.template, context.station, context.observer
    if version is not None and template is None:
        errors["template"] = [_("No checklist has this code and version.")]
    if station is None:
        errors["station_code"] = [_("No polling station has this code.")]
    elif (reason := refusal(observer, station.code, context.deployed)) is not None:
        errors["station_code"] = [reason]
    submitted_at = parse_moment(body.get("submitted_at")) if body.get("submitted_at") else None
    if body.get("submitted_at") and submitted_at is None:
        errors["submitted_at"] = [_("Give an ISO 8601 date and time.")]
    answers = body.get("answers")
    if not isinstance(answers, dict):
        errors["answers"] = [_("Give the answers as an object keyed by question code.")]
        answers = {}
    files: dict[str, bytes] = {}
    if template is not None:
        from electoral.observation.attachments.services import from_data_urls

        answers, files, photo_errors = from_data_urls(template, answers)
        errors.update({f"answers.{code}": messages for code, messages in photo_errors.items()})
    if template is not None and errors:
        _clean, answer_errors = validate_answers(template, answers)
        errors.update({f"answers.{code}": messages for code, messages in answer_errors.items()
                       if f"answers.{code}" not in errors})
    if not CLIENT_ID.match(client_id):
        errors["client_id"] = [_("The client id must have 8 to 64 letters, digits, dashes or colons.")]
    return JsonFiling(client_id, submitted_at, answers, errors, files)


def client_id_refusal(user_id: int, earlier: Submission) -> str | None:
    """Why a filing again with an earlier filing's client id is refused (another account's), or None."""
    if earlier.user_id != user_id:
        return _("This client id was used by another account.")
    return None


def earlier_filing(session: Session, client_id: str) -> Submission | None:
    """The filing already made with this client id, which a retry answers with whatever changed since."""
    return find_submission(session, client_id) if client_id else None

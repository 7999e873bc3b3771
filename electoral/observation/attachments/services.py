"""Photos answering a checklist's ``image`` questions: checked, stored and linked to the filing.

The answer to an image question is a file name ("1701955200000.jpg" from ODK Collect, "<code>.jpg" from
the phone page); the picture itself comes beside the answers:

- from the phone page and the JSON API, inside the answers as a ``data:image/jpeg;base64,…`` URL (the
  phone keeps its outbox as JSON, so the photo waits there with the rest; see ``from_data_urls``);
- from OpenRosa, as a part of the multipart POST named as in the instance (``file_parts``).

Every photo is checked here (JPEG or PNG by its first bytes, at most ``max_bytes``), decoded and written
again by core/stored_files.py under its content hash, and recorded as a FilingImage (audited). A filing
whose photos have not all arrived (ODK Collect splits a large submission over several POSTs, each with
the same instanceID) is completed by the next POST, never filed twice.
"""

import base64
import binascii
import hashlib
import re
from typing import Any

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core import stored_files
from electoral.core.errors import ValidationFailed
from electoral.observation.attachments.models import FilingImage
from electoral.observation.models import Submission
from electoral.observation.roles import COORDINATORS
from electoral.observation.services import photos
from electoral.observation.services.answer_types import image_answer  # noqa: F401  (the answer's rule, here too)

DEFAULT_MAX_BYTES = 8 * 1024 * 1024  # an untouched 12-megapixel phone photo is 3 to 6 MB
JPEG, PNG = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"  # the first bytes of each
_DATA_URL = re.compile(r"^data:image/(?:jpeg|jpg|png);base64,", re.IGNORECASE)


def max_bytes() -> int:
    """The largest photo accepted (setting OBSERVATION_IMAGE_MAX_BYTES)."""
    return int(current_app.config.get("OBSERVATION_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES)) if has_app_context() \
        else DEFAULT_MAX_BYTES


def photo_problem(data: bytes) -> str | None:
    """Why these bytes are refused as a photo, or None."""
    if len(data) > max_bytes():
        return _("The photo is larger than %(size)s MB.", size=f"{max_bytes() / 1024 / 1024:g}")
    if not (data.startswith(JPEG) or data.startswith(PNG)):
        return _("Send the photo as a JPEG or PNG picture.")
    return None


def image_codes(template) -> list[str]:
    return [q.code for q in template.questions if q.type == "image"]


def from_data_urls(template, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes], dict[str, list[str]]]:
    """The answers with each photo sent as a data: URL replaced by its file name ("<code>.jpg"), the photos
    by file name, and the problems by question code."""
    if not isinstance(raw, dict):
        return raw, {}, {}
    answers, files, errors = dict(raw), {}, {}
    for code in image_codes(template):
        value = raw.get(code)
        if not isinstance(value, str) or not value.startswith("data:"):
            continue
        if not _DATA_URL.match(value):
            errors[code] = [_("Send the photo as a JPEG or PNG picture.")]
            continue
        try:
            # A base64 text of n characters holds 3n/4 bytes: the size is refused before decoding.
            if (len(value) - value.index(",")) * 3 // 4 > max_bytes() + 3:
                raise OverflowError
            data = base64.b64decode(value.split(",", 1)[1], validate=True)
        except OverflowError:
            errors[code] = [_("The photo is larger than %(size)s MB.", size=f"{max_bytes() / 1024 / 1024:g}")]
            continue
        except (binascii.Error, ValueError):
            errors[code] = [_("The photo cannot be read.")]
            continue
        problem = photo_problem(data)
        if problem:
            errors[code] = [problem]
            continue
        name = code + (".png" if data.startswith(PNG) else ".jpg")
        answers[code], files[name] = name, data
    return answers, files, errors


def file_parts(template, answers: dict[str, Any], parts: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, list[str]]]:
    """The multipart parts that are photos the instance names (OpenRosa), and the problems by question code."""
    files, errors = {}, {}
    for code in image_codes(template):
        name = answers.get(code)
        if isinstance(name, str) and name in parts:
            problem = photo_problem(parts[name])
            if problem:
                errors[code] = [problem]
            else:
                files[name] = parts[name]
    return files, errors


def images_of(session: Session, submission_id: int) -> list[FilingImage]:
    return list(session.scalars(select(FilingImage).where(FilingImage.submission_id == submission_id)
                                .order_by(FilingImage.id)))


def missing(session: Session, submission: Submission, template) -> list[str]:
    """The file names the filing's image answers give whose photo has not arrived."""
    have = {i.filename for i in images_of(session, submission.id)}
    return [submission.answers[c] for c in image_codes(template)
            if isinstance(submission.answers.get(c), str) and submission.answers[c] not in have]


def attach(session: Session, submission: Submission, template, files: dict[str, bytes],
           complete: bool = True) -> list[FilingImage]:
    """Store the photos the filing's answers name and it does not have yet; the new records.

    A correction that keeps an earlier revision's photo (same file name, no new bytes) keeps its stored file.
    ``complete``: every photo must be there (the phone and the API send them with the answers); otherwise
    (OpenRosa) the missing ones may come with a later POST of the same instance.
    """
    have = {i.filename: i for i in images_of(session, submission.id)}
    earlier: dict[str, FilingImage] = {}
    if submission.original_id is not None:
        thread = select(Submission.id).where((Submission.original_id == submission.original_id)
                                             | (Submission.id == submission.original_id))
        earlier = {i.filename: i for i in session.scalars(
            select(FilingImage).where(FilingImage.submission_id.in_(thread), FilingImage.submission_id != submission.id)
            .order_by(FilingImage.id))}
    added = []
    for code in image_codes(template):
        name = submission.answers.get(code)
        if not isinstance(name, str) or name in have:
            continue
        if name in files:
            try:
                value, content = stored_files.prepare_picture(photos.FILING_IMAGES, files[name],
                                                              size=photos.FILING_IMAGE_SIZE, kind="JPEG")
            except ValidationFailed:
                raise ValidationFailed({f"answers.{code}": [_("The photo cannot be read.")]}) from None
            stored_files.write(photos.FILING_IMAGES, value, content)
            sha, size = hashlib.sha256(content).hexdigest(), len(content)
        elif name in earlier:
            value, sha, size = earlier[name].path, earlier[name].sha256, earlier[name].size_bytes
        elif complete:
            raise ValidationFailed({f"answers.{code}": [_("The photo %(name)s was not sent.", name=name)]})
        else:
            continue
        image = FilingImage(submission_id=submission.id, question_code=code, filename=name, path=value,
                            sha256=sha, size_bytes=size)
        session.add(image)
        have[name] = image
        added.append(image)
    if added:
        session.flush()
    return added


def image_file(image: FilingImage):
    """The stored photo on disk, or None."""
    return photos.FILING_IMAGES.resolve(image.path)


PHONE_MAX_BYTES = 400 * 1024  # what the phone page compresses a photo under (as the tally sheet's)


def submit_form(session: Session, template, station, raw: dict[str, Any], client_id: str, observer, user,
                uploads: dict[str, bytes]) -> Submission:
    """File the phone page's plain form (no script): photos as uploaded files by question code, or data: URLs."""
    from electoral.observation.services import submissions

    answers, files, errors = from_data_urls(template, raw)
    for code, data in uploads.items():
        if code in errors:
            continue
        problem = photo_problem(data)
        if problem:
            errors[code] = [problem]
            continue
        answers[code] = code + (".png" if data.startswith(PNG) else ".jpg")
        files[answers[code]] = data
    if errors:
        raise ValidationFailed({f"answers.{code}": messages for code, messages in errors.items()})
    submission, created = submissions.submit(session, template, station, answers, client_id, observer, user)
    if created:
        attach(session, submission, template, files)
    return submission


def is_coordinator(user) -> bool:
    """Whether ``user`` opens filings' photos as a coordinator (whose openings are audited), not as their filer."""
    return user.has_any_role(frozenset(COORDINATORS))


def viewer_kind(session: Session, user, image: FilingImage) -> str | None:
    """Who ``user`` is to a filing's photo: "coordinator" (any of the area's; the route's area rule
    narrows it), "filer" (the observer who filed it), or None (may not see it)."""
    from electoral.observation.services.observers import observer_for_user

    if is_coordinator(user):
        return "coordinator"
    observer = observer_for_user(session, user)
    return "filer" if observer is not None and image.submission.observer_id == observer.id else None


def record_opening(session: Session, image: FilingImage) -> None:
    """A coordinator looked at an observer's evidence: the audit trail says who, and which photo."""
    from electoral.core.audit import append_entries

    append_entries(session, [{"action": "view", "entity_type": "FilingImage", "entity_id": str(image.id),
                              "before": None, "after": {"submission_id": image.submission_id, "sha256": image.sha256}}])

"""OpenRosa for observers: device passwords, the form list, XForms made by pyxform, submissions filed by submit().

The XForm of a checklist is pyxform's conversion of the checklist's own XLSForm export
(services/xlsform_export.py), with one question before the others: the polling station,
chosen among the stations the observer is deployed to. A submission is read back into the
answers the phone pages send, and filed by the same submit() (validation, accreditation,
idempotency by the instance's instanceID, audit); deployment is checked first, as the pages do.
"""

import base64
import hashlib
import io
import json
import secrets
import zlib
from dataclasses import dataclass
from typing import Any

from defusedxml import ElementTree
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.accounts.services import hash_password, password_matches
from electoral.core.errors import ValidationFailed
from electoral.core.xlsx import FORM_LIMITS, open_workbook
from electoral.geography.models import PollingStation
from electoral.observation.attachments import services as attachments
from electoral.observation.models import ChecklistTemplate, Observer, Submission
from electoral.observation.openrosa.models import DeviceCredential
from electoral.observation.services import checklists, filing, submissions
from electoral.observation.services.observers import stations_of
from electoral.observation.services.xlsform_export import export_xlsform

STATION = "electoral_station"  # the XForm's station question; not a name a checklist question can take
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: typed from a screen into a phone


def set_device_password(session: Session, observer: Observer) -> str:
    """A new device password for the observer (the old one stops working); returned once, stored hashed."""
    password = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    credential = session.scalar(select(DeviceCredential).where(DeviceCredential.observer_id == observer.id))
    if credential is None:
        credential = DeviceCredential(observer_id=observer.id, password_hash="")
        session.add(credential)
    credential.password_hash = hash_password(password)
    session.flush()
    return password


def device_observer(session: Session, username: str, password: str) -> tuple[Observer, User] | None:
    """The observer whose account and device password these are, or None."""
    row = session.execute(select(Observer, User, DeviceCredential.password_hash)
                          .join(User, Observer.user_id == User.id)
                          .join(DeviceCredential, DeviceCredential.observer_id == Observer.id)
                          .where(User.username == username)).first()
    if row is None or not row[1].active or not password_matches(row[2], password or ""):
        return None
    return row[0], row[1]


@dataclass
class FormEntry:
    template: ChecklistTemplate
    xform: bytes

    @property
    def hash(self) -> str:
        return "md5:" + hashlib.md5(self.xform).hexdigest()  # noqa: S324 (OpenRosa names md5 as the form hash)


def xform(template: ChecklistTemplate, observer: Observer) -> bytes:
    """The checklist's XForm for this observer, made by pyxform from the checklist's XLSForm."""
    from pyxform.xls2xform import convert

    # Our own export, yet opened through the one checked door like every workbook (a form's limits); pyxform
    # then reads the copy saved below, which differs from it only by the observer's stations.
    book = open_workbook(export_xlsform(template), FORM_LIMITS, read_only=False)
    survey, choices, settings = book["survey"], book["choices"], book["settings"]
    header = [cell.value for cell in survey[1]]
    survey.insert_rows(2)
    values = {"type": f"select_one {STATION}", "name": STATION, "required": "yes"}
    for column, name in enumerate(header, start=1):
        if name and name.startswith("label::"):
            values[name] = _("Polling station")
        survey.cell(row=2, column=column, value=values.get(name, None))
    label_columns = sum(1 for cell in choices[1] if str(cell.value or "").startswith("label::"))
    for station in sorted(stations_of(observer), key=lambda s: s.code):
        choices.append([STATION, station.code, *([f"{station.code} {station.name}"] * label_columns)])
    settings.cell(row=2, column=3, value=str(template.version))  # the version the submission names back
    out = io.BytesIO()
    book.save(out)
    return convert(xlsform=out.getvalue(), file_type=".xlsx", warnings=[]).xform.encode("utf-8")


def forms_for(session: Session, observer: Observer) -> list[FormEntry]:
    """The published checklists the observer fills, each with its XForm."""
    return [FormEntry(t, xform(t, observer)) for t in checklists.published_templates(session)]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_instance(data: bytes) -> tuple[str, str, str, dict[str, Any]]:
    """The form id, version, instanceID and answers (by question name) of a submitted instance.

    An element holding others (a group, or each entry of a repeat) also gives, under its name, the list
    of its occurrences' answers: a repeat's entries, as the phone pages send them.
    """
    try:
        root = ElementTree.fromstring(data)
    except Exception as exc:  # defusedxml refuses entities and DTDs; ParseError for broken XML
        raise ValidationFailed(_("The submission is not a readable XForm instance.")) from exc
    answers: dict[str, Any] = {}
    instance_id = ""

    def walk(element, in_meta: bool) -> None:
        nonlocal instance_id
        for child in element:
            name = _local(child.tag)
            if len(child):
                if not in_meta and name != "meta":
                    answers.setdefault(f"{name}[]", []).append(
                        {_local(leaf.tag): (leaf.text or "").strip() for leaf in child.iter() if not len(leaf)})
                walk(child, in_meta or name == "meta")
            elif name == "instanceID":
                instance_id = (child.text or "").strip()
            elif not in_meta:
                answers[name] = (child.text or "").strip()

    walk(root, False)
    return root.get("id", ""), root.get("version", ""), instance_id, answers


@dataclass
class Filed:
    submission: Submission
    created: bool
    photos_added: int = 0
    photos_missing: int = 0


def submit_instance(session: Session, observer: Observer, user: User, data: bytes,
                    parts: dict[str, bytes] | None = None) -> Filed:
    """File a submitted instance as the phone pages would, with the photos among ``parts`` (the POST's other
    files, by file name) that its image answers name.

    The same instanceID again (a resend, or the next POST of a submission ODK Collect split because of its
    size) files nothing new: it adds the photos the filing still lacks.
    """
    form_id, version, instance_id, answers = read_instance(data)
    template = session.scalar(select(ChecklistTemplate).where(
        ChecklistTemplate.code == form_id.upper(), ChecklistTemplate.version == _version(version)))
    if template is None or not template.published:
        raise ValidationFailed(_("This server has no published checklist %(code)s version %(version)s.",
                                 code=form_id, version=version))
    station = session.scalar(select(PollingStation).where(PollingStation.code == answers.pop(STATION, "")))
    if station is None:
        raise ValidationFailed(_("Choose the polling station."))
    refusal = filing.may_file(observer, station)
    if refusal:
        raise ValidationFailed(refusal)
    raw = {q.code: answers.get(q.code) for q in template.questions if not q.repeat_code}
    raw.update({repeat.code: answers.get(f"{repeat.code}[]", []) for repeat in template.repeats})
    files, problems = attachments.file_parts(template, raw, parts or {})
    if problems:
        raise ValidationFailed({f"answers.{code}": messages for code, messages in problems.items()})
    submission, created = submissions.submit(session, template, station, raw, instance_id, observer, user,
                                             channel="odk")
    if not created and submission.observer_id != observer.id:
        return Filed(submission, False)
    added = attachments.attach(session, submission, template, files, complete=False)
    return Filed(submission, created, len(added), len(attachments.missing(session, submission, template)))


def _version(text: str) -> int:
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 9 else 0


def settings_qr_payload(server_url: str, username: str, password: str | None) -> str:
    """ODK Collect's settings QR code: its JSON settings, zlib-compressed, in base64."""
    general = {"server_url": server_url, "username": username}
    if password:
        general["password"] = password
    text = json.dumps({"general": general, "admin": {}}, separators=(",", ":"))
    return base64.b64encode(zlib.compress(text.encode("utf-8"))).decode("ascii")

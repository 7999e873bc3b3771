"""Incident reports (idempotent by client id) and the alerts they raise for coordinators."""

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import locks
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography.models import PollingStation
from electoral.observation.models import (
    ALERT_STATES,
    Alert,
    Incident,
    Observer,
)
from electoral.observation.services import photos
from electoral.observation.services.submissions import CLIENT_ID, MAX_TEXT

INCIDENT_CATEGORIES = ("violence", "intimidation", "materials", "procedure", "access", "other")
SEVERITIES = ("low", "medium", "high")


def find_incident(session: Session, client_id: str) -> Incident | None:
    return session.scalar(select(Incident).where(Incident.client_id == client_id)) if client_id else None


def refuse_others_key(existing: Incident, observer: Observer | None) -> None:
    """A client id is the phone's retry key for its own observer: another observer's reuse is refused.

    Answering it with the first report would show one observer another's incident.
    """
    if existing.observer_id != (observer.id if observer else None):
        raise ValidationFailed({"client_id": [_("This client id was used by another account.")]})


def report_incident(session: Session, observer: Observer | None, station: PollingStation, category: str,
                    description: str, severity: str, client_id: str, occurred_at: dt.datetime | None = None,
                    photo_path: str | None = None) -> tuple[Incident, bool]:
    """File an incident report (idempotent by client id); it raises an alert."""
    # A phone's retries racing each other: the second waits here, then finds the first.
    locks.hold(session, f"incident:{client_id}")
    existing = session.scalar(select(Incident).where(Incident.client_id == client_id))
    if existing is not None:
        refuse_others_key(existing, observer)
        return existing, False
    errors: dict[str, list[str]] = {}
    if category not in INCIDENT_CATEGORIES:
        errors["category"] = [_("Choose a category.")]
    if severity not in SEVERITIES:
        errors["severity"] = [_("Choose a severity.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe what happened.")]
    if not CLIENT_ID.match(client_id or ""):
        errors["client_id"] = [_("The client id must have 8 to 64 letters, digits, dashes or colons.")]
    if photo_path and not photos.is_stored_photo(photo_path):  # never a path from a request
        errors["photo"] = [_("The photo must be uploaded as a picture, not named by a path.")]
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    incident = Incident(client_id=client_id, observer=observer, station=station, category=category,
                        description=description.strip()[:MAX_TEXT], severity=severity,
                        occurred_at=occurred_at or now, received_at=now, photo_path=photo_path)
    session.add(incident)
    session.flush()
    session.add(Alert(station=station, incident=incident, status="open", note="",
                      summary=f"{category} ({severity}): {incident.description[:200]}"))
    session.flush()
    return incident, True


def handle_alert(session: Session, alert: Alert, status: str, note: str, user: User) -> None:
    """``user`` acknowledges or resolves an alert with a note."""
    if status not in ALERT_STATES[1:]:
        raise ValidationFailed({"status": [_("Choose acknowledge or resolve.")]})
    if alert.status == "resolved":
        # Resolved is final: acknowledging it again would reopen it without a record of why.
        raise ValidationFailed(_("This alert is already resolved."))
    if status == "resolved" and not (note or "").strip():
        raise ValidationFailed({"note": [_("Say how the alert was resolved.")]})
    alert.status = status
    if (note or "").strip():
        alert.note = (alert.note + "\n" if alert.note else "") + note.strip()
    alert.handled_by = user.username
    session.flush()

"""Recall: an accepted sheet sent back to clearance (audit) on one supervisor's request and a second's approval."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core import duties
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.results.models import SheetEvent, TallySheet
from electoral.results.services.closure import require_open
from electoral.results.services.totals import tracking
from electoral.results.sheets.models import RecallRequest

RECALLABLE = ("accepted",)


def _supervisor(user) -> None:
    if not user.has_any_role({Role.RESULTS_SUPERVISOR}):
        raise ValidationFailed(_("Only a results supervisor may do this."))


def pending_request(session: Session, sheet: TallySheet) -> RecallRequest | None:
    """The sheet's recall request awaiting a second supervisor, if any."""
    return session.scalar(select(RecallRequest).where(RecallRequest.sheet_id == sheet.id,
                                                      RecallRequest.decided_at.is_(None)))


def request_recall(session: Session, sheet: TallySheet, supervisor, reason: str) -> RecallRequest:
    """Ask for an accepted sheet to go back to clearance; nothing moves until a second supervisor approves."""
    _supervisor(supervisor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason.")]})
    require_open(session, sheet.race_id, sheet.station_id)
    if sheet.state not in RECALLABLE:
        raise ValidationFailed(_("Only an accepted sheet can be recalled."))
    if pending_request(session, sheet) is not None:
        raise ValidationFailed(_("A recall of this sheet already awaits approval."))
    recall = RecallRequest(sheet_id=sheet.id, reason=reason, requested_by_id=supervisor.id)
    session.add(recall)
    session.add(SheetEvent(sheet_id=sheet.id, action="recall_requested", reason=reason, user_id=supervisor.id))
    session.flush()
    return recall


def decide_recall(session: Session, recall: RecallRequest, supervisor, approve: bool) -> None:
    """A second supervisor approves (the sheet goes back to clearance, its votes leave the totals) or refuses."""
    _supervisor(supervisor)
    if recall.decided_at is not None:
        raise ValidationFailed(_("This recall was decided already."))
    sheet = session.get(TallySheet, recall.sheet_id)
    session.flush()
    session.refresh(sheet, with_for_update=True)
    require_open(session, sheet.race_id, sheet.station_id)
    duties.require_other("results_recall_request_approve", [recall.requested_by_id], supervisor.id)
    if approve and sheet.state not in RECALLABLE:
        raise ValidationFailed(_("The sheet is no longer accepted: there is nothing to recall."))
    recall.decided_by_id, recall.decided_at, recall.approved = supervisor.id, utcnow(), approve
    if approve:
        with tracking(session, sheet):
            sheet.state = "under_audit"
    session.add(SheetEvent(sheet_id=sheet.id, action="recalled" if approve else "recall_refused",
                           reason=recall.reason, user_id=supervisor.id))
    session.flush()

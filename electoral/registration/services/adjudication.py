"""The adjudication queue: a supervisor decides whether two records are one person."""


from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import duties
from electoral.core.errors import ValidationFailed
from electoral.core.models import utcnow
from electoral.geography import services as geography
from electoral.geography.models import PollingCentre
from electoral.registration.models import DuplicatePair, Voter
from electoral.registration.services import roll


def _settle_status(session: Session, voter: Voter) -> None:
    """A possible duplicate becomes active again once no open pair names it."""
    if voter.status != "possible_duplicate":
        return
    still_open = session.scalar(select(DuplicatePair.id).where(
        DuplicatePair.status == "open",
        or_(DuplicatePair.voter_a_id == voter.id, DuplicatePair.voter_b_id == voter.id)).limit(1))
    if not still_open:
        voter.status = "active"


def decide(session: Session, pair: DuplicatePair, is_duplicate: bool, user: User,
           keep: Voter | None = None) -> DuplicatePair:
    """Record the supervisor's (``user``) decision; a duplicate removes the record not kept."""
    # Two supervisors deciding one pair (or two pairs sharing a voter) at once take turns on
    # the voters, in id order, then the pair; the second then sees the first's decision.
    session.flush()
    for voter in sorted((pair.voter_a, pair.voter_b), key=lambda v: v.id):
        session.refresh(voter, with_for_update=True)
    session.refresh(pair, with_for_update=True)
    if pair.status != "open":
        raise ValidationFailed(_("This pair was already decided."))
    duties.require_other("registration_register_adjudicate",
                         [pair.voter_a.registered_by, pair.voter_b.registered_by], user.username)
    pair.decided_by, pair.decided_at = user.username, utcnow()
    if not is_duplicate:
        pair.status = "not_duplicate"
        session.flush()
        for voter in (pair.voter_a, pair.voter_b):
            _settle_status(session, voter)
        session.flush()
        return pair
    keep = keep or pair.voter_a
    if keep.id not in (pair.voter_a_id, pair.voter_b_id):
        raise ValidationFailed(_("Keep one of the two records of the pair."))
    drop = pair.voter_b if keep.id == pair.voter_a_id else pair.voter_a
    pair.status = "duplicate"
    session.flush()
    roll.remove(session, drop, "duplicate", user, kept=keep,
                note=_("duplicate of %(number)s", number=keep.voter_number))
    # The removed record's other open pairs are moot now.
    for other in session.scalars(select(DuplicatePair).where(
            DuplicatePair.status == "open",
            or_(DuplicatePair.voter_a_id == drop.id, DuplicatePair.voter_b_id == drop.id))):
        other.status, other.decided_by, other.decided_at = "duplicate", user.username, utcnow()
    session.flush()
    _settle_status(session, keep)
    session.flush()
    return pair


def queue_query(status: str = "open", scope=None):
    """The select for the adjudication queue page, highest scores first; within ``scope``, pairs wholly inside it."""
    query = select(DuplicatePair).order_by(DuplicatePair.score.desc(), DuplicatePair.id)
    if scope is not None:
        inside = select(Voter.id).where(Voter.centre_id.in_(geography.ids_within(PollingCentre, scope)))
        query = query.where(DuplicatePair.voter_a_id.in_(inside), DuplicatePair.voter_b_id.in_(inside))
    return query.where(DuplicatePair.status == status) if status else query


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(DuplicatePair.status, func.count()).group_by(DuplicatePair.status))
    return {status: n for status, n in rows}

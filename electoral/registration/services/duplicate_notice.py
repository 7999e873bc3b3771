"""What a clerk is told about a possible duplicate: the voter number, not the other person's data.

The warning at registration names people the clerk did not ask about, possibly in
another district. Least privilege: a clerk sees the matching voter's number and that
a supervisor will review the pair; the name, father's name, date of birth, score and
reasons are shown only to a registration supervisor (or administrator) whose scope
holds that voter, as on the adjudication queue.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from electoral.core.auth import Role
from electoral.registration.models import Voter
from electoral.registration.services.dedup import Match

# Roles that adjudicate duplicates and so see both records in full.
SEES_DETAILS = (Role.REGISTRATION_SUPERVISOR, Role.ADMINISTRATOR)


@dataclass
class DuplicateNotice:
    voter_number: str
    linkable: bool  # the user may open the voter's page (it lies in their scope)
    match: Match | None  # the other person's details and the reasons, only for a supervisor in scope


def notices(session: Session, user, matches: list[Match]) -> list[DuplicateNotice]:
    """The possible duplicates as ``user`` may see them, best first."""
    shown = []
    for match in matches:
        voter = session.get(Voter, match.other.id) if match.other.id is not None else None
        in_scope = voter is not None and user.can_act_in(voter.centre)
        details = in_scope and user.has_any_role(SEES_DETAILS)
        shown.append(DuplicateNotice(voter_number=match.other.voter_number or "", linkable=in_scope,
                                     match=match if details else None))
    return shown

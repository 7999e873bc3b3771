"""Segregation of duties: every pair of acts that two different people must do, in one table.

One person checking their own work is no check: a clerk who also supervises could type a
sheet and settle its mismatch in their own favour. Each service that performs the second
act of a pair calls ``require_other`` with the recorded actor of the first act (a user id
or a username, whichever that record keeps) and the person acting now, the ``User`` the
service was given (who acts is always a parameter, never read from the request); the same
person is refused with the pair's message. The administrator's user page reads ``pairs_for_roles``
to warn when one account is given roles that hold both acts of a pair.

tests/core/test_duties.py walks every pair of this table: adding a pair without proving
its enforcement fails there.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed


@dataclass(frozen=True)
class Duty:
    """Two acts on the same record that must be done by two different people."""

    code: str
    first: object  # lazy strings: the acts, named as the people doing them say them
    second: object
    first_roles: frozenset[Role]
    second_roles: frozenset[Role]
    refusal: object  # what the person attempting the second act is told

    @property
    def by_role(self) -> bool:
        """True when the two acts belong to different roles: only an account holding both can do both."""
        return self.first_roles != self.second_roles


CLERK, SUPERVISOR = Role.RESULTS_CLERK, Role.RESULTS_SUPERVISOR

DUTIES: dict[str, Duty] = {duty.code: duty for duty in (
    Duty("results_first_second_entry", _l("first entry of a tally sheet"), _l("second entry of the same sheet"),
         frozenset({CLERK}), frozenset({CLERK}),
         _l("You made the first entry of this sheet: a different clerk must make the second.")),
    Duty("results_enter_resolve", _l("entry of a tally sheet"), _l("settling the sheet's mismatch"),
         frozenset({CLERK}), frozenset({SUPERVISOR}),
         _l("You made one of this sheet's entries: a different supervisor must settle its differences.")),
    Duty("results_enter_audit", _l("entry of a tally sheet"), _l("audit of the sheet and its decision"),
         frozenset({CLERK}), frozenset({SUPERVISOR}),
         _l("You made one of this sheet's entries: a different supervisor must audit it.")),
    Duty("results_recall_request_approve", _l("requesting the recall of an accepted tally sheet"),
         _l("approving or refusing the recall"), frozenset({SUPERVISOR}), frozenset({SUPERVISOR}),
         _l("You requested this recall: a different supervisor must approve it.")),
    Duty("registration_register_adjudicate", _l("registration of a voter"),
         _l("deciding whether the voter is a duplicate"),
         frozenset({Role.REGISTRATION_CLERK}), frozenset({Role.REGISTRATION_SUPERVISOR}),
         _l("You registered one of these two records: a different supervisor must decide the pair.")),
    Duty("registration_lodge_decide", _l("lodging a claim or objection"), _l("deciding the claim or objection"),
         frozenset({Role.REGISTRATION_CLERK}), frozenset({Role.REGISTRATION_SUPERVISOR}),
         _l("You lodged this case: a different supervisor must decide it.")),
    Duty("logistics_dispatch_receive", _l("dispatch of a consignment"), _l("receipt of the consignment"),
         frozenset({Role.LOGISTICS_OFFICER}), frozenset({Role.LOGISTICS_OFFICER}),
         _l("You dispatched this consignment: a different person must confirm its receipt.")),
    Duty("logistics_record_resolve", _l("recording a discrepancy on receipt"), _l("resolving the discrepancy"),
         frozenset({Role.LOGISTICS_OFFICER}), frozenset({Role.LOGISTICS_OFFICER}),
         _l("You recorded this discrepancy: a different person must resolve it.")),
    Duty("training_score_certify", _l("recording a session's attendance or test scores"),
         _l("confirming the session's results, which issues the certificates"),
         frozenset({Role.TRAINING_COORDINATOR}), frozenset({Role.TRAINING_COORDINATOR}),
         _l("You recorded this session's attendance or scores: a different coordinator must confirm them.")),
    Duty("observation_request_approve", _l("requesting an observer's accreditation"),
         _l("deciding the accreditation"),
         frozenset({Role.OBSERVER_COORDINATOR}), frozenset({Role.ADMINISTRATOR}),
         _l("You requested this accreditation: a different member of the commission must decide it.")),
)}


def require_other(code: str, first_actors: Iterable[int | str | None], actor: int | str | None) -> None:
    """Refuse (ValidationFailed, the pair's message) when ``actor`` did the first act of pair ``code``."""
    duty = DUTIES[code]
    if actor is not None and actor in {a for a in first_actors if a is not None}:
        raise ValidationFailed(str(duty.refusal))


def pairs_for_roles(roles: Iterable[Role | str]) -> list[Duty]:
    """The pairs whose two acts belong to different roles that ``roles`` hold both of."""
    held = {Role(r) for r in roles}
    return [duty for duty in DUTIES.values()
            if duty.by_role and held & duty.first_roles and held & duty.second_roles]

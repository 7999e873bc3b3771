"""Every state change of the election's records and the precondition its service checks, in one table.

A state change without its preconditions (national results certified with 4 of 600 stations
counted, sheets entered after certification) is refused by the service itself, with a
translated ValidationFailed, so a view, a command, an import or the API cannot skip it.
tests/core/test_preconditions.py walks this table, calling each service with its precondition
unmet, and reads the services' source for functions that set a state (``state``, ``status``,
``accreditation``, a freeze, a de-certification, a revocation): each must be listed here, or in
``NOT_TRANSITIONS`` with the reason it is not a transition of its own.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Transition:
    function: str  # "module:function"
    precondition: object  # lazy string: the rule in the words of the people it binds


def _t(function: str, precondition) -> Transition:
    return Transition(function, precondition)


TRANSITIONS: tuple[Transition, ...] = (
    # results
    _t("electoral.results.services.entry:submit_entry",
       _l("The sheet awaits this entry (first, then second by another clerk) and its area is not certified.")),
    _t("electoral.results.services.entry:resolve", _l("The sheet's two entries differ; its area is not certified.")),
    _t("electoral.results.services.entry:start_audit", _l("The sheet is quarantined; its area is not certified.")),
    _t("electoral.results.services.entry:decide",
       _l("The decision applies to the sheet's state, with a reason; its area is not certified.")),
    _t("electoral.results.sheets.recall:request_recall",
       _l("The sheet is accepted, no recall of it is pending, a reason is given; its area is not certified.")),
    _t("electoral.results.sheets.recall:decide_recall",
       _l("The recall is pending and the sheet still accepted; not by the supervisor who requested it.")),
    _t("electoral.results.services.certification:certify",
       _l("Within the supervisor's scope; every station of the area accepted or excused.")),
    _t("electoral.results.services.certification:decertify", _l("The results are certified; a reason is given.")),
    _t("electoral.results.services.certification:excuse",
       _l("The sheet has no agreed figures yet; a reason is given; its area is not certified.")),
    # registration
    _t("electoral.registration.services.voters:register",
       _l("The roll is not frozen and the registration period is open.")),
    _t("electoral.registration.services.election:freeze",
       _l("Every possible duplicate, claim and objection is decided; the roll is not already frozen.")),
    _t("electoral.registration.services.adjudication:decide", _l("The pair is still open.")),
    _t("electoral.registration.services.roll:lodge_objection", _l("The exhibition period is open.")),
    _t("electoral.registration.services.roll:lodge_correction", _l("The exhibition period is open.")),
    _t("electoral.registration.services.roll:lodge_inclusion", _l("The exhibition period is open.")),
    _t("electoral.registration.services.roll:transfer", _l("The voter is on the roll; a reason is given.")),
    _t("electoral.registration.services.roll:decide_case", _l("The case is open and the roll is not frozen.")),
    _t("electoral.registration.services.roll:remove",
       _l("The voter is on the roll; once frozen, only as deceased, by court order or as a duplicate.")),
    # logistics
    _t("electoral.logistics.services.consignments:dispatch",
       _l("The consignment is being packed, with a packing list, seals, vehicle and driver, and the stock.")),
    _t("electoral.logistics.services.consignments:add_line", _l("The consignment is still being packed.")),
    _t("electoral.logistics.services.consignments:add_seals", _l("The consignment is still being packed.")),
    _t("electoral.logistics.services.receipt:receive", _l("The consignment was dispatched.")),
    _t("electoral.logistics.services.receipt:resolve", _l("The discrepancy is open; a resolution is given.")),
    _t("electoral.logistics.services.staffing:assign", _l("The official is certified for the position.")),
    # training
    _t("electoral.training.services.courses:enrol",
       _l("The official is not rejected or withdrawn, holds the course's position, and the session has room.")),
    _t("electoral.training.services.results:confirm_results",
       _l("Someone is enrolled and the results are not confirmed yet; not by whoever recorded them.")),
    _t("electoral.training.services.results:revoke", _l("The certificate is valid; a reason is given.")),
    # observation
    _t("electoral.observation.services.observers:request_accreditation", _l("The observer is not accredited yet.")),
    _t("electoral.observation.services.observers:decide_accreditation", _l("A request is waiting.")),
    _t("electoral.observation.services.submissions:submit",
       _l("The observer is accredited (and, checked by each caller, deployed at the station).")),
    _t("electoral.observation.services.incidents:handle_alert", _l("The alert is not resolved yet.")),
    _t("electoral.observation.sms.services:fix_by_hand", _l("The message was rejected.")),
)

# Functions that set a state without being a transition of their own, and why.
NOT_TRANSITIONS: dict[str, str] = {
    "electoral.results.services.entry:_agree": "the outcome of submit_entry and resolve, which check",
    "electoral.registration.services.adjudication:_settle_status": "follows a decision: no open pair left",
    "electoral.registration.services.jobs:run_scan": "a background job's own progress",
    "electoral.observation.sms.services:_fail": "processing of an incoming message",
    "electoral.observation.sms.services:process": "processing of an incoming message",
    "electoral.observation.sms.services:_incident": "processing of an incoming message",
    "electoral.observation.sms.services:file_answers": "processing of an incoming message",
    "electoral.observation.sms.services:filed": "processing of an incoming message",
    "electoral.training.services.officials:save_official": "recruitment status is data the coordinator edits",
}

"""The named checks a tally sheet goes through, each explaining in words why it failed.

Each check is a plain function of the sheet's figures and the tolerance the
administrator set; it returns an ``Outcome`` whose explanation is written for
the clerk or supervisor reading it. A sheet failing any enabled check is
quarantined: its votes stay out of the totals until a supervisor audits it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.results.models import CheckSetting


@dataclass
class Figures:
    """What the checks look at: one sheet's agreed figures and what the system knows about its station."""

    ballots_received: int
    ballots_cast: int
    unused: int
    spoiled: int
    invalid: int
    valid: int
    candidates: dict[str, int]
    registered_voters: int | None = None
    # Codes of other stations whose sheet for the same race carries exactly these figures.
    same_figures_as: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    code: str
    passed: bool | None  # None: the check could not run (a figure it needs is not available)
    explanation: str


def _n(value) -> str:
    return format_decimal(value)


def candidate_votes_sum(f: Figures, tolerance: float) -> Outcome:
    total = sum(f.candidates.values())
    difference = total - f.valid
    if abs(difference) <= tolerance:
        return Outcome("candidate_votes_sum", True, _(
            "The candidates' votes add up to %(total)s and the sheet gives %(valid)s valid ballots.",
            total=_n(total), valid=_n(f.valid)))
    return Outcome("candidate_votes_sum", False, _(
        "The candidates' votes add up to %(total)s, but the sheet gives %(valid)s valid ballots: "
        "a difference of %(difference)s votes, more than the %(tolerance)s allowed.",
        total=_n(total), valid=_n(f.valid), difference=_n(abs(difference)), tolerance=_n(tolerance)))


def valid_plus_invalid(f: Figures, tolerance: float) -> Outcome:
    total = f.valid + f.invalid
    difference = total - f.ballots_cast
    if abs(difference) <= tolerance:
        return Outcome("valid_plus_invalid", True, _(
            "Valid (%(valid)s) and invalid (%(invalid)s) ballots make the %(cast)s ballots cast.",
            valid=_n(f.valid), invalid=_n(f.invalid), cast=_n(f.ballots_cast)))
    return Outcome("valid_plus_invalid", False, _(
        "Valid (%(valid)s) and invalid (%(invalid)s) ballots make %(total)s, but %(cast)s ballots were cast: "
        "a difference of %(difference)s, more than the %(tolerance)s allowed.",
        valid=_n(f.valid), invalid=_n(f.invalid), total=_n(total), cast=_n(f.ballots_cast),
        difference=_n(abs(difference)), tolerance=_n(tolerance)))


def over_voting(f: Figures, tolerance: float) -> Outcome:
    if f.registered_voters is None:
        return Outcome("over_voting", None, _(
            "Cannot check for over-voting: no voter on the roll is assigned to this station."))
    limit = f.registered_voters + tolerance
    if f.ballots_cast <= limit:
        return Outcome("over_voting", True, _(
            "%(cast)s ballots cast for %(registered)s registered voters.",
            cast=_n(f.ballots_cast), registered=_n(f.registered_voters)))
    return Outcome("over_voting", False, _(
        "%(cast)s ballots were cast but only %(registered)s voters are registered at this station "
        "(%(tolerance)s more allowed): %(excess)s ballots too many.",
        cast=_n(f.ballots_cast), registered=_n(f.registered_voters), tolerance=_n(tolerance),
        excess=_n(f.ballots_cast - limit)))


def ballot_reconciliation(f: Figures, tolerance: float) -> Outcome:
    accounted = f.ballots_cast + f.unused + f.spoiled
    difference = f.ballots_received - accounted
    if abs(difference) <= tolerance:
        return Outcome("ballot_reconciliation", True, _(
            "The %(received)s ballots received are all accounted for: cast, unused and spoiled.",
            received=_n(f.ballots_received)))
    return Outcome("ballot_reconciliation", False, _(
        "%(received)s ballots were received, but cast (%(cast)s), unused (%(unused)s) and spoiled (%(spoiled)s) "
        "make %(accounted)s: %(difference)s ballots unaccounted for, more than the %(tolerance)s allowed.",
        received=_n(f.ballots_received), cast=_n(f.ballots_cast), unused=_n(f.unused), spoiled=_n(f.spoiled),
        accounted=_n(accounted), difference=_n(abs(difference)), tolerance=_n(tolerance)))


def high_turnout(f: Figures, threshold: float) -> Outcome:
    if not f.registered_voters:
        return Outcome("high_turnout", None, _(
            "Cannot compute the turnout: no voter on the roll is assigned to this station."))
    turnout = f.ballots_cast / f.registered_voters
    if turnout * 100 <= threshold:
        return Outcome("high_turnout", True, _("Turnout %(turnout)s.", turnout=format_percent(turnout, "#,##0.0%")))
    return Outcome("high_turnout", False, _(
        "Turnout of %(turnout)s (%(cast)s ballots for %(registered)s voters) is above %(threshold)s: "
        "anomalous, to be audited.",
        turnout=format_percent(turnout, "#,##0.0%"), cast=_n(f.ballots_cast), registered=_n(f.registered_voters),
        threshold=format_percent(threshold / 100, "#,##0.#%")))


def dominant_candidate(f: Figures, threshold: float) -> Outcome:
    if f.valid <= 0 or not f.candidates:
        return Outcome("dominant_candidate", True, _("No valid votes to share."))
    code, votes = max(f.candidates.items(), key=lambda item: item[1])
    share = votes / f.valid
    if share * 100 <= threshold:
        return Outcome("dominant_candidate", True, _(
            "The leading candidate has %(share)s of the valid votes.", share=format_percent(share, "#,##0.0%")))
    return Outcome("dominant_candidate", False, _(
        "Candidate %(code)s has %(share)s of the valid votes (%(votes)s of %(valid)s), above %(threshold)s: "
        "anomalous, to be audited.",
        code=code, share=format_percent(share, "#,##0.0%"), votes=_n(votes), valid=_n(f.valid),
        threshold=format_percent(threshold / 100, "#,##0.#%")))


def reported_twice(f: Figures, tolerance: float) -> Outcome:
    if not f.same_figures_as:
        return Outcome("reported_twice", True, _("No other station reported the same figures."))
    return Outcome("reported_twice", False, _(
        "Station(s) %(stations)s reported exactly the same figures for this race: the same sheet may have "
        "been reported twice.", stations=", ".join(f.same_figures_as)))


@dataclass(frozen=True)
class Check:
    code: str
    title: object
    rule: object
    tolerance_label: object
    default_tolerance: float
    function: Callable[[Figures, float], Outcome]


CHECKS: tuple[Check, ...] = (
    Check("candidate_votes_sum", _l("Candidates' votes add up to the valid ballots"),
          _l("The sum of the votes of all candidates equals the valid ballots."),
          _l("Votes of difference allowed"), 0, candidate_votes_sum),
    Check("valid_plus_invalid", _l("Valid and invalid make the ballots cast"),
          _l("Valid ballots plus invalid ballots equal the ballots cast."),
          _l("Ballots of difference allowed"), 0, valid_plus_invalid),
    Check("over_voting", _l("No over-voting"),
          _l("Ballots cast are no more than the voters registered at the station."),
          _l("Ballots allowed above the registered voters"), 5, over_voting),
    Check("ballot_reconciliation", _l("Ballots received are accounted for"),
          _l("Ballots received equal ballots cast plus unused plus spoiled."),
          _l("Ballots of difference allowed"), 0, ballot_reconciliation),
    Check("high_turnout", _l("Turnout not anomalous"),
          _l("A turnout above the threshold is anomalous."),
          _l("Highest normal turnout (%)"), 95, high_turnout),
    Check("dominant_candidate", _l("No candidate with an anomalous share"),
          _l("One candidate above the threshold share of the valid votes is anomalous."),
          _l("Highest normal share of one candidate (%)"), 95, dominant_candidate),
    Check("reported_twice", _l("Station not reported twice"),
          _l("No other station of the race carries exactly the same figures."),
          _l("Not used"), 0, reported_twice),
)
BY_CODE = {check.code: check for check in CHECKS}


def settings(session: Session) -> dict[str, tuple[bool, float]]:
    """Each check's (enabled, tolerance): the administrator's setting, else the default."""
    saved = {s.code: s for s in session.scalars(select(CheckSetting))}
    return {c.code: ((saved[c.code].enabled, saved[c.code].tolerance) if c.code in saved
                     else (True, c.default_tolerance)) for c in CHECKS}


def run(session: Session, figures: Figures) -> list[Outcome]:
    """The outcome of every enabled check on ``figures``."""
    current = settings(session)
    return [check.function(figures, current[check.code][1]) for check in CHECKS if current[check.code][0]]


def save_setting(session: Session, code: str, enabled: bool, tolerance: float) -> CheckSetting:
    """Switch a check on or off and set its tolerance."""
    from electoral.core.errors import ValidationFailed

    if code not in BY_CODE:
        raise ValidationFailed({"code": [_("There is no check named %(code)s.", code=code)]})
    if tolerance is None or tolerance < 0:
        raise ValidationFailed({"tolerance": [_("The tolerance cannot be negative.")]})
    setting = session.get(CheckSetting, code) or CheckSetting(code=code)
    setting.enabled, setting.tolerance = bool(enabled), float(tolerance)
    session.add(setting)
    session.flush()
    return setting

"""Each check passes at its tolerance and fails one vote beyond it, and says why in words."""

import pytest

from electoral.results import checks
from electoral.results.checks import Figures


def sheet(**overrides) -> Figures:
    values = dict(ballots_received=500, ballots_cast=400, unused=95, spoiled=5, invalid=10, valid=390,
                  candidates={"C1": 200, "C2": 190}, registered_voters=450)
    values.update(overrides)
    return Figures(**values)


@pytest.fixture(autouse=True)
def _context(app):
    with app.test_request_context():
        yield


def test_candidate_votes_sum_passes_when_equal():
    assert checks.candidate_votes_sum(sheet(), 0).passed is True


def test_candidate_votes_sum_fails_by_one_vote():
    outcome = checks.candidate_votes_sum(sheet(candidates={"C1": 201, "C2": 190}), 0)
    assert outcome.passed is False
    assert "391" in outcome.explanation and "390" in outcome.explanation


def test_candidate_votes_sum_passes_at_the_tolerance_and_fails_beyond():
    assert checks.candidate_votes_sum(sheet(candidates={"C1": 203, "C2": 190}), 3).passed is True
    assert checks.candidate_votes_sum(sheet(candidates={"C1": 204, "C2": 190}), 3).passed is False


def test_valid_plus_invalid_passes_when_equal_to_cast():
    assert checks.valid_plus_invalid(sheet(), 0).passed is True


def test_valid_plus_invalid_fails_by_one_ballot():
    outcome = checks.valid_plus_invalid(sheet(invalid=11), 0)
    assert outcome.passed is False
    assert "401" in outcome.explanation


def test_valid_plus_invalid_at_the_tolerance():
    assert checks.valid_plus_invalid(sheet(invalid=12), 2).passed is True
    assert checks.valid_plus_invalid(sheet(invalid=13), 2).passed is False


def test_over_voting_passes_up_to_registered_voters():
    assert checks.over_voting(sheet(ballots_cast=450), 0).passed is True


def test_over_voting_fails_one_ballot_above_the_roll():
    outcome = checks.over_voting(sheet(ballots_cast=451), 0)
    assert outcome.passed is False
    assert "450" in outcome.explanation


def test_over_voting_at_the_tolerance():
    assert checks.over_voting(sheet(ballots_cast=455), 5).passed is True
    assert checks.over_voting(sheet(ballots_cast=456), 5).passed is False


def test_over_voting_cannot_run_without_a_roll():
    outcome = checks.over_voting(sheet(registered_voters=None), 5)
    assert outcome.passed is None
    assert "roll" in outcome.explanation


def test_ballot_reconciliation_passes_when_all_ballots_are_accounted_for():
    assert checks.ballot_reconciliation(sheet(), 0).passed is True


def test_ballot_reconciliation_fails_by_one_ballot():
    outcome = checks.ballot_reconciliation(sheet(unused=94), 0)
    assert outcome.passed is False
    assert "499" in outcome.explanation


def test_ballot_reconciliation_at_the_tolerance():
    assert checks.ballot_reconciliation(sheet(unused=93), 2).passed is True
    assert checks.ballot_reconciliation(sheet(unused=92), 2).passed is False


def test_high_turnout_passes_at_the_threshold_and_fails_one_vote_above():
    assert checks.high_turnout(sheet(registered_voters=400, ballots_cast=380), 95).passed is True
    outcome = checks.high_turnout(sheet(registered_voters=400, ballots_cast=381), 95)
    assert outcome.passed is False
    assert "95.2%" in outcome.explanation


def test_dominant_candidate_passes_at_the_threshold_and_fails_one_vote_above():
    assert checks.dominant_candidate(sheet(valid=400, candidates={"C1": 380, "C2": 20}), 95).passed is True
    outcome = checks.dominant_candidate(sheet(valid=400, candidates={"C1": 381, "C2": 19}), 95)
    assert outcome.passed is False
    assert "C1" in outcome.explanation


def test_reported_twice_fails_when_another_station_has_the_same_figures():
    assert checks.reported_twice(sheet(), 0).passed is True
    outcome = checks.reported_twice(sheet(same_figures_as=["S-007"]), 0)
    assert outcome.passed is False
    assert "S-007" in outcome.explanation


def test_disabled_check_is_not_run(db):
    checks.save_setting(db.session, "candidate_votes_sum", False, 0)
    codes = [o.code for o in checks.run(db.session, sheet(candidates={"C1": 1, "C2": 1}))]
    assert "candidate_votes_sum" not in codes
    assert "valid_plus_invalid" in codes


def test_tolerance_set_by_the_administrator_is_used(db):
    checks.save_setting(db.session, "candidate_votes_sum", True, 2)
    outcomes = {o.code: o for o in checks.run(db.session, sheet(candidates={"C1": 202, "C2": 190}))}
    assert outcomes["candidate_votes_sum"].passed is True


def test_explanations_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        from flask_babel import force_locale

        with force_locale("fr"):
            outcome = checks.over_voting(sheet(ballots_cast=1451, registered_voters=1450), 0)
    assert "1\u202f451" in outcome.explanation or "1 451" in outcome.explanation

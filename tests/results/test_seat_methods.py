"""The seat methods against worked examples and published results, and the properties theory gives them."""

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from electoral.results.seats.members import Member, fill_seats
from electoral.results.seats.methods import HIGHEST_AVERAGES, LIST_METHODS, allocate

# Wikipedia, "D'Hondt method", section Example (and "Sainte-Laguë method", section Example): 230,000 voters,
# 8 seats, four parties.
WIKI_HA = {"A": 100_000, "B": 80_000, "C": 30_000, "D": 20_000}
# Wikipedia, "Largest remainders method", section Examples: 10 seats, six parties.
WIKI_LR = {"A": 47_000, "B": 16_000, "C": 15_800, "D": 12_000, "E": 6_100, "F": 3_100}


def test_dhondt_matches_the_wikipedia_worked_example():
    # Source: Wikipedia, "D'Hondt method", Example: A 4, B 3, C 1, D 0.
    assert allocate("dhondt", WIKI_HA, 8).seats == {"A": 4, "B": 3, "C": 1, "D": 0}


def test_sainte_lague_matches_the_wikipedia_worked_example():
    # Source: Wikipedia, "Sainte-Laguë method", Example: A 3, B 3, C 1, D 1.
    assert allocate("sainte_lague", WIKI_HA, 8).seats == {"A": 3, "B": 3, "C": 1, "D": 1}


def test_hare_matches_the_wikipedia_worked_example():
    # Source: Wikipedia, "Largest remainders method", Examples, Hare quota column: 5, 2, 1, 1, 1, 0.
    assert allocate("hare", WIKI_LR, 10).seats == {"A": 5, "B": 2, "C": 1, "D": 1, "E": 1, "F": 0}


def test_droop_matches_the_wikipedia_worked_example():
    # Source: Wikipedia, "Largest remainders method", Examples, Droop quota column: 5, 2, 2, 1, 0, 0.
    assert allocate("droop", WIKI_LR, 10).seats == {"A": 5, "B": 2, "C": 2, "D": 1, "E": 0, "F": 0}


def test_sainte_lague_matches_new_zealands_2017_list_seats():
    # Source: New Zealand Electoral Commission, 2017 General Election official result: party votes of the
    # parties qualifying for list seats (5% or an electorate: ACT won Epsom); 120 seats by Sainte-Laguë gave
    # National 56, Labour 46, NZ First 9, Green 8, ACT 1.
    votes = {"NAT": 1_152_075, "LAB": 956_184, "NZF": 186_706, "GRN": 162_443, "ACT": 13_075}
    assert allocate("sainte_lague", votes, 120).seats == {"NAT": 56, "LAB": 46, "NZF": 9, "GRN": 8, "ACT": 1}


def test_dhondt_matches_comaps_thirty_seat_table():
    # Source: COMAP, For All Practical Purposes (10th ed.), chapter 14, Example 14 "Using the d'Hondt method":
    # the first 30 seats of the parliament of Example 9 go Whigs 13, Liberals 9, Tories 8, Centrists 0.
    votes = {"WHIG": 5_525_381, "TORY": 3_470_152, "LIB": 3_864_226, "CEN": 201_203}
    assert allocate("dhondt", votes, 30).seats == {"WHIG": 13, "TORY": 8, "LIB": 9, "CEN": 0}


def test_dhondt_of_the_issue_example_gives_four_two_one():
    # The issue's own example (A=12000, B=8000, C=3000, 7 seats), checked by hand: quotients 12000, 8000, 6000,
    # 4000, 4000, 3000, 3000 -> A 4, B 2, C 1 (A's fourth and C's first quotient are equal, both within 7 seats).
    allocation = allocate("dhondt", {"A": 12_000, "B": 8_000, "C": 3_000}, 7)
    assert allocation.seats == {"A": 4, "B": 2, "C": 1}
    assert allocation.ties == []


def test_threshold_excludes_a_party_below_it():
    # C has 3000 of 23000 valid votes (13.04%): a 15% threshold leaves its seat to the others (A 4, B 3).
    allocation = allocate("dhondt", {"A": 12_000, "B": 8_000, "C": 3_000}, 7, threshold=15)
    assert allocation.seats == {"A": 4, "B": 3, "C": 0}
    failed = [s for s in allocation.steps if s.kind == "threshold" and not s.data["passed"]]
    assert [s.data["code"] for s in failed] == ["C"]


def test_threshold_is_judged_on_all_valid_votes_not_only_the_lists_in_the_race():
    # A national threshold: C has 13% here but 4% nationally, and is excluded.
    allocation = allocate("dhondt", {"A": 12_000, "B": 8_000, "C": 3_000}, 7, threshold=5,
                          threshold_votes={"A": 50_000, "B": 46_000, "C": 4_000}, threshold_valid=100_000)
    assert allocation.seats["C"] == 0


def test_modified_sainte_lague_with_first_divisor_one_point_four():
    # Wikipedia's example parties with the first divisor 1.4 (Norway, Sweden before 2018): A's quotient
    # 100000/7 and D's 20000/1.4 are exactly equal for the 8th seat. Exact arithmetic sees the tie.
    allocation = allocate("modified_sainte_lague", WIKI_HA, 8)
    assert allocation.seats == {"A": 3, "B": 3, "C": 1, "D": 0}
    assert [(t.contenders, t.places) for t in allocation.ties] == [(("A", "D"), 1)]
    settled = allocate("modified_sainte_lague", WIKI_HA, 8, lots={allocation.ties[0].key: ("D", "A")})
    assert settled.seats == {"A": 3, "B": 3, "C": 1, "D": 1} and settled.ties == []


def test_first_divisor_given_to_sainte_lague_is_the_modified_method():
    assert allocate("sainte_lague", WIKI_HA, 8, first_divisor=Fraction(7, 5)).seats == \
        allocate("modified_sainte_lague", WIKI_HA, 8).seats


@pytest.mark.parametrize("method", LIST_METHODS + ("plurality",))
def test_a_tie_for_the_last_seat_stops_for_lots(method):
    allocation = allocate(method, {"A": 500, "B": 500}, 1)
    assert allocation.seats == {"A": 0, "B": 0}
    assert allocation.ties[0].contenders == ("A", "B")
    drawn = allocate(method, {"A": 500, "B": 500}, 1, lots={allocation.ties[0].key: ("B", "A")})
    assert drawn.seats == {"A": 0, "B": 1}


def test_a_tie_within_the_seats_needs_no_lots():
    assert allocate("hare", {"A": 500, "B": 500}, 2).ties == []


def test_largest_remainder_tie_for_the_remaining_seat():
    # Hare quota 1000/3: A and B each hold one whole quota with 166.67 left, C none with 0: 3rd seat tied.
    allocation = allocate("hare", {"A": 500, "B": 500, "C": 0}, 3)
    assert allocation.seats["A"] == 1 and allocation.seats["B"] == 1
    assert allocation.ties[0].stage == "remainder" and allocation.ties[0].places == 1


def test_two_round_elects_an_absolute_majority():
    allocation = allocate("two_round", {"A": 501, "B": 499}, 1)
    assert allocation.elected == ["A"] and allocation.runoff == []


def test_two_round_sends_the_first_two_to_a_runoff_without_a_majority():
    allocation = allocate("two_round", {"A": 500, "B": 300, "C": 200}, 1)
    assert allocation.elected == [] and allocation.runoff == ["A", "B"]


def test_exactly_half_is_no_absolute_majority():
    assert allocate("two_round", {"A": 500, "B": 500}, 1).elected == []


def test_a_tie_for_the_last_runoff_place_stops_for_lots():
    allocation = allocate("two_round", {"A": 400, "B": 300, "C": 300}, 1)
    assert allocation.runoff == ["A"]
    assert allocation.ties[0].stage == "runoff" and allocation.ties[0].contenders == ("B", "C")


def test_plurality_with_several_seats_takes_the_first_ones():
    assert allocate("plurality", {"A": 10, "B": 30, "C": 20}, 2).elected == ["B", "C"]


def test_list_exhaustion_passes_the_seat_to_the_next_quotient():
    # A wins 4 of 7 seats under D'Hondt but has 2 candidates: its 3rd and 4th seats go to B and C.
    allocation = allocate("dhondt", {"A": 12_000, "B": 8_000, "C": 3_000}, 7, caps={"A": 2})
    assert allocation.seats == {"A": 2, "B": 4, "C": 1}
    assert any(s.kind == "exhausted" and s.data["code"] == "A" for s in allocation.steps)


def test_list_exhaustion_under_largest_remainders():
    allocation = allocate("hare", WIKI_LR, 10, caps={"A": 3})
    assert allocation.seats["A"] == 3 and sum(allocation.seats.values()) == 10


def test_every_list_exhausted_leaves_seats_unfilled():
    allocation = allocate("dhondt", {"A": 100, "B": 50}, 5, caps={"A": 1, "B": 1})
    assert sum(allocation.seats.values()) == 2
    assert any(s.kind == "unfilled" and s.data["seats"] == 3 for s in allocation.steps)


# ---- members ----------------------------------------------------------------

MEN_FIRST = [Member("Moses", 1), Member("Joseph", 2), Member("Amara", 3, woman=True), Member("Samuel", 4),
             Member("Fatu", 5, woman=True)]


def test_zipper_gives_the_second_seat_to_the_first_woman():
    elected, steps = fill_seats("A", 3, MEN_FIRST, women_every=2)
    assert [m.name for m in elected] == ["Moses", "Amara", "Joseph"]
    substitution = next(s for s in steps if s.kind == "substitution")
    assert substitution.data["passed_over"] == "Joseph" and substitution.data["seat"] == 2


def test_one_woman_in_every_three_seats():
    elected, _ = fill_seats("A", 6, MEN_FIRST + [Member("Kojo", 6)], women_every=3)
    # Seats 1-3: Moses, Joseph, Amara (already a woman by seat 3); seats 4-6: Samuel, Fatu (position 5), Kojo.
    assert [m.name for m in elected] == ["Moses", "Joseph", "Amara", "Samuel", "Fatu", "Kojo"]


def test_no_substitution_when_the_block_already_has_a_woman():
    members = [Member("Fatu", 1, woman=True), Member("Moses", 2), Member("Joseph", 3)]
    elected, steps = fill_seats("A", 2, members, women_every=2)
    assert [m.name for m in elected] == ["Fatu", "Moses"]
    assert not any(s.kind == "substitution" for s in steps)


def test_open_list_orders_by_preference_votes():
    members = [Member("Moses", 1, preference_votes=10), Member("Joseph", 2, preference_votes=300),
               Member("Amara", 3, woman=True, preference_votes=10)]
    elected, _ = fill_seats("A", 2, members, open_list=True)
    assert [m.name for m in elected] == ["Joseph", "Moses"]  # equal preference votes: list order


def test_a_list_with_fewer_candidates_than_seats_says_so():
    elected, steps = fill_seats("A", 3, MEN_FIRST[:1])
    assert len(elected) == 1 and steps[-1].kind == "list_exhausted"


# ---- properties -------------------------------------------------------------

votes_strategy = st.dictionaries(st.sampled_from("ABCDEFGH"), st.integers(min_value=1, max_value=10**6),
                                 min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(votes=votes_strategy, seats=st.integers(min_value=1, max_value=60), method=st.sampled_from(LIST_METHODS))
def test_seats_given_and_seats_waiting_for_lots_sum_to_the_seats(votes, seats, method):
    allocation = allocate(method, votes, seats)
    assert sum(allocation.seats.values()) + sum(t.places for t in allocation.ties) == seats


@settings(max_examples=200, deadline=None)
@given(votes=votes_strategy, seats=st.integers(min_value=1, max_value=60), method=st.sampled_from(HIGHEST_AVERAGES))
def test_more_votes_never_fewer_seats_under_highest_averages(votes, seats, method):
    allocation = allocate(method, votes, seats)
    for a in votes:
        for b in votes:
            if votes[a] > votes[b]:
                assert allocation.seats[a] >= allocation.seats[b]


def _jefferson(votes, seats):
    """Jefferson's method as the US House once used it: a divisor d with sum(floor(v / d)) == seats."""
    candidates = sorted({Fraction(v, k) for v in votes.values() for k in range(1, seats + 1)}, reverse=True)
    for d in candidates:
        given_ = {c: int(Fraction(v) // d) for c, v in votes.items()}
        if sum(given_.values()) == seats:
            return given_
        if sum(given_.values()) > seats:
            return None  # equal quotients at the cut: the divisor jumps past the seats
    return None


def _hamilton(votes, seats):
    """Hamilton's method: the standard quota each, whole parts first, the rest by largest fractions."""
    total = sum(votes.values())
    quotas = {c: Fraction(v * seats, total) for c, v in votes.items()}
    given_ = {c: int(q) for c, q in quotas.items()}
    order = sorted(votes, key=lambda c: quotas[c] - given_[c], reverse=True)
    for c in order[:seats - sum(given_.values())]:
        given_[c] += 1
    return given_


@settings(max_examples=200, deadline=None)
@given(votes=votes_strategy, seats=st.integers(min_value=1, max_value=40))
def test_dhondt_is_jeffersons_method(votes, seats):
    allocation = allocate("dhondt", votes, seats)
    assume(not allocation.ties)
    expected = _jefferson(votes, seats)
    assume(expected is not None)
    assert allocation.seats == expected


@settings(max_examples=200, deadline=None)
@given(votes=votes_strategy, seats=st.integers(min_value=1, max_value=40))
def test_hare_is_hamiltons_method(votes, seats):
    allocation = allocate("hare", votes, seats)
    assume(not allocation.ties)
    assert allocation.seats == _hamilton(votes, seats)


@settings(max_examples=200, deadline=None)
@given(votes=votes_strategy, method=st.sampled_from(LIST_METHODS + ("two_round",)))
def test_with_one_seat_every_method_elects_the_plurality_winner(votes, method):
    winner = allocate("plurality", votes, 1)
    assume(not winner.ties)
    allocation = allocate(method, votes, 1)
    if method == "two_round":
        assert (allocation.elected or allocation.runoff)[0] == winner.elected[0]
    else:
        assert allocation.seats[winner.elected[0]] == 1


def _webster(votes, seats):
    """Webster's method: a divisor d with sum(v / d rounded to the nearest whole number) == seats."""
    candidates = sorted({Fraction(2 * v, 2 * k - 1) for v in votes.values() for k in range(1, seats + 1)},
                        reverse=True)
    for d in candidates:
        given_ = {c: int(Fraction(v) / d + Fraction(1, 2)) for c, v in votes.items()}
        if sum(given_.values()) == seats:
            return given_
        if sum(given_.values()) > seats:
            return None
    return None


@settings(max_examples=200, deadline=None)
@given(votes=votes_strategy, seats=st.integers(min_value=1, max_value=40))
def test_sainte_lague_is_websters_method(votes, seats):
    allocation = allocate("sainte_lague", votes, seats)
    assume(not allocation.ties)
    expected = _webster(votes, seats)
    assume(expected is not None)
    assert allocation.seats == expected


@settings(max_examples=200, deadline=None)
@given(votes=votes_strategy, seats=st.integers(min_value=1, max_value=40), method=st.sampled_from(LIST_METHODS),
       data=st.data())
def test_no_list_takes_more_seats_than_it_has_candidates(votes, seats, method, data):
    caps = {code: data.draw(st.integers(min_value=0, max_value=seats)) for code in votes}
    allocation = allocate(method, votes, seats, caps=caps)
    assume(not allocation.ties)
    assert all(allocation.seats[code] <= caps[code] for code in votes)
    assert sum(allocation.seats.values()) == min(seats, sum(caps.values()))

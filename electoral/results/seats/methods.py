"""Seat allocation methods as pure functions over {code: votes}, each returning the seats and every step taken.

Arithmetic is exact (fractions): two quotients or remainders that a lawyer would call equal are equal here,
so a tie is always seen. A tie that decides a seat or a place in a runoff is never broken by the code: the
tied places stay empty and a ``Tie`` is returned, unless ``lots`` holds the order a drawing of lots gave for
exactly that tie (its ``key``).
"""

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from math import floor
from typing import Any

PLURALITY, TWO_ROUND = "plurality", "two_round"
HIGHEST_AVERAGES = ("dhondt", "sainte_lague", "modified_sainte_lague")
LARGEST_REMAINDERS = ("hare", "droop")
LIST_METHODS = HIGHEST_AVERAGES + LARGEST_REMAINDERS
METHODS = (PLURALITY, TWO_ROUND) + LIST_METHODS
# The modified Sainte-Laguë method's usual first divisor (Norway, Sweden before 2018).
DEFAULT_FIRST_DIVISOR = Fraction(7, 5)


@dataclass(frozen=True)
class Step:
    """One thing the computation did, with the figures that justify it (explain.py puts it in words)."""

    kind: str
    data: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, **{k: _plain(v) for k, v in self.data.items()}}


def _plain(value):
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Tie:
    """Contenders equal on the figure that decides ``places`` seats or runoff places: lots must be drawn."""

    stage: str  # "seat", "remainder", "elected", "runoff"
    contenders: tuple[str, ...]
    places: int
    area: str = ""

    @property
    def key(self) -> str:
        return f"{self.area}|{self.stage}|{self.places}|{','.join(sorted(self.contenders))}"

    def as_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "contenders": list(self.contenders), "places": self.places,
                "area": self.area, "key": self.key}


@dataclass
class Allocation:
    method: str
    seats: dict[str, int]
    steps: list[Step] = field(default_factory=list)
    ties: list[Tie] = field(default_factory=list)
    # Plurality and two rounds: who is elected, in order; who goes to the second round.
    elected: list[str] = field(default_factory=list)
    runoff: list[str] = field(default_factory=list)


def _ordered(contenders: list[str], tie: Tie, lots: Mapping[str, tuple[str, ...]] | None,
             steps: list[Step], ties: list[Tie]) -> list[str] | None:
    """The tied contenders in the order a drawing of lots gave, or None (and the tie noted) when none was drawn."""
    drawn = (lots or {}).get(tie.key)
    if drawn is None or sorted(drawn) != sorted(contenders):
        ties.append(tie)
        steps.append(Step("tie", {"stage": tie.stage, "contenders": tie.contenders, "places": tie.places}))
        return None
    steps.append(Step("lots", {"stage": tie.stage, "order": tuple(drawn), "places": tie.places}))
    return list(drawn)


def _cut(ranked: list[tuple[Any, str]], places: int, stage: str, area: str, lots, steps, ties) -> list[str] | None:
    """The codes that take the first ``places`` of ``ranked`` ((figure, code), best first, equal figures
    adjacent); lots decide equal figures across the cut; None when they must and have not yet been drawn."""
    if places <= 0:
        return []
    if places >= len(ranked):
        return [code for _, code in ranked]
    boundary = ranked[places - 1][0]
    above = [code for figure, code in ranked if figure > boundary]
    level = [code for figure, code in ranked if figure == boundary]
    if len(above) + len(level) <= places:
        return above + level
    tie = Tie(stage, tuple(sorted(level)), places - len(above), area)
    order = _ordered(level, tie, lots, steps, ties)
    return None if order is None else above + order[:places - len(above)]


# ---- thresholds -----------------------------------------------------------

def apply_threshold(votes: Mapping[str, int], valid: int, threshold: Fraction | float | int,
                    scope: str = "race") -> tuple[dict[str, int], list[Step]]:
    """The contenders at or above ``threshold`` percent of ``valid`` votes, and a step for each saying why."""
    threshold = Fraction(str(threshold))
    if threshold <= 0:
        return dict(votes), []
    steps, kept = [], {}
    for code, count in sorted(votes.items(), key=lambda item: (-item[1], item[0])):
        share = Fraction(count * 100, valid) if valid else Fraction(0)
        passed = share >= threshold
        steps.append(Step("threshold", {"code": code, "votes": count, "valid": valid, "share": share,
                                        "threshold": threshold, "passed": passed, "scope": scope}))
        if passed:
            kept[code] = count
    return kept, steps


# ---- highest averages -----------------------------------------------------

def divisor(method: str, seat_number: int, first_divisor: Fraction | None = None) -> Fraction:
    """The divisor for a list's ``seat_number``-th seat (1-based)."""
    if method == "dhondt":
        return Fraction(seat_number)
    if seat_number == 1 and (method == "modified_sainte_lague" or first_divisor is not None):
        return Fraction(str(first_divisor)) if first_divisor is not None else DEFAULT_FIRST_DIVISOR
    return Fraction(2 * seat_number - 1)


def highest_averages(method: str, votes: Mapping[str, int], seats: int, *, first_divisor=None,
                     caps: Mapping[str, int] | None = None, lots=None, area: str = "") -> Allocation:
    """Seats by highest averages: every list's votes divided by its divisors; the ``seats`` largest quotients win."""
    caps = caps or {}
    allocation = Allocation(method, {code: 0 for code in votes})
    steps, ties = allocation.steps, allocation.ties
    # Seat by seat: the largest quotient not yet used takes the seat, and its list's next quotient joins the
    # ranking. Only the quotients that won, and each list's first that did not, are ever computed: the same
    # result as ranking every quotient, for a fraction of the work (500 seats x 40 lists).
    heap: list[tuple[Fraction, str, int]] = []
    computed: list[tuple[Fraction, str, int, Fraction]] = []

    def push(code: str, n: int) -> None:
        if n > min(seats, caps.get(code, seats)):
            return  # a list needs no more quotients than the seats, nor than it has candidates
        d = divisor(method, n, first_divisor)
        quotient = Fraction(votes[code]) / d
        computed.append((quotient, code, n, d))
        heapq.heappush(heap, (-quotient, code, n))

    for code, count in votes.items():
        if count > 0:  # a list without votes wins nothing, whatever seats are left
            push(code, 1)
    awarded: list[tuple[Fraction, str]] = []
    while heap and len(awarded) < seats:
        negative, code, n = heapq.heappop(heap)
        awarded.append((-negative, code))
        push(code, n + 1)
    winners = [code for _, code in awarded]
    if awarded:
        # Equal quotients across the last seat: every list's quotient equal to the last one used is either used
        # or at the top of the ranking (a list's quotients only fall), so the tie is seen whole.
        boundary = awarded[-1][0]
        level = [code for quotient, code in awarded if quotient == boundary]
        waiting = sorted(code for negative, code, _ in heap if -negative == boundary)
        if waiting:
            above = [code for quotient, code in awarded if quotient > boundary]
            tie = Tie("seat", tuple(sorted(level + waiting)), len(level), area)
            order = _ordered(level + waiting, tie, lots, steps, ties)
            winners = above + (order[:len(level)] if order is not None else [])
    computed.sort(key=lambda q: (-q[0], q[1], q[2]))
    steps[:0] = [Step("quotient", {"code": code, "votes": votes[code], "divisor": d, "quotient": quotient, "n": n})
                 for quotient, code, n, d in computed]
    cut = None
    for seat, code in enumerate(winners, start=1):
        allocation.seats[code] += 1
        d = divisor(method, allocation.seats[code], first_divisor)
        cut = Fraction(votes[code]) / d
        steps.append(Step("seat", {"seat": seat, "code": code, "votes": votes[code], "divisor": d, "quotient": cut}))
    for code, cap in caps.items():
        # The list would have had another seat had it more candidates: say so, the seat went on to the next quotient.
        if code in votes and cap < seats and cut is not None and Fraction(votes[code]) / divisor(
                method, cap + 1, first_divisor) >= cut:
            steps.append(Step("exhausted", {"code": code, "candidates": cap}))
    if len(winners) < seats and not ties:
        steps.append(Step("unfilled", {"seats": seats - len(winners)}))
    return allocation


# ---- largest remainders ---------------------------------------------------

def quota(method: str, total: int, seats: int) -> Fraction:
    """Hare: votes ÷ seats. Droop: the whole part of votes ÷ (seats + 1), plus one."""
    if method == "hare":
        return Fraction(total, seats)
    return Fraction(total // (seats + 1) + 1)


def largest_remainder(method: str, votes: Mapping[str, int], seats: int, *, caps: Mapping[str, int] | None = None,
                      lots=None, area: str = "") -> Allocation:
    """Seats by largest remainders: each list gets the whole quotas its votes hold, then the largest remainders."""
    caps = caps or {}
    allocation = Allocation(method, {code: 0 for code in votes})
    steps, ties = allocation.steps, allocation.ties
    total = sum(votes.values())
    if not total or not seats:
        return allocation
    q = quota(method, total, seats)
    steps.append(Step("quota", {"method": method, "votes": total, "seats": seats, "quota": q}))
    remainders = {}
    for code, count in sorted(votes.items(), key=lambda item: (-item[1], item[0])):
        whole = floor(Fraction(count) / q)
        given = min(whole, caps.get(code, whole))
        allocation.seats[code] = given
        remainders[code] = Fraction(count) - whole * q
        steps.append(Step("whole_quotas", {"code": code, "votes": count, "quota": q, "whole": whole,
                                           "remainder": remainders[code]}))
        if given < whole:
            steps.append(Step("exhausted", {"code": code, "candidates": given}))
    left = seats - sum(allocation.seats.values())
    rank = 0
    while left > 0:
        # A list at its number of candidates takes no remainder seat; more rounds only when lists ran out.
        open_ = [code for code in votes if allocation.seats[code] < caps.get(code, seats)]
        if not open_:
            steps.append(Step("unfilled", {"seats": left}))
            break
        ranked = sorted(((remainders[c], c) for c in open_), key=lambda r: (-r[0], r[1]))
        winners = _cut(ranked, min(left, len(ranked)), "remainder", area, lots, steps, ties)
        waiting = winners is None
        if waiting:  # lots to draw: only the remainders above the tie take a seat
            winners = [code for figure, code in ranked if figure > ranked[min(left, len(ranked)) - 1][0]]
        for code in winners:
            rank += 1
            allocation.seats[code] += 1
            steps.append(Step("remainder_seat", {"rank": rank, "code": code, "remainder": remainders[code]}))
        if waiting:
            break
        left -= len(winners)
    return allocation


# ---- single winners and runoffs -------------------------------------------

def plurality(votes: Mapping[str, int], seats: int = 1, *, lots=None, area: str = "") -> Allocation:
    """The ``seats`` candidates with the most votes are elected."""
    allocation = Allocation(PLURALITY, {code: 0 for code in votes})
    ranked = sorted(((count, code) for code, count in votes.items()), key=lambda r: (-r[0], r[1]))
    for place, (count, code) in enumerate(ranked, start=1):
        allocation.steps.append(Step("rank", {"place": place, "code": code, "votes": count}))
    winners = _cut(ranked, seats, "elected", area, lots, allocation.steps, allocation.ties)
    if winners is None:
        winners = [code for count, code in ranked if count > ranked[seats - 1][0]]
    for code in winners:
        allocation.seats[code] = 1
        allocation.elected.append(code)
        allocation.steps.append(Step("elected", {"code": code, "votes": votes[code]}))
    return allocation


def two_round(votes: Mapping[str, int], valid: int, *, threshold=50, advance: int = 2, lots=None,
              area: str = "") -> Allocation:
    """Elected in the first round with more than ``threshold`` percent of valid votes; otherwise the first
    ``advance`` candidates go to a second round."""
    threshold = Fraction(str(threshold))
    allocation = Allocation(TWO_ROUND, {code: 0 for code in votes})
    steps = allocation.steps
    ranked = sorted(((count, code) for code, count in votes.items()), key=lambda r: (-r[0], r[1]))
    for place, (count, code) in enumerate(ranked, start=1):
        share = Fraction(count * 100, valid) if valid else Fraction(0)
        steps.append(Step("majority", {"place": place, "code": code, "votes": count, "valid": valid, "share": share,
                                       "threshold": threshold, "passed": share > threshold}))
    over = [(count, code) for count, code in ranked if valid and Fraction(count * 100, valid) > threshold]
    if over:
        winners = _cut(over, 1, "elected", area, lots, steps, allocation.ties)
        if winners:
            allocation.seats[winners[0]] = 1
            allocation.elected.append(winners[0])
            steps.append(Step("elected", {"code": winners[0], "votes": votes[winners[0]]}))
        return allocation
    going = _cut(ranked, advance, "runoff", area, lots, steps, allocation.ties)
    if going is None:
        going = [code for count, code in ranked if count > ranked[advance - 1][0]]
    allocation.runoff = going
    for code in going:
        steps.append(Step("runoff", {"code": code, "votes": votes[code]}))
    return allocation


# ---- one entry point ------------------------------------------------------

def allocate(method: str, votes: Mapping[str, int], seats: int, *, valid: int | None = None, threshold=0,
             first_divisor=None, advance: int = 2, caps=None, lots=None, area: str = "",
             threshold_votes: Mapping[str, int] | None = None, threshold_valid: int | None = None) -> Allocation:
    """Allocate ``seats`` among ``votes`` by ``method``; ``valid`` defaults to the sum of the votes.

    For list methods the legal ``threshold`` (percent) is judged on ``threshold_votes`` of
    ``threshold_valid`` when given (a national threshold for a district's seats), else on the votes here.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    if seats < 1:
        raise ValueError("a race elects at least one seat")
    valid = sum(votes.values()) if valid is None else valid
    if method == PLURALITY:
        return plurality(votes, seats, lots=lots, area=area)
    if method == TWO_ROUND:
        return two_round(votes, valid, threshold=threshold or 50, advance=advance, lots=lots, area=area)
    scope = "national" if threshold_votes is not None else "race"
    kept, threshold_steps = apply_threshold(threshold_votes if threshold_votes is not None else votes,
                                            threshold_valid if threshold_valid is not None else valid,
                                            threshold, scope)
    eligible = {code: count for code, count in votes.items() if code in kept}
    if method in HIGHEST_AVERAGES:
        allocation = highest_averages(method, eligible, seats, first_divisor=first_divisor, caps=caps,
                                      lots=lots, area=area)
    else:
        allocation = largest_remainder(method, eligible, seats, caps=caps, lots=lots, area=area)
    allocation.steps[:0] = threshold_steps
    for code in votes:
        allocation.seats.setdefault(code, 0)
    return allocation

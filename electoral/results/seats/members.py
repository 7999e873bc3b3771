"""Which candidates of a list take the seats the list won: in list order (closed list) or by preference votes
(open list), with a quota of women applied seat by seat. Pure functions; the steps are put in words by explain.py."""

from dataclasses import dataclass

from electoral.results.seats.methods import Step


@dataclass(frozen=True)
class Member:
    """A candidate on a party list."""

    name: str
    position: int
    woman: bool = False
    preference_votes: int | None = None


def list_order(members: list[Member], open_list: bool) -> list[Member]:
    """The order in which a list's candidates take its seats.

    Open list: most preference votes first; equal preference votes keep the order on the list, which is the
    law's own rule for them (so no lots are drawn here). Closed list: the order on the list.
    """
    if open_list:
        return sorted(members, key=lambda m: (-(m.preference_votes or 0), m.position))
    return sorted(members, key=lambda m: m.position)


def fill_seats(code: str, seats: int, members: list[Member], *, open_list: bool = False,
               women_every: int | None = None) -> tuple[list[Member], list[Step]]:
    """The members of list ``code`` who fill its ``seats``, and why each.

    ``women_every`` = n: among each n seats the list fills in turn (seats 1..n, n+1..2n, ...), at least one
    goes to a woman; n = 2 is the zipper. When the candidate next in order would complete a block with no
    woman, the next woman in order takes that seat instead, and the candidate passed over keeps their place
    for the list's next seat.
    """
    order = list_order(members, open_list)
    elected: list[Member] = []
    steps: list[Step] = []
    for seat in range(1, seats + 1):
        if not order:
            steps.append(Step("list_exhausted", {"code": code, "seat": seat}))
            break
        chosen = order[0]
        block = elected[len(elected) - (seat - 1) % women_every:] if women_every else []
        if women_every and seat % women_every == 0 and not chosen.woman and not any(m.woman for m in block):
            woman = next((m for m in order if m.woman), None)
            if woman is None:
                steps.append(Step("no_woman_left", {"code": code, "seat": seat, "name": chosen.name,
                                                    "every": women_every}))
            else:
                steps.append(Step("substitution", {"code": code, "seat": seat, "name": woman.name,
                                                   "passed_over": chosen.name, "every": women_every,
                                                   "position": woman.position}))
                chosen = woman
        order.remove(chosen)
        elected.append(chosen)
        steps.append(Step("member", {"code": code, "seat": seat, "name": chosen.name, "position": chosen.position,
                                     "preference_votes": chosen.preference_votes, "open_list": open_list}))
    return elected, steps

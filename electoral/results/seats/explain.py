"""Each step of an allocation in words a lawyer can check against the law and the figures.

The same sentences feed the page, the command line and the declaration PDF. ``names`` maps a code to what
a reader knows it by (the list's or candidate's name); numbers are formatted by the caller's ``number``.
"""

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from flask_babel import ngettext

from electoral.results.seats.methods import Step


def method_label(method: str) -> str:
    return {"plurality": _("Plurality (the most votes)"),
            "two_round": _("Absolute majority, with a second round"),
            "dhondt": _("Highest averages, D'Hondt (divisors 1, 2, 3...)"),
            "sainte_lague": _("Highest averages, Sainte-Laguë (divisors 1, 3, 5...)"),
            "modified_sainte_lague": _("Highest averages, modified Sainte-Laguë (first divisor, then 3, 5...)"),
            "hare": _("Largest remainders, Hare quota (votes ÷ seats)"),
            "droop": _("Largest remainders, Droop quota (votes ÷ (seats + 1), whole part, plus 1)")}[method]


def _figure(value, number: Callable) -> str:
    """A whole number as a whole number; a fraction to four decimals (exact comparisons were made)."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return number((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001")).normalize())
    return number(int(value))


def sentence(step: Step, names: dict[str, str], number: Callable = lambda n: f"{n:,}") -> str:
    """One step as a sentence."""
    d = step.data
    name = names.get(d.get("code", ""), d.get("code", ""))
    f = lambda v: _figure(v, number)  # noqa: E731
    pct = lambda v: number((Decimal(v.numerator) / Decimal(v.denominator)).quantize(Decimal("0.01")))  # noqa: E731
    kind = step.kind
    if kind == "threshold":
        scope = {"race": _("in this race"), "national": _("nationally"), "district": _("in the district")}[d["scope"]]
        if d["passed"]:
            return _("%(name)s: %(votes)s of %(valid)s valid votes %(scope)s is %(share)s%%, at least the threshold "
                     "of %(threshold)s%%: it takes part in the allocation.", name=name, votes=f(d["votes"]),
                     valid=f(d["valid"]), scope=scope, share=pct(d["share"]),
                     threshold=f(d["threshold"]))
        return _("%(name)s: %(votes)s of %(valid)s valid votes %(scope)s is %(share)s%%, below the threshold of "
                 "%(threshold)s%%: it takes no seat.", name=name, votes=f(d["votes"]), valid=f(d["valid"]),
                 scope=scope, share=pct(d["share"]), threshold=f(d["threshold"]))
    if kind == "quotient":
        return _("%(name)s: %(votes)s ÷ %(divisor)s = %(quotient)s.", name=name, votes=f(d["votes"]),
                 divisor=f(d["divisor"]), quotient=f(d["quotient"]))
    if kind == "seat":
        return _("Seat %(seat)s goes to %(name)s: its quotient %(votes)s ÷ %(divisor)s = %(quotient)s is the "
                 "largest of those not yet used.", seat=d["seat"], name=name, votes=f(d["votes"]),
                 divisor=f(d["divisor"]), quotient=f(d["quotient"]))
    if kind == "quota":
        return _("The quota is %(quota)s: %(votes)s votes of the lists taking part, for %(seats)s seats.",
                 quota=f(d["quota"]), votes=f(d["votes"]), seats=d["seats"])
    if kind == "whole_quotas":
        return _("%(name)s: %(votes)s votes hold the quota %(whole)s whole times, leaving a remainder of "
                 "%(remainder)s.", name=name, votes=f(d["votes"]), whole=d["whole"], remainder=f(d["remainder"]))
    if kind == "remainder_seat":
        return _("Remaining seat %(rank)s goes to %(name)s, with the largest remainder not yet used "
                 "(%(remainder)s).", rank=d["rank"], name=name, remainder=f(d["remainder"]))
    if kind == "exhausted":
        return _("%(name)s has only %(count)s candidates: it cannot fill more seats, and the next seat goes to the "
                 "next list in the ranking.", name=name, count=d["candidates"])
    if kind == "unfilled":
        return _("%(count)s seats stay unfilled: no list taking part has a candidate left.", count=d["seats"])
    if kind == "tie":
        return ngettext("Tie: %(names)s are equal for %(num)d place. The law requires lots to be drawn; the "
                        "computation stops here until the drawing is recorded.",
                        "Tie: %(names)s are equal for %(num)d places. The law requires lots to be drawn; the "
                        "computation stops here until the drawing is recorded.", d["places"],
                        names=", ".join(names.get(c, c) for c in d["contenders"]))
    if kind == "lots":
        return ngettext("Lots were drawn between %(names)s, in this order; the first drawn takes the place.",
                        "Lots were drawn between %(names)s, in this order; the first %(num)d drawn take the "
                        "places.", d["places"], names=", ".join(names.get(c, c) for c in d["order"]))
    if kind == "rank":
        return _("Place %(place)s: %(name)s with %(votes)s votes.", place=d["place"], name=name, votes=f(d["votes"]))
    if kind == "majority":
        if d["passed"]:
            return _("%(name)s has %(votes)s of %(valid)s valid votes, %(share)s%%: more than %(threshold)s%%.",
                     name=name, votes=f(d["votes"]), valid=f(d["valid"]), share=pct(d["share"]),
                     threshold=f(d["threshold"]))
        return _("%(name)s has %(votes)s of %(valid)s valid votes, %(share)s%%: not more than %(threshold)s%%.",
                 name=name, votes=f(d["votes"]), valid=f(d["valid"]), share=pct(d["share"]),
                 threshold=f(d["threshold"]))
    if kind == "elected":
        return _("%(name)s is elected with %(votes)s votes.", name=name, votes=f(d["votes"]))
    if kind == "runoff":
        return _("No candidate has the majority required: %(name)s, with %(votes)s votes, goes to the second "
                 "round.", name=name, votes=f(d["votes"]))
    if kind == "member":
        if d["open_list"]:
            return _("Seat %(seat)s of %(list)s: %(name)s (number %(position)s on the list, %(preference)s "
                     "preference votes).", seat=d["seat"], list=name, name=d["name"], position=d["position"],
                     preference=f(d["preference_votes"] or 0))
        return _("Seat %(seat)s of %(list)s: %(name)s, number %(position)s on the list.", seat=d["seat"], list=name,
                 name=d["name"], position=d["position"])
    if kind == "substitution":
        return _("Seat %(seat)s of %(list)s: one seat in every %(every)s must go to a woman, and none of this "
                 "block has yet; %(name)s (number %(position)s) takes it in place of %(passed)s, who keeps their "
                 "turn for the next seat.", seat=d["seat"], list=name, every=d["every"], name=d["name"],
                 position=d["position"], passed=d["passed_over"])
    if kind == "no_woman_left":
        return _("Seat %(seat)s of %(list)s should go to a woman (one in every %(every)s), but no woman is left "
                 "on the list: %(name)s takes it in order.", seat=d["seat"], list=name, every=d["every"],
                 name=d["name"])
    if kind == "list_exhausted":
        return _("%(list)s has no candidate left for its seat %(seat)s.", list=name, seat=d["seat"])
    if kind == "independent":
        return _("%(name)s stands as an independent: the seat goes to the candidate.", name=name)
    raise ValueError(kind)

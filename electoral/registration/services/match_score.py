"""How likely two records are one person, from weights estimated on labelled pairs.

A Fellegi–Sunter model: each comparison (names, date of birth, father's name, place,
document, how common the name is) lands on one level, and each level carries the
log ratio of how often it is seen between two records of one person (m) and between
two different people met by the blocking (u). Both are counted on a labelled set by
bench/fit_dedup_weights.py, never set by hand; the counts live in
dedup_weights.json beside this module, so a commission can refit them on its own
labelled pairs and ship the file. The sum of the log ratios and the prior odds is the
log odds that the pair is one person; the supervisor sees it as a probability.

A vague date (year only, or 1 January) leaves the names, father's name and place to
tell one person from a namesake, and how much they tell depends on how many namesakes
the roll holds, which the levels alone do not weigh well on a roll far larger than the
labelled sets (a national roll has crowds of namesakes the sets never show). So for a
vague date the model adds a correction to the levels' log odds: a logistic regression
over the pairs of the labelled sets with a vague date, on the log of the name count and
of the namesake count and on whether the father's name agrees, the names' layout and
level, fitted with the levels' log odds as offset (bench/dedup_sets.py, ``vague``).
Its coefficients, like the counts, are estimated, never set by hand.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

WEIGHTS_FILE = Path(__file__).with_name("dedup_weights.json")

# The comparisons and their levels, in the order the fitting script and the file use.
COMPARISONS: dict[str, tuple[str, ...]] = {
    "names": ("same", "variant", "script", "joined", "typo"),
    "layout": ("full", "missing", "swapped", "swapped_missing"),
    "dob": ("same", "year_only", "jan1", "day_month_swapped", "year_apart", "vague_year_apart", "other"),
    "father": ("same", "missing", "different"),
    "place": ("same", "missing", "different"),
    "document": ("same_number", "different_number", "none"),
    # A vague date among more namesakes than dedup.CROWD, or than dedup.CROWDED.
    "crowd": ("no", "vague", "vague_many"),
}
# Dates that say only the year (year-only, or 1 January, the usual default): the name's frequency weighs on them.
VAGUE_DATES = frozenset({"year_only", "jan1", "vague_year_apart"})


@dataclass(frozen=True)
class Weights:
    prior_log_odds: float
    log_ratios: dict[str, dict[str, float]]
    threshold: float  # the probability from which a pair is shown to a supervisor
    trained_on: str
    # How often two different people met by the blocking share a father's name: of a
    # crowd of namesakes, about this share are left once the father's name agrees
    # (dedup.crowd_level). Counted with the rest.
    father_share: float = 1.0
    # Frequency-based u for a vague date (Fellegi–Sunter with Winkler's frequency
    # adjustment): the chance that two different people share names, year and place
    # grows with how many people on the roll bear the names, so the log odds of a pair
    # with a vague date move by log(name_count_ref / name count), the count read from
    # the roll being scanned (dedup.compare). ``name_count_ref``: the mean count over the
    # labelled pairs of one person with a vague date, counted with the rest; 0 for none.
    name_count_ref: float = 0.0
    # The correction for a vague date (see the module's text): coefficient per term of ``vague_terms``.
    vague: dict[str, float] = field(default_factory=dict)

    def log_odds(self, levels: dict[str, str], name_count: int = 0, namesakes: int = 0) -> float:
        """The log odds that a pair with these comparison levels is one person.

        ``name_count``: how many people on the roll bear these names (``name_count_ref``).
        ``namesakes``: how many of them were born in the same place (dedup.compare). Given,
        with weights that carry a ``vague`` correction, a vague date is weighed by that
        correction instead of the crowd level and the name count's ratio.
        """
        if namesakes and self.vague:
            odds = self.prior_log_odds + sum(self.log_ratios[name][level] for name, level in levels.items()
                                             if name != "crowd")
            if levels.get("dob") in VAGUE_DATES:
                terms = vague_terms(levels, name_count, namesakes)
                odds += sum(self.vague.get(term, 0.0) * value for term, value in terms.items())
            return odds
        odds = self.prior_log_odds + sum(self.log_ratios[name][level] for name, level in levels.items())
        if name_count and self.name_count_ref and levels.get("dob") in VAGUE_DATES:
            odds += math.log(self.name_count_ref / max(name_count, 2))
        return odds

    def probability(self, levels: dict[str, str], name_count: int = 0, namesakes: int = 0) -> float:
        """The probability that a pair with these comparison levels is one person."""
        odds = self.log_odds(levels, name_count, namesakes)
        # exp() overflows past about 709: far beyond any sum the weights can make, but cheap to guard.
        if odds < -700:
            return 0.0
        return 1.0 / (1.0 + math.exp(-odds))


def vague_terms(levels: dict[str, str], name_count: int, namesakes: int) -> dict[str, float]:
    """The terms of a vague date's correction and their values for one pair."""
    return {"bias": 1.0, "log_name_count": math.log(max(name_count, 1)), "log_namesakes": math.log(max(namesakes, 1)),
            f"father={levels['father']}": 1.0, f"layout={levels['layout']}": 1.0, f"names={levels['names']}": 1.0}


def weights_from_counts(data: dict) -> Weights:
    """Weights from the counts of a weights file (see bench/fit_dedup_weights.py)."""
    smoothing = data.get("smoothing", 1.0)
    ratios: dict[str, dict[str, float]] = {}
    for name, levels in COMPARISONS.items():
        matches, others = data["m_counts"][name], data["u_counts"][name]
        total_m = sum(matches.get(level, 0) for level in levels) + smoothing * len(levels)
        total_u = sum(others.get(level, 0) for level in levels) + smoothing * len(levels)
        ratios[name] = {
            level: math.log(((matches.get(level, 0) + smoothing) / total_m)
                            / ((others.get(level, 0) + smoothing) / total_u))
            for level in levels}
    pairs_m, pairs_u = data["pairs"]["match"], data["pairs"]["non_match"]
    return Weights(math.log(pairs_m / pairs_u), ratios, data.get("threshold", 0.5), data.get("trained_on", ""),
                   father_share(data["u_counts"]["father"], smoothing), data.get("name_count_ref", 0.0),
                   data.get("vague", {}))


def father_share(u_father: dict[str, int], smoothing: float = 1.0) -> float:
    """The share of pairs of different people sharing a father's name, among those with both names written."""
    same, different = u_father.get("same", 0) + smoothing, u_father.get("different", 0) + smoothing
    return same / (same + different)


@cache
def weights() -> Weights:
    """The weights shipped with the package (read once)."""
    return weights_from_counts(json.loads(WEIGHTS_FILE.read_text(encoding="utf-8")))

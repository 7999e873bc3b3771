"""The two labelled duplicate sets, the pairs the blocking brings, fitting the weights and measuring them.

Set "generator": electoral/registration/synthetic.py, the project's own generator.
Set "tables": electoral/registration/synthetic_tables.py, built differently (names from
per-country frequency tables, its own variant procedure, siblings and twins).

Both are compared exactly as the batch scan compares a roll: the same snapshot, the
same blocks, the same ``dedup.compare`` (duplicate_scan.snapshot, candidate_pairs).
"""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

from electoral.registration import synthetic, synthetic_tables
from electoral.registration.services import dedup, duplicate_scan, match_score

CENTRES = ["C001", "C002", "C003"]
SIZE = 6000  # the sets measured (the size of the independently built roll in issue 17)
# The sets the weights are fitted on: larger, so that crowds of namesakes are seen often
# enough to be weighed (other seeds than the measured sets).
FIT_SIZE = 30_000
FIT_SEEDS = {"generator": 11, "tables": 23}


@dataclass
class LabelledSet:
    name: str
    roll: synthetic.SyntheticRoll
    snap: object  # duplicate_scan._Snapshot
    person_of: list[int]  # row -> the row of the person it registers (itself for an original)
    planted: dict[tuple[int, int], str]  # (row, row) -> kind
    negatives: dict[tuple[int, int], str]


def build(name: str, size: int = SIZE, seed: int | None = None) -> LabelledSet:
    """One of the two sets ("generator" or "tables") as the scan holds a roll in memory."""
    if name == "generator":
        roll = synthetic.generate(size, CENTRES, duplicate_share=0.1, negatives=size // 20, seed=seed or 2026)
    else:
        roll = synthetic_tables.generate(size, CENTRES, seed=seed or 17)
    rows = []
    for index, row in enumerate(roll.rows):
        year_only = len(row["date_of_birth"]) == 4
        born = date(int(row["date_of_birth"]), 7, 1) if year_only else date.fromisoformat(row["date_of_birth"])
        keys = dedup.keys(row["given_names"], row["family_name"], row["sex"])
        rows.append((index, row["family_name"], row["given_names"], row["father_name"] or None, row["sex"], born,
                     year_only, row["place_of_birth"] or None, row["id_type"], row["id_number"] or None, None,
                     *keys, born.year))
    person_of = list(range(len(roll.rows)))
    for original, copy, _kind in roll.duplicates:
        person_of[copy] = person_of[original]
    planted = {(min(i, j), max(i, j)): kind for i, j, kind in roll.duplicates}
    negatives = {(min(i, j), max(i, j)): kind for i, j, kind in roll.negatives}
    return LabelledSet(name, roll, duplicate_scan.snapshot(rows), person_of, planted, negatives)


def candidate_levels(labelled: LabelledSet):
    """(levels, namesakes, name count, is one person) for every pair the blocking brings that the names let through.

    The crowd level is left to ``count``, which knows the share of fathers' names shared.
    """
    snap = labelled.snap
    people, namesakes, name_counts = snap.people, snap.namesakes, snap.name_counts
    for first, second in duplicate_scan.candidate_pairs(snap, dates=False):
        crowd = max(namesakes[first], namesakes[second])
        found = dedup.comparison_levels(people[first], people[second], crowd, rules=False, father_share=1.0)
        if found:
            yield (found[0], crowd, max(name_counts[first], name_counts[second]),
                   labelled.person_of[first] == labelled.person_of[second])


def count(sets: list[LabelledSet]) -> dict:
    """The m and u counts per comparison level over the candidate pairs of ``sets`` (a weights file's content)."""
    m_counts = {name: Counter() for name in match_score.COMPARISONS}
    u_counts = {name: Counter() for name in match_score.COMPARISONS}
    pairs = Counter()
    counted = [found for labelled in sets for found in candidate_levels(labelled)]
    fathers = Counter(levels["father"] for levels, _crowd, _count, same in counted if not same)
    share = match_score.father_share(fathers)
    # The mean name count of one person's two records with a vague date (match_score.Weights.name_count_ref).
    vague = [count for levels, _crowd, count, same in counted if same and levels["dob"] in match_score.VAGUE_DATES]
    for levels, crowd, _count, same in counted:
        levels["crowd"] = dedup.crowd_level(crowd, levels["dob"], levels["father"], share)
        pairs["match" if same else "non_match"] += 1
        for name, level in levels.items():
            (m_counts if same else u_counts)[name][level] += 1
    data = {"trained_on": " + ".join(s.name for s in sets), "smoothing": 1.0, "threshold": 0.5,
            "name_count_ref": round(sum(vague) / max(len(vague), 1), 3),
            "pairs": dict(pairs), "m_counts": {k: dict(v) for k, v in m_counts.items()},
            "u_counts": {k: dict(v) for k, v in u_counts.items()}}
    data["vague"] = fit_vague(match_score.weights_from_counts(data), counted)
    return data


def fit_vague(levels_only: match_score.Weights, counted: list) -> dict[str, float]:
    """The vague-date correction (match_score.vague_terms): a logistic regression with the levels' log odds as offset.

    Over the counted pairs with a vague date that the rules let through (no other father's
    name or place, no shared number, which decides alone): batch gradient descent on the
    log loss with a light L2 penalty, on the pairs grouped by their terms.
    """
    groups: Counter = Counter()
    for levels, crowd, name_count, same in counted:
        if (levels["dob"] not in ("year_only", "jan1") or "different" in (levels["father"], levels["place"])
                or levels["document"] == "same_number"):
            continue
        plain = {**levels, "document": "none"}
        offset = levels_only.prior_log_odds + sum(levels_only.log_ratios[k][v] for k, v in plain.items() if k != "crowd")
        terms = tuple(sorted(match_score.vague_terms(levels, name_count, crowd).items()))
        groups[(offset, terms, same)] += 1
    rows = list(groups.items())
    total = sum(groups.values())
    coefficients: dict[str, float] = {}
    for _step in range(3000):
        gradient: Counter = Counter()
        for (offset, terms, same), n in rows:
            z = offset + sum(coefficients.get(term, 0.0) * value for term, value in terms)
            error = n * (1 / (1 + math.exp(-max(min(z, 30), -30))) - same) / total
            for term, value in terms:
                gradient[term] += error * value
        for term, slope in gradient.items():
            coefficients[term] = coefficients.get(term, 0.0) - 0.5 * (slope + 1e-3 * coefficients.get(term, 0.0))
    return {term: round(value, 4) for term, value in sorted(coefficients.items())}


@dataclass
class Measure:
    precision: float
    recall: float
    per_kind: dict[str, tuple[int, int]]  # kind -> (found, planted)
    negatives: dict[str, tuple[int, int]]  # kind -> (flagged, pairs)
    flagged: int
    wrong: int


def measure(labelled: LabelledSet, model: match_score.Weights) -> Measure:
    """Precision and recall of the scan over ``labelled`` with ``model``'s weights, per kind."""
    snap = labelled.snap
    people, namesakes, name_counts = snap.people, snap.namesakes, snap.name_counts
    flagged = set()
    for first, second in duplicate_scan.candidate_pairs(snap):
        if dedup.compare(people[first], people[second], max(namesakes[first], namesakes[second]), model=model,
                         name_count=max(name_counts[first], name_counts[second])):
            flagged.add((first, second))
    right = {pair for pair in flagged if labelled.person_of[pair[0]] == labelled.person_of[pair[1]]}
    per_kind = {}
    for kind in dict.fromkeys(labelled.planted.values()):
        pairs = [pair for pair, k in labelled.planted.items() if k == kind]
        per_kind[kind] = (sum(pair in flagged for pair in pairs), len(pairs))
    negatives = {}
    for kind in dict.fromkeys(labelled.negatives.values()):
        pairs = [pair for pair, k in labelled.negatives.items() if k == kind]
        negatives[kind] = (sum(pair in flagged for pair in pairs), len(pairs))
    found = sum(pair in flagged for pair in labelled.planted)
    return Measure(len(right) / len(flagged) if flagged else 1.0, found / len(labelled.planted), per_kind, negatives,
                   len(flagged), len(flagged) - len(right))


def report(title: str, result: Measure) -> None:
    flagged_negatives = sum(f for f, _n in result.negatives.values())
    all_negatives = sum(n for _f, n in result.negatives.values())
    print(f"{title}: precision {result.precision:.3f}, recall {result.recall:.3f} "
          f"({result.flagged} pairs flagged, {result.wrong} of them two people); hard negatives flagged "
          f"{flagged_negatives}/{all_negatives} ({flagged_negatives / max(all_negatives, 1):.1%})")
    for kind, (found, planted) in result.per_kind.items():
        print(f"    recall {kind:<28} {found / planted:.3f}  ({found}/{planted})")
    for kind, (flagged, pairs) in result.negatives.items():
        print(f"    hard negatives {kind:<20} flagged {flagged}/{pairs}")

"""Estimate the duplicate-scoring weights from labelled pairs and write the file the package ships.

    .venv/bin/python bench/fit_dedup_weights.py [--size 6000] [--out PATH]

Fellegi–Sunter by counting: over every pair the blocking brings to a comparison in the
two labelled sets (bench/dedup_sets.py), how often each comparison level is seen
between two records of one person (m) and of two people (u). The weights are the log
ratios (electoral/registration/services/match_score.py), and a vague date's correction is
a logistic regression over the same pairs (dedup_sets.fit_vague); nothing is set by hand. The
shipped file is fitted on both sets; bench/registration_dedup.py reports each set
measured with weights fitted on the other only.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from dedup_sets import FIT_SEEDS, FIT_SIZE, build, count  # noqa: E402

from electoral.registration.services import match_score  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=FIT_SIZE)
    parser.add_argument("--out", type=Path, default=match_score.WEIGHTS_FILE)
    args = parser.parse_args()
    sets = [build(name, args.size, seed) for name, seed in FIT_SEEDS.items()]
    counts = count(sets)
    args.out.write_text(json.dumps(counts, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    weights = match_score.weights_from_counts(counts)
    print(f"{counts['pairs']} candidate pairs counted; prior log odds {weights.prior_log_odds:.2f}")
    for name, levels in weights.log_ratios.items():
        print(f"  {name:<9} " + ", ".join(f"{level} {ratio:+.2f}" for level, ratio in levels.items()))
    print(f"  a shared father's name among namesakes: {weights.father_share:.3f} of pairs of two people; "
          f"mean name count of a vague-dated duplicate: {weights.name_count_ref:.2f}")
    print("  a vague date's correction (logistic, the levels' log odds as offset): "
          + ", ".join(f"{term} {value:+.2f}" for term, value in weights.vague.items()))
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()

"""A vague date of birth weighed by the estimated correction: the more namesakes, the less a shared year says."""

import math

from electoral.registration.services import match_score

AGREEING = {"names": "same", "layout": "full", "dob": "year_only", "father": "same", "place": "same",
            "document": "none", "crowd": "vague"}


def test_the_shipped_weights_carry_an_estimated_vague_date_correction():
    weights = match_score.weights()
    assert set(weights.vague) >= {"bias", "log_name_count", "log_namesakes", "father=same", "layout=full"}
    # Estimated on labelled pairs: more namesakes born in the same place make the same evidence weaker.
    assert weights.vague["log_namesakes"] < 0 and weights.vague["log_name_count"] < 0
    few = weights.probability(AGREEING, name_count=3, namesakes=2)
    many = weights.probability(AGREEING, name_count=300, namesakes=30)
    assert many < weights.threshold < few


def test_the_correction_adds_its_terms_to_the_levels_without_the_crowd_level():
    weights = match_score.Weights(0.0, {name: dict.fromkeys(levels, 0.5) for name, levels in match_score.COMPARISONS.items()},
                                  0.5, "test", vague={"bias": 1.0, "log_namesakes": -2.0, "father=same": 0.25})
    levels_only = 0.5 * (len(match_score.COMPARISONS) - 1)  # the crowd level is left to the correction
    assert math.isclose(weights.log_odds(AGREEING, name_count=10, namesakes=4),
                        levels_only + 1.0 - 2.0 * math.log(4) + 0.25)
    # A precise date is weighed by the levels alone.
    assert math.isclose(weights.log_odds({**AGREEING, "dob": "same"}, name_count=10, namesakes=4), levels_only)
    # Without the namesake count (a caller that does not pass it) the model is the levels and the name count's ratio.
    assert math.isclose(weights.log_odds(AGREEING), 0.5 * len(match_score.COMPARISONS))

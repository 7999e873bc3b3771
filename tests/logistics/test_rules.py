"""Quantity rules on known figures: buffers, rounding to packs, minimums, per-centre items, validation."""

import pytest

from electoral.core.errors import ValidationFailed
from electoral.logistics import services
from electoral.logistics.services import ItemData, Rule, quantities, quantity
from tests.logistics.factories import make_item


def rule(basis="voter", amount=1, per_voters=1, buffer_bp=0, minimum=0, pack=1):
    return Rule(1, "X", basis, amount, per_voters, buffer_bp, minimum, pack)


def test_ballots_are_voters_plus_two_percent_rounded_up_to_pads_of_fifty():
    ballots = rule(buffer_bp=200, pack=50)
    # 600 x 1.02 = 612 -> 650; 490 x 1.02 = 499.8 -> 500 -> 500; 0 voters -> 0
    assert quantity(ballots, 600) == 650
    assert quantity(ballots, 490) == 500
    assert quantity(ballots, 0) == 0


def test_buffer_rounds_up_to_a_whole_unit_before_packing():
    assert quantity(rule(buffer_bp=200), 601) == 614  # 613.02 -> 614


def test_ink_is_one_bottle_per_700_voters_plus_ten_percent_at_least_two():
    ink = rule(per_voters=700, buffer_bp=1000, minimum=2)
    assert quantity(ink, 600) == 2    # 0.94 -> 1, raised to the minimum of 2
    assert quantity(ink, 1400) == 3   # 2 x 1.1 = 2.2 -> 3
    assert quantity(ink, 2100) == 4   # 3.3 -> 4


def test_per_station_item_ignores_voters():
    boxes = rule(basis="station", amount=2)
    assert quantities(boxes, [0, 300, 680]) == [2, 2, 2]


def test_per_station_item_rounds_to_whole_packs():
    seals = rule(basis="station", amount=8, pack=10)
    assert quantity(seals) == 10


def test_vectorised_quantities_match_one_by_one():
    ballots = rule(buffer_bp=200, pack=50)
    counts = [0, 1, 49, 50, 599, 600, 680]
    assert quantities(ballots, counts) == [quantity(ballots, c) for c in counts]


def test_rule_is_explained_in_words_with_an_example(db):
    item = make_item(name="Ballot papers", unit="ballot paper", basis="voter", buffer_percent=2, pack_size=50)
    words = " ".join(services.explain(item))
    assert "for every 1 registered voters" in words
    assert "Plus 2% spare" in words
    assert "whole packs of 50" in words
    assert "a station of 600 voters gets 650" in words


def test_a_rule_that_cannot_be_computed_is_refused_field_by_field(db):
    with pytest.raises(ValidationFailed) as failure:
        services.save_item(db.session, ItemData("BAD", "Bad", "unit", 0, False, "voter", 0, 0, 150, -1))
    assert set(failure.value.errors) == {"pack_size", "amount", "per_voters", "buffer_percent", "minimum"}


def test_item_codes_are_unique(db):
    make_item(code="LAMP")
    with pytest.raises(ValidationFailed) as failure:
        make_item(code="lamp")
    assert "already used" in failure.value.errors["code"][0]


def test_seeding_adds_the_field_catalogue_once(db):
    assert services.seed_catalogue(db.session) == len(services.DEFAULT_CATALOGUE)
    assert services.seed_catalogue(db.session) == 0
    ballots = services.find_item(db.session, "BALLOT-PRES")
    assert ballots.sensitive and ballots.pack_size == 50
    assert quantity(Rule.of(ballots), 600) == 650
    assert not services.find_item(db.session, "BALLOT-BOX").sensitive

"""Duplicate detection: every kind of variant is found, different people are not flagged."""

from datetime import date

import pytest

from electoral.registration.services.dedup import Person, compare, describe

BASE = dict(father_name="Ibrahim", sex="M", date_of_birth=date(1990, 5, 14), birth_year_only=False,
            place_of_birth="Gbarnga", id_type="national_id", id_number=None)


def person(given, family, id=1, **fields):
    values = {**BASE, **fields}
    return Person(id, family, given, values["father_name"], values["sex"], values["date_of_birth"],
                  values["birth_year_only"], values["place_of_birth"], values["id_type"], values["id_number"])


def reasons_of(a, b):
    match = compare(a, b)
    assert match is not None, "not flagged"
    return " | ".join(describe(match.reasons))


@pytest.mark.parametrize("given, family", [
    ("Mohammed", "Kamara"), ("Muhammad", "Kamara"), ("Mohamad", "Kamara"),
])
def test_spelling_variants_of_mohamed_match(db, given, family):
    assert "names spelt differently" in reasons_of(person("Mohamed", "Kamara"), person(given, family, 2))


def test_arabic_script_matches_latin_transliteration(db):
    text = reasons_of(person("محمد", "عبد الله", father_name="إبراهيم"), person("Mohamed", "Abdalla", 2))
    assert "names match across scripts: محمد عبد الله ~ Mohamed Abdalla" in text


def test_abdul_abdel_and_abd_al_are_one_name(db):
    assert compare(person("Abdul Rahman", "Saleh"), person("Abdelrahman", "Saleh", 2)) is not None
    assert compare(person("Abd al-Rahman", "Saleh"), person("Abdurrahman", "Saleh", 2)) is not None


def test_article_and_ta_marbuta_are_ignored(db):
    assert compare(person("فاطمة", "الترهوني", sex="F", father_name=None),
                   person("Fatima", "Al-Tarhouni", 2, sex="F", father_name=None)) is not None


def test_swapped_given_and_family_names_match(db):
    assert "given and family names swapped" in reasons_of(person("Mohamed", "Kamara"), person("Kamara", "Mohamed", 2))


def test_missing_middle_name_matches(db):
    assert "middle name is missing" in reasons_of(person("Fatu Mariama", "Sesay", sex="F"),
                                                  person("Fatu", "Sesay", 2, sex="F"))


def test_apostrophes_and_hyphens_do_not_matter(db):
    assert compare(person("Kouame", "N'Guessan"), person("Kouame", "Nguessan", 2)) is not None
    assert compare(person("Jean-Baptiste", "Kouadio"), person("Jean Baptiste", "Kouadio", 2)) is not None


def test_one_letter_typo_matches(db):
    assert "one letter apart" in reasons_of(person("Emmanuel", "Konneh"), person("Emmanuel", "Konmeh", 2))


@pytest.mark.parametrize("other, words", [
    (dict(date_of_birth=date(1990, 7, 1), birth_year_only=True), "one date is year-only"),
    (dict(date_of_birth=date(1990, 1, 1)), "1 January"),
    (dict(date_of_birth=date(1990, 14 % 13, 5)), "day and month swapped"),
    (dict(date_of_birth=date(1991, 5, 14)), "one year apart"),
])
def test_date_of_birth_variants_match(db, other, words):
    a = person("Mohamed", "Kamara", date_of_birth=date(1990, 5, 1) if "swapped" in words else date(1990, 5, 14))
    assert words in reasons_of(a, person("Mohamed", "Kamara", 2, **other))


def test_same_id_number_is_named(db):
    text = reasons_of(person("Mohamed", "Kamara", id_number="LR-123"), person("Mohamed", "Kamara", 2, id_number="lr123"))
    assert "same ID number" in text


def test_mohamed_and_mahmoud_in_arabic_are_different(db):
    assert compare(person("محمد", "حسن"), person("محمود", "حسن", 2)) is None


def test_mohamed_and_mahmoud_across_scripts_are_different(db):
    assert compare(person("محمود", "Hassan"), person("Mohamed", "Hassan", 2)) is None
    assert compare(person("Mohamed", "Hassan"), person("Mahmoud", "Hassan", 2)) is None


def test_two_mohamed_kamaras_born_1990_with_different_fathers_and_birthplaces_are_not_flagged(db):
    a = person("Mohamed", "Kamara", date_of_birth=date(1990, 3, 2), father_name="Ibrahim", place_of_birth="Kenema")
    b = person("Mohamed", "Kamara", 2, date_of_birth=date(1990, 3, 2), father_name="Sorie", place_of_birth="Makeni")
    assert compare(a, b) is None


def test_common_name_same_year_different_days_is_not_flagged(db):
    assert compare(person("Mohamed", "Kamara", date_of_birth=date(1990, 3, 2)),
                   person("Mohamed", "Kamara", 2, date_of_birth=date(1990, 8, 21))) is None


def test_different_sex_is_not_flagged(db):
    assert compare(person("Sam", "Kollie", sex="M"), person("Sam", "Kollie", 2, sex="F")) is None


def test_latin_mahmud_matches_arabic_mahmoud_not_muhammad(db):
    assert compare(person("محمد", "حسن"), person("Mahmud", "Hassan", 2)) is None
    assert compare(person("محمود", "حسن"), person("Mahmud", "Hassan", 2)) is not None


def test_a_short_u_in_the_last_syllable_still_matches_where_arabic_writes_a_long_vowel(db):
    assert compare(person("يوسف", "حسن"), person("Yusuf", "Hassan", 2)) is not None


def test_year_only_date_among_many_namesakes_needs_the_same_father(db):
    a = person("Mohamed", "Kamara", father_name=None, date_of_birth=date(1990, 7, 1), birth_year_only=True)
    b = person("Mohamed", "Kamara", 2, father_name=None)
    assert compare(a, b, namesakes=2) is not None
    assert compare(a, b, namesakes=40) is None
    with_father = person("Mohamed", "Kamara", 3, father_name="Ibrahim", date_of_birth=date(1990, 7, 1),
                         birth_year_only=True)
    # Among a few namesakes the same father's name tells them apart; among forty, the
    # estimated weights (match_score) find a shared common father's name no longer enough.
    assert "same father's name" in " | ".join(describe(compare(with_father, person("Mohamed", "Kamara", 4),
                                                               namesakes=8).reasons))


def test_a_shared_fathers_name_tells_a_year_only_pair_from_namesakes_until_they_are_a_crowd(db):
    # With the counts the check and the scan pass: namesakes born within a year in the same
    # place, and the name's count on the whole roll.
    year_only = {"date_of_birth": date(1990, 7, 1), "birth_year_only": True}
    with_father = person("Mohamed", "Kamara", 3, father_name="Ibrahim", **year_only)
    other = person("Mohamed", "Kamara", 4)
    assert "same father's name" in " | ".join(describe(compare(with_father, other, namesakes=2, name_count=3).reasons))
    assert "same father's name" in " | ".join(describe(compare(with_father, other, namesakes=8, name_count=10).reasons))
    no_father = person("Mohamed", "Kamara", 5, father_name=None, **year_only)
    assert compare(no_father, person("Mohamed", "Kamara", 6, father_name=None), namesakes=8, name_count=10) is None
    # Among forty namesakes a common father's name is shared too often: on the labelled
    # 1,000,000-voter roll, of the year-only pairs with the same names, place and father among
    # 17 to 32 namesakes, 23 of 79 are one person. The weights estimated from labelled pairs
    # leave such a pair unflagged, as the hand-set scorer's rule (flagged among forty) did not.
    assert compare(with_father, other, namesakes=40, name_count=40) is None
    assert compare(with_father, other, namesakes=30, name_count=300) is None


def test_two_first_of_january_defaults_a_year_apart_are_not_flagged(db):
    assert compare(person("Mohamed", "Kamara", date_of_birth=date(1990, 1, 1)),
                   person("Mohamed", "Kamara", 2, date_of_birth=date(1991, 1, 1))) is None


def test_year_only_date_a_year_away_is_not_flagged(db):
    assert compare(person("Mohamed", "Kamara", date_of_birth=date(1990, 7, 1), birth_year_only=True),
                   person("Mohamed", "Kamara", 2, date_of_birth=date(1991, 3, 9))) is None


def test_namesakes_with_one_date_and_father_born_in_other_towns_are_not_flagged(db):
    assert compare(person("Mohamed", "Kamara", place_of_birth="Kenema"),
                   person("Mohamed", "Kamara", 2, place_of_birth="Makeni")) is None

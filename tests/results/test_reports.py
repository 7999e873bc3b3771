"""The results summary PDF, read back in French and Arabic."""

import pytest
from babel.numbers import format_decimal, format_percent

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.reports.registry import NotAllowed, render
from tests.factories import make_centre, make_district, make_region, make_station
from tests.reports.helpers import line_of, norm, pdf_text, words
from tests.results.factories import enter_twice, figures, make_race


def _print(lang: str, params: dict) -> bytes:
    return render("results-summary", params, lang=lang, roles={Role.RESULTS_SUPERVISOR}, printed_by="Awa Diallo")


def _number(value, lang):
    return norm(format_decimal(value, locale=lang, numbering_system="default"))


def _percent(value, lang):
    return norm(format_percent(value, format="#,##0.0%", locale=lang, numbering_system="default"))


@pytest.fixture
def race(db):
    region = make_region(code="NO", name="Nord")
    district = make_district(region, code="NO-1", name="Kankan")
    centre = make_centre(district, code="NO-1-1", name="École Centrale")
    race = make_race(code="PRES", candidates=("Amara Kollie", "محمد الصادق"))
    enter_twice(race, make_station(centre, code="S-1"), figures(cast=1500, invalid=20, votes=(1000, 480),
                                                               received=2000))
    enter_twice(race, make_station(centre, code="S-2"), figures(cast=600, invalid=10, votes=(290, 300),
                                                               received=700))
    db.session.commit()
    return race


def test_french_summary_shows_names_totals_and_percentages_the_french_way(race):
    data = _print("fr", {"race": "PRES"})
    text = pdf_text(data)
    assert "Amara Kollie" in text
    assert _number(1290, "fr") in text and _number(2100, "fr") in text  # C1 votes, ballots cast
    assert _percent(1290 / 2070, "fr") in text  # 62,3 %
    assert "," in _percent(1290 / 2070, "fr")
    assert "Nord" in text  # the sub-area table lists the region


def test_arabic_summary_shows_names_totals_and_percentages_the_arabic_way(race):
    data = _print("ar", {"race": "PRES", "area": "NO-1"})
    text = pdf_text(data)
    flat = " ".join(w["logical"] for w in words(data))
    assert "الصادق" in flat and "محمد" in flat
    assert "Amara Kollie" in text
    assert _number(780, "ar") in text  # C2's votes
    assert _percent(780 / 2070, "ar").strip("\u200e\u200f\u061c") in text.replace("\u200e", "").replace(
        "\u200f", "").replace("\u061c", "")
    assert "École Centrale" in text  # the district's centres


def test_summary_is_marked_provisional_until_certified(race):
    text = pdf_text(_print("en", {"race": "PRES"}))
    assert "Provisional results, not certified." in text


def test_unknown_area_is_refused(race):
    with pytest.raises(ValidationFailed):
        _print("en", {"race": "PRES", "area": "NOPE"})


def test_clerk_cannot_print_the_summary(race):
    with pytest.raises(NotAllowed):
        render("results-summary", {"race": "PRES"}, lang="en", roles={Role.RESULTS_CLERK}, printed_by="x")


def test_summary_prints_from_the_command_line(race, runner, tmp_path):
    out = tmp_path / "summary.pdf"
    result = runner.invoke(args=["reports", "print", "results-summary", "--lang", "fr", "--param", "race=PRES",
                                 "--param", "area=NO", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Kankan" in pdf_text(out.read_bytes())


@pytest.mark.parametrize("candidates", [3, 7, 11])
def test_summary_signatures_share_a_page_with_the_results(db, candidates):
    from tests.reports.test_signatures import signature_only_pages

    centre = make_centre(make_district(make_region(code="SG"), code="SG-1"), code="SG-1-1")
    race = make_race(code="SIGN", candidates=[f"Candidate {n}" for n in range(candidates)])
    votes = tuple(10 + n for n in range(candidates))
    enter_twice(race, make_station(centre, code="SG-01"), figures(cast=sum(votes) + 4, votes=votes, received=500))
    db.session.commit()
    data = _print("en", {"race": "SIGN"})
    assert signature_only_pages(data, ("Results supervisor", "Chair of the commission")) == []


def test_arabic_summary_prints_stations_counted_in_written_order(race, db):
    from electoral.geography.services import find_any_by_code

    make_station(find_any_by_code(db.session, "NO-1-1"), code="S-3")  # not counted yet
    db.session.commit()
    line = [w["text"] for w in line_of(words(_print("ar", {"race": "PRES"})), "/")]
    slash = line.index("/")
    assert line[slash - 1:slash + 2] == ["2", "/", "3"]  # as written, not "3 / 2"

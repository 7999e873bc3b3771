"""The geography summary, in every language, national or for one region."""

import io

import pytest
from babel.numbers import format_decimal
from pypdf import PdfReader

from electoral.config import LANGUAGES
from electoral.core.auth import Role
from electoral.reports.registry import NotAllowed, render
from tests.factories import make_user
from tests.reports.factories import make_map
from tests.reports.helpers import footer_words, norm, page_count, pdf_text, words


def _print(lang: str, params=None, user=None) -> bytes:
    return render("geography-summary", params or {}, lang=lang, roles={Role.REGISTRATION_CLERK}, user=user,
                  printed_by="Awa Diallo")


def _number(value: int, lang: str) -> str:
    return norm(format_decimal(value, locale=lang, numbering_system="default"))


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_national_summary_shows_every_region_and_the_totals(db, lang):
    make_map()
    data = _print(lang)
    text = pdf_text(data)
    flat = " ".join(w["logical"] for w in words(data))
    assert "Région Nord" in text and "الشرق" in flat
    # 600 + 600 + 500 + 700 + 634 + 400 stations' capacity, written the language's way.
    assert _number(3434, lang) in text
    assert _number(3034, lang) in text
    assert "Awa Diallo" in text
    footer = footer_words(data, 0)
    assert _number(1, lang) in footer and footer.count(_number(1, lang)) >= 2


def test_french_figures_use_a_narrow_space_between_thousands(db):
    make_map()
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(_print("fr"))).pages)
    assert "3\u202f434" in raw


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_region_summary_lists_its_districts_and_centres(db, lang):
    make_map()
    data = _print(lang, {"region": "NO"})
    text = pdf_text(data)
    flat = " ".join(w["logical"] for w in words(data))
    assert "École Centrale" in text and "Marché" in text and "Kanté" in text
    assert "النور" in flat and "مدرسة" in flat and "طرابلس" in flat
    assert "Souk" not in text
    assert _number(3034, lang) in text


def test_arabic_summary_runs_right_to_left(db):
    make_map()
    found = words(_print("ar", {"region": "NO"}))
    code = next(w for w in found if w["logical"] == "C-101")
    name = next(w for w in found if w["logical"] == "École" and abs(w["top"] - code["top"]) < 6)
    assert code["x0"] > name["x0"]  # the code column is the first, so the rightmost


def test_long_region_summary_numbers_its_pages(db):
    north, _east = make_map()
    from tests.factories import make_centre, make_district

    district = make_district(north, code="NO-9", name="Grand")
    for n in range(120):
        make_centre(district, code=f"G-{n:03}", name=f"Centre {n}")
    data = _print("en", {"region": "NO"})
    pages = page_count(data)
    assert pages >= 3
    assert " ".join(footer_words(data, pages - 1)).startswith(f"Page {pages} of {pages}")


def test_unknown_region_is_refused(db):
    make_map()
    from electoral.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as failure:
        _print("en", {"region": "NOPE"})
    assert "region" in failure.value.errors


def test_user_scoped_to_a_region_cannot_print_another(db):
    north, east = make_map()
    user = make_user(Role.REGISTRATION_CLERK, scope=east)
    with pytest.raises(NotAllowed):
        _print("en", {"region": "NO"}, user=user)
    assert "Souk" in pdf_text(_print("en", {}, user=user))
    assert "Marché" not in pdf_text(_print("en", {}, user=user))

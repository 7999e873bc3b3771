"""Voter lists, voter cards and the public exhibition list, read back from the PDF."""

from datetime import date

import pytest
from sqlalchemy import select

from electoral.core.auth import Role
from electoral.extensions import db as _db
from electoral.registration.models import Voter
from electoral.reports.registry import NotAllowed, render
from tests.factories import make_centre, make_district, make_station, make_user
from tests.registration.factories import make_election, make_voter
from tests.reports.helpers import footer_words, page_count, pdf_text, words


def _print(name, params, roles=(Role.REGISTRATION_SUPERVISOR,), user=None, lang="en"):
    return render(name, params, lang=lang, roles=set(roles), printed_by="Joseph Kpoto", user=user)


def _station_with_voters(count):
    make_election()
    centre = make_centre(code="MO-01-007", name="Salala Public School")
    station = make_station(centre, code="MO-01-007-02", capacity=count + 10)
    make_voter(centre, station=station, family_name="كمارا", given_names="محمد", sex="M", date_of_birth=date(1984, 3, 9))
    for _ in range(count - 1):
        make_voter(centre, station=station)
    _db.session.commit()
    return station


def test_voter_list_shows_arabic_and_latin_names_station_and_page_numbers_on_every_page(db):
    station = _station_with_voters(40)  # rows tall enough to sign: three pages
    data = _print("voter-list", {"station": station.code})
    pages = page_count(data)
    assert pages >= 3
    text = pdf_text(data)
    # The factory's names depend on how many voters earlier tests made, so ask the roll.
    latin = {name for name in _db.session.scalars(select(Voter.family_name).where(Voter.station_id == station.id))
             if name.isascii()}
    assert latin and all(name in text for name in latin)
    assert "كمارا" in " ".join(w["logical"] for p in range(pages) for w in words(data, p))
    for page in range(pages):
        footer = " ".join(footer_words(data, page))
        assert f"{page + 1} of {pages}" in footer
        header = " ".join(w["text"] for w in words(data, page) if w["top"] < 90)
        assert "MO-01-007-02" in header and "MO-01-007" in header


def test_voter_list_lists_only_voters_on_the_roll(db):
    station = _station_with_voters(3)
    removed = make_voter(station.centre, station=station, status="removed", removal_reason="deceased",
                         family_name="Gone")
    db.session.commit()
    assert removed.voter_number not in pdf_text(_print("voter-list", {"station": station.code}))


def test_voter_cards_carry_name_number_centre_and_station(db):
    station = _station_with_voters(12)
    data = _print("voter-cards", {"centre": station.centre.code})
    assert page_count(data) == 2  # ten cards to an A4 sheet
    text = pdf_text(data)
    assert "MO-01-007-02" in text and "Voter number" in text
    # The cards follow the roll's order, so the Arabic name may fall on either sheet.
    assert "كمارا" in " ".join(w["logical"] for page in range(2) for w in words(data, page))


def test_exhibition_list_shows_no_full_date_id_or_phone(db):
    station = _station_with_voters(2)
    voter = make_voter(station.centre, date_of_birth=date(1979, 11, 23), id_number="SECRET-ID-42", phone="0886123456")
    db.session.commit()
    text = pdf_text(_print("exhibition-list", {"centre": station.centre.code}, roles=(Role.REGISTRATION_CLERK,)))
    assert voter.voter_number in text and "1979" in text
    assert "1979-11-23" not in text and "23/11/1979" not in text and "Nov 23, 1979" not in text
    assert "SECRET-ID-42" not in text and "0886123456" not in text


def test_clerk_of_another_district_cannot_print_a_station_list(db):
    station = _station_with_voters(1)
    clerk = make_user(Role.REGISTRATION_CLERK, scope=make_district())
    with pytest.raises(NotAllowed):
        _print("voter-list", {"station": station.code}, roles=(Role.REGISTRATION_CLERK,), user=clerk)


def test_observer_may_not_print_voter_lists(db):
    station = _station_with_voters(1)
    with pytest.raises(NotAllowed):
        _print("voter-list", {"station": station.code}, roles=(Role.OBSERVER,))


def test_figures_report_totals_by_sex(db):
    _station_with_voters(4)
    text = pdf_text(_print("registration-figures", {"level": "district"}))
    assert "Registered voters" in text and "Women" in text


def _with_photo(app, tmp_path, voter):
    """Store a small JPEG as ``voter``'s photo, the way registration does."""
    import io

    from PIL import Image

    app.config["PHOTO_DIR"] = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 50), (200, 30, 30)).save(buffer, "JPEG")
    voter.photo_path = f"{voter.voter_number}.jpg"
    (tmp_path / voter.photo_path).write_bytes(buffer.getvalue())
    _db.session.commit()


def _images_per_page(data):
    import io

    from pypdf import PdfReader

    return [len(page.images) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize(("report", "param"), [("voter-list", "station"), ("exhibition-list", "centre")])
def test_lists_show_the_photo_of_a_voter_who_has_one(app, db, tmp_path, report, param):
    station = _station_with_voters(3)
    voter = make_voter(station.centre, station=station, family_name="Gbessay")
    _with_photo(app, tmp_path, voter)
    try:
        data = _print(report, {param: station.code if param == "station" else station.centre.code})
    finally:
        app.config.pop("PHOTO_DIR")
    # One picture on the page: the voter's; the others have none and get an empty cell.
    assert _images_per_page(data) == [1]
    assert "Photo" in pdf_text(data) and "Gbessay" in pdf_text(data)


def test_voter_list_without_photos_has_no_photo_column(db):
    station = _station_with_voters(3)
    data = _print("voter-list", {"station": station.code})
    assert _images_per_page(data) == [0]
    assert "Photo" not in pdf_text(data)


def test_voter_list_rows_leave_room_to_sign_or_press_a_thumb(db):
    import io

    import pdfplumber

    station = _station_with_voters(4)
    data = _print("voter-list", {"station": station.code})
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        numbers = {voter.voter_number for voter in _db.session.scalars(select(Voter))}
        tops = sorted(w["top"] for w in page.extract_words() if w["text"] in numbers)
        # The lines drawn under each row: each row is as tall as the gap between two of them.
        rules = sorted({round(line["top"], 1) for line in page.lines if line["width"] > page.width / 2})
    assert len(tops) == 4
    rows = [min(r for r in rules if r > top) - max(r for r in rules if r < top) for top in tops]
    assert all(height >= 12 / 25.4 * 72 for height in rows)


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_arabic_names_on_the_voter_list_are_found_as_typed(db, lang):
    import shutil

    from tests.reports.test_text_layer import pdftotext

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) reads the PDF")
    station = _station_with_voters(3)
    text = pdftotext(_print("voter-list", {"station": station.code}, lang=lang))
    line = next(line for line in text.split("\n") if "كمارا" in line)
    # Each name as typed (letters, not the joined forms drawn); where the Latin comma
    # between them lands is the extracting program's guess.
    assert {"كمارا", "محمد"} <= set(line.replace(",", " ").split())
    if lang == "ar":  # an Arabic line is read from the right: family name first
        assert line.index("كمارا") < line.index("محمد")

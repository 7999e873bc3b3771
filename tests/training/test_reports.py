"""The certificate and coverage PDFs, read back."""

import io
from decimal import Decimal

import pytest
from babel.dates import format_date
from pypdf import PdfReader

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.reports import registry
from electoral.training import services
from electoral.training.models import Certificate
from tests.factories import make_centre, make_district, make_station, make_user, user_called
from tests.training.factories import make_course, make_official, make_position, make_session


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _certified(db, name="Fatu Kollie", locale="en"):
    course = make_course(position=make_position(name="Presiding officer"))
    ts = make_session(course, days=1)
    official = make_official(position=course.position, name=name, district=ts.district)
    official.locale = locale
    enrolment = services.enrol(db.session, ts, official)
    services.mark_attendance(db.session, ts, ts.start_date, set(), user_called("recorder"))
    services.save_scores(db.session, ts, {enrolment.id: (Decimal(40), Decimal(85))}, user_called("recorder"))
    services.confirm_results(db.session, ts, make_user(Role.TRAINING_COORDINATOR))
    db.session.commit()
    return db.session.scalars(db.select(Certificate)).one()


def _print(name, params, lang="en", user=None):
    return registry.render(name, params, lang=lang, roles=[Role.TRAINING_COORDINATOR], printed_by="test", user=user)


def test_certificate_carries_name_position_and_verification_code(app, db):
    certificate = _certified(db)
    with app.test_request_context():
        text = _text(_print("certificate", {"official": certificate.official.reference}))
    assert "Fatu Kollie" in text and "Presiding officer" in text
    assert certificate.code in text.replace("\n", "")
    assert f"/training/verify/{certificate.code}" in text.replace("\n", "")


def test_certificate_is_printed_in_the_officials_language(app, db):
    certificate = _certified(db, name="Amara Diallo", locale="fr")
    with app.test_request_context():
        text = _text(_print("certificate", {"official": certificate.official.reference}, lang="en"))
    # Babel's French date, whoever prints (the catalogues may still lack the French words).
    assert format_date(certificate.issued_at.date(), "medium", locale="fr") in text


def test_certificate_of_an_official_without_valid_certificate_is_refused(app, db):
    certificate = _certified(db)
    services.revoke(db.session, certificate, "Impersonation")
    db.session.commit()
    with app.test_request_context(), pytest.raises(ValidationFailed):
        _print("certificate", {"official": certificate.official.reference})


def test_certificate_of_another_district_is_refused_to_a_scoped_coordinator(app, db):

    certificate = _certified(db)
    user = make_user(Role.TRAINING_COORDINATOR, scope=make_district())
    with app.test_request_context(), pytest.raises(registry.NotAllowed):
        _print("certificate", {"official": certificate.official.reference}, user=user)


def test_certificate_prints_from_the_command_line(runner, db, tmp_path):
    certificate = _certified(db)
    out = tmp_path / "certificate.pdf"
    result = runner.invoke(args=["reports", "print", "certificate", "--param", f"official={certificate.official.reference}",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert certificate.code in _text(out.read_bytes()).replace("\n", "")


def test_coverage_pdf_lists_every_district_with_its_gap(app, db):
    make_position("PO", per_station=2)
    district = make_district(code="D-A", name="Lofa")
    make_district(code="D-B", name="Sinoe")
    make_station(make_centre(district))
    db.session.commit()
    with app.test_request_context():
        text = _text(_print("training-coverage", {}))
    assert "D-A Lofa" in text and "D-B Sinoe" in text
    assert "Officials needed" in text


def test_certificate_prints_in_arabic_for_an_arabic_speaking_official(app, db):
    certificate = _certified(db, name="Amina Diallo", locale="ar")
    with app.test_request_context():
        pdf = _print("certificate", {"official": certificate.official.reference}, lang="en")
    text = _text(pdf)
    assert certificate.code in text.replace("\n", "")
    # Arabic is on the page, although the printing user chose English; its text layer holds
    # letters, not the presentation forms drawn (tests/reports/test_text_layer.py).
    assert any("\u0620" <= char <= "\u064a" for char in text)


def test_certificate_qr_code_encodes_the_public_verification_address(app, db):
    import segno
    from PIL import Image

    certificate = _certified(db)
    with app.test_request_context(base_url="https://elections.example.org"):
        pdf = _print("certificate", {"official": certificate.official.reference})
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) == 1
    picture = Image.open(io.BytesIO(images[0].data)).convert("1")
    expected = segno.make(f"https://elections.example.org/training/verify/{certificate.code}", error="m")
    size = len(expected.matrix) + 4  # two modules of quiet zone on each side
    module = picture.width / size
    printed = [[picture.getpixel((int((x + 2.5) * module), int((y + 2.5) * module))) == 0
                for x in range(len(expected.matrix))] for y in range(len(expected.matrix))]
    assert printed == [[bool(v) for v in row] for row in expected.matrix]


@pytest.mark.parametrize(("sex", "wording"), [("F", "FEMININE"), ("M", "MASCULINE")])
def test_certificate_wording_agrees_with_the_holders_sex(app, db, sex, wording):
    """Arabic says 'حضرت' of a woman and 'حضر' of a man: the certificate asks the catalogue for the holder's form."""
    from flask_babel import force_locale, get_translations

    certificate = _certified(db, name="Amina Diallo", locale="ar")
    certificate.official.sex = sex
    db.session.commit()
    with force_locale("ar"):
        catalogue = get_translations()._catalog
    # Until the translators' pass, stand-in Arabic forms that say which one was asked for.
    messages = ("This certifies that", "attended and passed the course %(course)s and is qualified to serve as "
                "%(position)s.")
    added = {f"{context}\x04{message}": f"{form}-{number}"
             for context, form in (("female", "FEMININE"), ("male", "MASCULINE"))
             for number, message in enumerate(messages)}
    saved = {key: catalogue[key] for key in added if key in catalogue}
    catalogue.update(added)
    try:
        with app.test_request_context():
            text = _text(_print("certificate", {"official": certificate.official.reference}))
    finally:
        for key in added:
            catalogue.pop(key)
        catalogue.update(saved)
    assert f"{wording}-0" in text and f"{wording}-1" in text
    assert ("MASCULINE" if wording == "FEMININE" else "FEMININE") not in text


def test_certificate_fills_its_page_in_large_type(app, db):
    import pdfplumber

    certificate = _certified(db, name="Amina Diallo")
    with app.test_request_context():
        pdf = _print("certificate", {"official": certificate.official.reference})
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        found = page.extract_words(extra_attrs=["size"])
    assert next(w for w in found if w["text"] == "Amina")["size"] >= 24
    # The signatures sit low on the sheet, not under a half-empty page.
    assert max(w["bottom"] for w in found if w["text"] == "Signature:") > page.height * 0.7

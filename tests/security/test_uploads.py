"""Every upload field (imports and photos) refuses hostile files with a clear message, never a 500."""

import codecs
import dataclasses
import io
import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from electoral.extensions import INSTANCE_PATH
from tests.security.crawl import crawl
from tests.security.hostile import SCRIPT, quick, raw_markup, says_why

FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(1+1)"]
NOT_A_PICTURE = "The file is not a JPEG or PNG picture."
_COLUMNS = re.compile(r"Required columns:\s*<code>([^<]*)</code>")


def _csv(rows: list[list[str]]) -> str:
    return "".join(",".join(f'"{c}"' for c in row) + "\r\n" for row in rows)


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hostile_files(columns: list[str]) -> tuple[dict[str, bytes], set[str]]:
    """Files named for what they hold, and the names of those that must be refused whole."""
    header = columns or ["code", "name"]
    width = len(header)
    formulas = [header] + [[FORMULAS[(i + j) % 4] for j in range(width)] for i in range(4)]
    people = [header, ["Kollié Ñúñez, Gbarnga"] * width]
    noise = random.Random(11).randbytes(4000)
    xlsx = _xlsx(formulas)
    files = {
        "formulas.csv": _csv(formulas).encode(),
        "formulas.xlsx": xlsx,
        "utf16.csv": codecs.BOM_UTF16_LE + _csv(formulas).encode("utf-16-le"),
        "latin1.csv": _csv(people).encode("latin-1"),
        "mixed.csv": _csv(people[:1]).encode() + "Kollié,".encode() + "Ñúñez\r\n".encode("latin-1"),
        "bidi.csv": _csv([header, [f"\u202e{SCRIPT}'; DROP TABLE voters;--"] * width]).encode(),
        "big-cell.csv": _csv([header, ["x" * 60_000] * width]).encode(),
        "wide.csv": _csv([header + [f"extra{i}" for i in range(5000)], ["1"] * (width + 5000)]).encode(),
        "random.csv": noise,
        "random.xlsx": noise,
        "truncated.xlsx": xlsx[: len(xlsx) // 2],
        "huge-cell.csv": _csv([header, ["y" * 200_000] * width]).encode(),
        "nul.csv": b"a,b\x00c\r\n1,2\r\n",
        "empty.csv": b"",
        "spreadsheet-named.csv": xlsx,
        "text-named.xlsx": _csv(formulas).encode(),
        "program.exe": b"MZ\x90\x00\x03" + noise[:200],
    }
    refused = {"random.xlsx", "truncated.xlsx", "huge-cell.csv", "nul.csv", "empty.csv",
               "spreadsheet-named.csv", "text-named.xlsx", "program.exe"}
    return files, refused


def _refusal(html: str) -> bool:
    return bool(re.search(r'class="(?:error|flash error|card errors)"', html))


def _other_fields(form) -> dict:
    values = {}
    for field in form.fields:
        if field.kind == "file":
            continue
        if field.kind in ("select", "radio") and field.options:
            values[field.name] = field.value or next((o for o in field.options if o), "")
        elif field.kind != "checkbox":
            values[field.name] = field.value
    return values


@pytest.fixture(scope="module")
def _walked() -> dict:
    """The pages and forms found by the first walk of the module's tests, kept for the others."""
    return {}


def _upload_forms(app, client, election, walked: dict):
    """The pages, import forms and photo forms, walked once per module: every test starts from the
    same election (its rows written back) signed in as the same user, so a walk finds the same
    pages and forms each time, at seconds of CPU a walk. The forms carry this client's CSRF token."""
    if not walked:
        walked["pages"], walked["forms"] = crawl(app, client, skip=(f"/users/{election['user'].id}",))
    token = client.csrf_token()
    forms = [dataclasses.replace(form, fields=[dataclasses.replace(field, value=token)
                                               if field.name == "csrf_token" else field for field in form.fields])
             for form in walked["forms"]]
    imports = [f for f in forms if f.files and not any("photo" in x.name for x in f.files)]
    photos = [f for f in forms if any("photo" in x.name for x in f.files)]
    return walked["pages"], imports, photos


def test_every_import_refuses_hostile_files_with_a_message(app, everyone, election, _walked):
    pages, imports, _photos = _upload_forms(app, everyone, election, _walked)
    assert len(imports) >= 7, [str(f) for f in imports]
    problems = []
    for form in imports:
        match = _COLUMNS.search(pages[form.page])
        files, refused = hostile_files([c.strip() for c in match.group(1).split(",")] if match else [])
        for name, content in files.items():
            data = _other_fields(form)
            data[form.files[0].name] = (io.BytesIO(content), name)
            try:
                response = everyone.post(form.action, data=data, content_type="multipart/form-data")
            except Exception as exc:  # the test client re-raises what would be a 500
                app.extensions["sqlalchemy"].session.rollback()
                problems.append((form.action, name, f"{type(exc).__name__}: {str(exc)[:200]}"))
                continue
            html = response.get_data(as_text=True)
            if response.status_code >= 500:
                problems.append((form.action, name, response.status_code))
            elif raw_markup(html):
                problems.append((form.action, name, raw_markup(html)))
            elif name in refused and not _refusal(html):
                problems.append((form.action, name, "taken without a message"))
            elif not says_why(html) and response.status_code != 302 and "flash success" not in html:
                problems.append((form.action, name, response.status_code, "no message"))
    assert problems == []


def _post_random_bytes(client, form) -> None:
    @quick(8)
    @given(st.binary(max_size=3000), st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x"]))
    def post(content, name):
        data = _other_fields(form)
        data[form.files[0].name] = (io.BytesIO(content), name)
        response = client.post(form.action, data=data, content_type="multipart/form-data")
        assert response.status_code < 500, (form.action, name, content[:100])
        assert _refusal(response.get_data(as_text=True)), (form.action, name, content[:100])

    post()


def test_imports_take_random_bytes_without_a_server_error(app, everyone, election, _walked):
    _pages, imports, _photos = _upload_forms(app, everyone, election, _walked)
    assert len(imports) >= 7, [str(f) for f in imports]  # a crawl that found no form would check nothing
    for form in imports:
        _post_random_bytes(everyone, form)


def test_a_file_named_jpg_that_is_not_a_picture_is_refused_on_every_photo_field(app, everyone, election, _walked):
    _pages, _imports, photos = _upload_forms(app, everyone, election, _walked)
    assert len(photos) >= 3, [str(f) for f in photos]  # voter registration, observer, incident report
    for form in photos:
        for name, content in [("photo.jpg", b"GIF89a not really"), ("photo.png", SCRIPT.encode()),
                              ("photo.jpeg", b"\xff\xd8\xff\xe0 truncated JPEG")]:
            data = _other_fields(form)
            data[form.files[0].name] = (io.BytesIO(content), name)
            # Some pages answer with a redirect and the message flashed on the next page.
            response = everyone.post(form.action, data=data, content_type="multipart/form-data",
                                     follow_redirects=True)
            assert response.status_code < 500, (form.action, name)
            assert NOT_A_PICTURE in response.get_data(as_text=True), (form.action, name)


def test_a_real_photo_is_accepted(everyone, election, db):
    from PIL import Image

    from electoral.observation.models import Observer

    picture = io.BytesIO()
    Image.new("RGB", (60, 80), "navy").save(picture, "PNG")
    page = everyone.get("/observation/observers/new").get_data(as_text=True)
    organisation = re.search(r'<option[^>]*value="(\d+)"', page).group(1)
    response = everyone.post_form("/observation/observers/new", {
        "organisation": organisation, "family_name": "Kpoto", "given_names": "Joseph", "sex": "M",
        "phone": "+231 770 123 456", "languages": "en", "photo": (io.BytesIO(picture.getvalue()), "me.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = db.session.scalars(select(Observer).where(Observer.family_name == "Kpoto")).one().photo_path
    # Decoded and written again under its content hash (electoral/core/stored_files.py).
    assert stored.startswith("observer_photos/") and stored.endswith(".jpg")
    with Image.open(INSTANCE_PATH / stored) as kept:
        assert kept.format == "JPEG" and kept.size == (60, 80)
    (INSTANCE_PATH / stored).unlink()


def test_a_request_over_the_size_limit_gets_the_translated_413_page(app, everyone, election, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    def data():
        return {"file": (io.BytesIO(b"code,name\r\n" + b"R9,Lofa\r\n" * 1000), "geography.csv")}

    response = everyone.post_form("/geography/import", data(), content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is larger than the server accepts." in response.get_data(as_text=True)
    election["user"].locale = "fr"
    db.session.commit()
    response = everyone.post_form("/geography/import", data(), content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)

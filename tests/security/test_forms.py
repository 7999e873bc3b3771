"""Every form of the application, found by walking its pages, takes hostile input without a 500."""

import io

from hypothesis import given
from hypothesis import strategies as st

from tests.security.crawl import crawl
from tests.security.hostile import SCRIPT, hostile_text, quick, raw_markup, says_why

EXAMPLES = 6
FILES = [
    ("photo.jpg", b"this is not a picture"),
    ("voters.csv", b"\xff\xfe" + "family_name,given_names\n<b>x</b>,y\n".encode("utf-16-le")),
    ("data.xlsx", b"PK\x03\x04 truncated"),
    ("evil.exe", b"MZ\x90\x00"),
    ("", b""),
]


def _value(draw, field, csrf):
    if field.name.endswith("csrf_token"):
        return draw(st.sampled_from([csrf] * 8 + ["", "forged-token"]))
    if field.kind in ("select", "radio", "checkbox") and field.options:
        return draw(st.one_of(st.sampled_from(field.options), hostile_text))
    if field.kind == "hidden" and field.value:
        return draw(st.one_of(st.just(field.value), hostile_text))
    return draw(hostile_text)


def _problem(response) -> str | None:
    """What is wrong with the answer to a hostile post, or None."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    if response.mimetype != "text/html":
        return None
    html = response.get_data(as_text=True)
    if raw_markup(html):
        return f"unescaped markup: {raw_markup(html)}"
    if 400 <= response.status_code < 500 and not says_why(html):
        return f"HTTP {response.status_code} without a message"
    return None


def _fuzz(app, client, form, csrf, problems, statuses) -> None:
    """Post EXAMPLES hostile fillings of ``form``; note its first problem in ``problems``."""

    @quick(EXAMPLES)
    @given(st.data())
    def post(data):
        # Now and then a field is left out altogether, as a hand-made request would.
        kept = [f for f in form.fields if f.kind != "file" and data.draw(st.integers(0, 9)) > 0]
        sent = {field.name: _value(data.draw, field, csrf) for field in kept}
        for field in form.files:
            name, content = data.draw(st.sampled_from(FILES))
            sent[field.name] = (io.BytesIO(content), name)
        try:
            response = client.post(form.action, data=sent, content_type="multipart/form-data")
            problem = _problem(response)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        except Exception as exc:  # the test client re-raises what would be a 500
            problem = f"{type(exc).__name__}: {exc}"
        if problem:
            app.extensions["sqlalchemy"].session.rollback()
            values = {k: v[:60] for k, v in sent.items() if isinstance(v, str) and not k.endswith("csrf_token")}
            problems.setdefault(str(form), f"{problem} <- {values}")

    post()


def test_every_form_refuses_hostile_values_without_a_server_error(app, everyone, election, db):
    own_page = f"/users/{election['user'].id}"  # editing oneself could take the run's roles away
    pages, forms = crawl(app, everyone, start=("/", f"/results/entry/{election['race'].code}/"
                                                    f"{election['station'].code}"), skip=(own_page,))
    assert len(forms) > 50, [str(f) for f in forms]
    problems: dict[str, str] = {}  # every form's first problem, so one run reports them all
    statuses: dict[int, int] = {}
    for form in forms:
        # A fresh token for each form: some posts (a language change) start a new session.
        _fuzz(app, everyone, form, everyone.csrf_token(), problems, statuses)
    assert problems == {}, "\n".join(f"{form}: {problem}" for form, problem in problems.items())
    # Some hostile posts were taken (and are escaped below), most refused with a message.
    assert statuses.get(302, 0) > 10 and statuses.get(200, 0) > 50 and statuses.get(400, 0) > 10, statuses
    # Whatever was stored comes back escaped on every page that shows it; a script planted
    # in a centre's name too, so the check never rests on which hostile posts were taken.
    election["centre"].name = SCRIPT
    db.session.commit()
    pages, _forms = crawl(app, everyone, per_endpoint=4, skip=(own_page,))
    for url, html in pages.items():
        assert raw_markup(html) is None, (url, raw_markup(html))
    assert SCRIPT.replace("<", "&lt;").replace(">", "&gt;") in "".join(pages.values())

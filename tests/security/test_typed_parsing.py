"""Class test of typed parsing (issue 16, finding 8): every query parameter of every GET route,
and every field of every JSON endpoint, takes huge and negative integers, nested objects and
arrays, control characters and very long text without a server error.

The routes and their parameters are found from the app (tests/security/parameters.py), so
a new one is walked without editing this file. The walk prints how many it covered.
"""

import io
import json
from urllib.parse import urlencode

from hypothesis import given
from hypothesis import strategies as st

from tests.security.hostile import quick
from tests.security.parameters import (
    WALKED_MEDIA,
    json_routes,
    multipart_routes,
    query_routes,
    request_media,
)

GATEWAYS = {"tr": {"kind": "telerivet", "secret": "tr-secret"}, "kn": {"kind": "kannel", "secret": "kn-secret"}}

# Values a program expects to be one small number or one short word, and is not.
huge = st.sampled_from([10**30, -(10**30), 2**31, 2**63, -(2**63) - 1, 10**400])
negative = st.integers(min_value=-(2**40), max_value=-1)
control = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1, max_size=8)
long_text = st.sampled_from(["9" * 5000, "x" * 20000, "é" * 3000])
scalar = st.one_of(huge, negative, control, long_text, st.booleans(), st.none(),
                   st.floats(allow_nan=True, allow_infinity=True), st.just("1e400"), st.just("-0"))
nested = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["x", "AA", "Q1", "\x00", "version"]), inner, max_size=3), max_leaves=6)
typed_hostile = st.one_of(scalar, nested)


def _as_query_value(value) -> str:
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)


def _path(rule: str, arguments, known: dict) -> str:
    for name in arguments:
        rule = rule.replace(f"<{name}>", known.get(name, "1"))
    return rule.replace("<int:", "<").split("<")[0] if "<" in rule else rule


def _known(election) -> dict:
    return {"code": election["race"].code, "race_code": election["race"].code,
            "station_code": election["station"].code, "level": "district", "kind": "submissions", "fmt": "csv",
            "gateway_name": "tr"}


def _reached(response) -> bool:
    return response.status_code < 500


def _record(app, problems: dict, rule: str, sent, answer) -> None:
    """Note the first server error a route gave (an exception the test client re-raised, or a 5xx)."""
    if isinstance(answer, Exception):
        app.extensions["sqlalchemy"].session.rollback()
        problems.setdefault(rule, f"{type(answer).__name__}: {str(answer)[:200]} <- {sent!r:.300}")
    elif not _reached(answer):
        problems.setdefault(rule, f"HTTP {answer.status_code} <- {sent!r:.300}")


def _visit(app, client, route, path: str, problems: dict) -> None:
    names = sorted(route.names)

    @quick(4)
    @given(st.dictionaries(st.sampled_from(names), typed_hostile, min_size=1, max_size=len(names)))
    def visit(query):
        url = f"{path}?{urlencode({k: _as_query_value(v) for k, v in query.items()})}"
        try:
            answer = client.get(url)
        except Exception as exc:  # the test client re-raises what would be a 500
            answer = exc
        _record(app, problems, route.rule, query, answer)

    visit()


def _post(app, client, route, path: str, extra: dict, valid: dict, problems: dict) -> None:
    names = sorted(route.names)

    @quick(12)
    @given(st.sets(st.sampled_from(names), min_size=1, max_size=3), st.data())
    def post(spoiled, data):
        body = {name: valid[name] for name in names if name in valid}
        body.update({name: data.draw(typed_hostile) for name in spoiled})
        try:
            answer = client.post(path, data=json.dumps(body), headers={**extra, "Content-Type": "application/json"})
        except Exception as exc:  # the test client re-raises what would be a 500
            answer = exc
        _record(app, problems, route.rule, body, answer)

    post()


def test_every_query_parameter_takes_hostile_values(app, everyone, election, capsys):
    routes = query_routes(app)
    known = _known(election)
    problems: dict[str, str] = {}
    for route in routes:
        _visit(app, everyone, route, _path(route.rule, route.arguments, known), problems)
    walked = sum(len(r.names) for r in routes)
    with capsys.disabled():
        print(f"\ntyped parsing: {len(routes)} GET routes, {walked} query parameters walked")
    assert len(routes) >= 30 and walked >= 80, "the walk found fewer routes than the app has"
    assert problems == {}, "\n".join(f"{rule}: {problem}" for rule, problem in problems.items())


def test_every_json_field_takes_hostile_values(app, client, everyone, election, db, monkeypatch, capsys):
    from electoral.observation import services
    from electoral.observation.sms import gateways
    from electoral.observation.views.api import OPENAPI

    monkeypatch.setitem(app.config, "SMS_GATEWAYS", GATEWAYS)
    monkeypatch.setattr(gateways, "send_request", lambda url, data, headers: 201)
    token = services.create_token(db.session, election["user"])
    db.session.commit()
    routes = json_routes(app, client.get("/api/v1/openapi.json").get_json() or OPENAPI)
    headers = {"/api/v1/": {"Authorization": f"Bearer {token}"},
               "/observation/": {"X-CSRFToken": everyone.csrf_token()},
               "/sms/": {"X-SMS-Secret": GATEWAYS["tr"]["secret"]}}
    valid = {"client_id": "phone-1:0001", "template": "OPEN", "version": 1,
             "station_code": election["station"].code, "answers": {"Q1": "yes", "Q3": "yes", "Q4": 3},
             "category": "violence", "severity": "high", "description": "Stones thrown",
             "from_number": election["observer_phone"], "from": election["observer_phone"]}
    problems: dict[str, str] = {}
    for route in routes:
        path = _path(route.rule, route.arguments, _known(election))
        extra = next(h for prefix, h in headers.items() if path.startswith(prefix))
        _post(app, everyone, route, path, extra, valid, problems)
    walked = sum(len(r.names) for r in routes)
    with capsys.disabled():
        print(f"\ntyped parsing: {len(routes)} JSON endpoints, {walked} fields walked")
    assert len(routes) >= 4 and walked >= 25, "the walk found fewer JSON endpoints than the app has"
    assert problems == {}, "\n".join(f"{rule}: {problem}" for rule, problem in problems.items())


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


# What a file field may carry instead of a picture: nothing, text, a picture's head without its body,
# a picture saying it is enormous, bytes of no format, a picture under another name.
def _not_pictures() -> list[tuple[bytes, str]]:
    png = _png()
    huge_header = png[:16] + (2**31 - 1).to_bytes(4, "big") + (2**31 - 1).to_bytes(4, "big") + png[24:]
    return [(b"", "empty.jpg"), (b"%PDF-1.4 not a sheet", "sheet.pdf"), (png[:40], "cut.png"),
            (huge_header, "huge.png"), (bytes(range(256)) * 40, "noise.jpg"), (b"GIF89a" + b"\x00" * 64, "a.gif"),
            (png, "\x00../../etc/passwd"), (png, "x" * 5000 + ".png")]


def _upload(app, client, route, path: str, extra: dict, problems: dict) -> None:
    names, files = sorted(route.names), sorted(route.files)
    samples = _not_pictures() + [(_png(), "sheet.png")]

    @quick(12)
    @given(st.sets(st.sampled_from(names), max_size=len(names)) if names else st.just(set()),
           st.sampled_from(samples), st.data())
    def post(spoiled, sample, data):
        form = {name: _as_query_value(data.draw(typed_hostile)) for name in spoiled}
        content, filename = sample
        body = {**form, **{name: (io.BytesIO(content), filename) for name in files}}
        try:
            answer = client.post(path, data=body, headers=extra, content_type="multipart/form-data")
        except Exception as exc:  # the test client re-raises what would be a 500
            answer = exc
        _record(app, problems, route.rule, {**form, "file": (filename[:40], len(content))}, answer)

    post()
    for content, filename in samples:  # every sample at least once, whatever the draw chose
        try:
            answer = client.post(path, data={name: (io.BytesIO(content), filename) for name in files},
                                 headers=extra, content_type="multipart/form-data")
        except Exception as exc:
            answer = exc
        _record(app, problems, route.rule, {"file": (filename[:40], len(content))}, answer)


def test_every_request_body_kind_the_api_documents_is_walked(client):
    from electoral.observation.views.api import OPENAPI

    assert request_media(client.get("/api/v1/openapi.json").get_json() or OPENAPI) <= WALKED_MEDIA


def test_every_multipart_field_takes_hostile_values(app, client, election, db, capsys):
    from electoral.observation import services
    from electoral.observation.views.api import OPENAPI

    token = services.create_token(db.session, election["user"])
    db.session.commit()
    routes = multipart_routes(app, client.get("/api/v1/openapi.json").get_json() or OPENAPI)
    extra = {"Authorization": f"Bearer {token}"}
    problems: dict[str, str] = {}
    for route in routes:
        path = _path(route.rule, route.arguments, _known(election))
        # The walk reaches the parsing: a picture with plain fields is filed (not refused at the door).
        first = client.post(path, data={name: (io.BytesIO(_png()), "sheet.png") for name in route.files},
                            headers=extra, content_type="multipart/form-data")
        assert first.status_code in (200, 201), (route.rule, first.get_data(as_text=True)[:300])
        _upload(app, client, route, path, extra, problems)
    walked = sum(len(r.names) + len(r.files) for r in routes)
    with capsys.disabled():
        print(f"\ntyped parsing: {len(routes)} multipart endpoints, {walked} fields walked")
    assert len(routes) >= 1 and walked >= 4, "the walk found fewer multipart endpoints than the app has"
    assert problems == {}, "\n".join(f"{rule}: {problem}" for rule, problem in problems.items())

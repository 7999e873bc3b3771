"""Hostile query strings on every page, and hostile sign-ins, never give a 500."""

from urllib.parse import parse_qsl, urlencode, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from tests.security.crawl import crawl, parse
from tests.security.hostile import hostile_text, quick, raw_markup, says_why

# Query parameters the pages read, beyond those their own links carry.
COMMON = ["q", "page", "status", "level", "area", "region", "district", "race", "template", "phase", "sort", "next"]


def _pages_with_parameters(app, client, election):
    pages, _forms = crawl(app, client, skip=(f"/users/{election['user'].id}",))
    seen, urls = set(), []
    for url in pages:
        path = urlsplit(url).path
        if path not in seen:
            seen.add(path)
            urls.append((path, [k for k, _v in parse_qsl(urlsplit(url).query)]))
    return urls


def _visit(app, client, path, names, problems) -> None:
    @quick(3)
    @given(st.dictionaries(st.sampled_from(names), hostile_text, min_size=1, max_size=4))
    def visit(query):
        try:
            response = client.get(f"{path}?{urlencode(query)}")
        except Exception as exc:  # the test client re-raises what would be a 500
            app.extensions["sqlalchemy"].session.rollback()
            problems.setdefault(path, f"{type(exc).__name__}: {str(exc)[:300]} <- {query}")
            return
        if response.status_code >= 500:
            problems.setdefault(path, f"HTTP {response.status_code} <- {query}")
        elif response.mimetype == "text/html" and raw_markup(response.get_data(as_text=True)):
            problems.setdefault(path, f"unescaped markup <- {query}")

    visit()


def test_every_page_takes_hostile_query_strings(app, everyone, election):
    pages = _pages_with_parameters(app, everyone, election)
    assert len(pages) > 40
    # The JSON the pages fetch, which the walk (HTML only) does not keep.
    pages += [("/observation/dashboard/live.json", []), ("/api/v1/templates", []),
              (f"/results/public/{election['race'].code}/stations.json", [])]
    problems: dict[str, str] = {}
    for path, own in pages:
        _visit(app, everyone, path, sorted(set(own + COMMON)), problems)
    assert problems == {}, "\n".join(f"{path}: {problem}" for path, problem in problems.items())


def test_sign_in_takes_hostile_values_and_says_why(app, election):
    client = app.test_client()
    form = next(f for f in parse(client.get("/login").get_data(as_text=True)).forms if f["method"] == "post")
    names = [f.name for f in form["fields"] if f.name != "csrf_token"]

    @quick(15)
    @given(st.fixed_dictionaries({name: hostile_text for name in names}))
    def sign_in(values):
        response = client.post_form("/login", values)
        assert response.status_code in (200, 400, 429), values
        assert says_why(response.get_data(as_text=True)), values

    sign_in()

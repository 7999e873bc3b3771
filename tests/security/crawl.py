"""Find every page and every form of the running application, the way a visitor would.

Starting from the home page, follow same-site links (a few pages per endpoint, so
a list of a thousand voters costs two visits) and keep each HTML form that posts,
with its own field names, select options and file inputs.
"""

import dataclasses
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from werkzeug.exceptions import HTTPException

# Links and forms a hostile-input run must not follow: signing out ends the run's session.
SKIP_PATHS = ("/logout", "/profile/sign-out-everywhere", "/static/")


@dataclasses.dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Form:
    page: str
    action: str
    enctype: str
    fields: list[Field]

    @property
    def files(self) -> list[Field]:
        return [f for f in self.fields if f.kind == "file"]

    def __str__(self) -> str:
        return f"{self.action} (on {self.page})"


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""),
                          "enctype": a.get("enctype", ""), "fields": []}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio"):
                # Several boxes share a name: keep one field with every value as an option.
                same = [f for f in self._form["fields"] if f.name == a["name"] and f.kind == kind]
                if same:
                    same[0].options.append(a.get("value", "y"))
                    return
                self._form["fields"].append(Field(a["name"], kind, a.get("value", "y"), [a.get("value", "y")]))
                return
            self._form["fields"].append(Field(a["name"], kind, a.get("value", "")))
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def parse(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


def endpoint_of(app, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except HTTPException:
        try:
            endpoint, _args = adapter.match(path, method="POST")
        except HTTPException:
            return None
    return endpoint


def crawl(app, client, start=("/",), per_endpoint=2, skip=()) -> tuple[dict[str, str], list[Form]]:
    """Every page reachable from ``start`` (HTML only) and every posting form on them."""
    pages: dict[str, str] = {}
    forms: dict[tuple, Form] = {}
    visits: dict[str, int] = {}
    queue = list(start)
    while queue:
        url = queue.pop(0)
        if url in pages or url.startswith(SKIP_PATHS) or url.startswith(tuple(skip)):
            continue
        endpoint = endpoint_of(app, urlsplit(url).path)
        if endpoint is None or visits.get(endpoint, 0) >= per_endpoint:
            continue
        visits[endpoint] = visits.get(endpoint, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        parsed = parse(html)
        for href in parsed.links:
            target = urldefrag(urljoin(url, href)).url
            parts = urlsplit(target)
            if parts.scheme in ("", "http") and parts.netloc in ("", "localhost"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        for found in parsed.forms:
            if found["method"] != "post":
                continue
            action = urlsplit(urljoin(url, found["action"] or url))
            action_url = action.path + (f"?{action.query}" if action.query else "")
            if action_url.startswith(SKIP_PATHS) or action_url.startswith(tuple(skip)):
                continue
            names = tuple(sorted(f.name for f in found["fields"]))
            key = (endpoint_of(app, action.path), names)
            forms.setdefault(key, Form(url, action_url, found["enctype"], found["fields"]))
    return pages, list(forms.values())

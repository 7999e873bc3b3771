"""Where a request's values come in: each GET route's query parameters and each JSON endpoint's fields.

Found from the application itself, so a route or parameter added later is walked without
editing a list: the URL map gives the routes; a view's source (and the helpers of its module
it calls) gives the query parameters it reads and the search forms it binds to the query
string; the OpenAPI document the app serves gives the API's fields (JSON and
multipart), and a JSON view's source the fields it reads from its body.
"""

from __future__ import annotations

import inspect
import re
import sys
from dataclasses import dataclass, field

from wtforms.fields.core import UnboundField

_ARG = re.compile(r"""(?:request\.args\.get(?:list)?|query_int)\(\s*["'](\w+)["']""")
_ARG_INDEX = re.compile(r"""request\.args\[\s*["'](\w+)["']\s*\]""")
_FORM_ON_ARGS = re.compile(r"(\w+)\(request\.args\)")
_CALL = re.compile(r"\b(\w+)\(")
# A call through a module the view imported (services.read_json_filing(...)): the module's name, the function's.
_MODULE_CALL = re.compile(r"\b(\w+)\.(\w+)\(")
_BODY_FIELD = re.compile(r"""body(?:\.get\(|\[)\s*["'](\w+)["']""")
# Parameters every listing reads through Flask-SQLAlchemy's paginate.
_PAGING = ("page", "per_page")


@dataclass
class Route:
    rule: str
    endpoint: str
    arguments: tuple[str, ...]
    names: set[str] = field(default_factory=set)


def _source(function) -> str:
    try:
        return inspect.getsource(inspect.unwrap(function))
    except (OSError, TypeError):
        return ""


def _reads(view, depth: int = 2) -> tuple[str, object]:
    """The view's source with that of the application's functions it calls (``depth`` levels down)."""
    view = inspect.unwrap(view)
    module = sys.modules.get(view.__module__)
    seen, text, frontier = {view}, _source(view), [view]
    for _level in range(depth):
        called = []
        for function in frontier:
            scope = vars(sys.modules[function.__module__])
            source = _source(function)
            helpers = [scope.get(name) for name in set(_CALL.findall(source))]
            # A rule moved into a services package is still the view's reading of its input.
            helpers += [getattr(scope.get(owner), name, None) for owner, name in set(_MODULE_CALL.findall(source))
                        if inspect.ismodule(scope.get(owner)) and scope[owner].__name__.startswith("electoral.")]
            for helper in helpers:
                if inspect.isfunction(helper) and helper.__module__.startswith("electoral.") and helper not in seen:
                    seen.add(helper)
                    called.append(helper)
        text += "".join(_source(h) for h in called)
        frontier = called
    return text, module


def _form_fields(form_class) -> set[str]:
    return {name for name in dir(form_class)
            if isinstance(getattr(form_class, name, None), UnboundField)}


def query_routes(app) -> list[Route]:
    """Every GET route whose view reads query parameters, with the names it reads."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        text, module = _reads(app.view_functions[rule.endpoint])
        names = set(_ARG.findall(text)) | set(_ARG_INDEX.findall(text))
        for form_name in _FORM_ON_ARGS.findall(text):
            names |= _form_fields(getattr(module, form_name, None))
        if "paginate(" in text:
            names |= set(_PAGING)
        if names:
            routes.append(Route(rule.rule, rule.endpoint, tuple(rule.arguments), names))
    return sorted(routes, key=lambda r: r.rule)


# The request bodies the walks below send; a document naming another has an operation no walk covers.
WALKED_MEDIA = {"application/json", "multipart/form-data"}


def _request_bodies(openapi: dict) -> dict[str, dict]:
    """Each documented POST path's request body content, by media type."""
    return {path: operation["post"]["requestBody"]["content"]
            for path, operation in openapi["paths"].items() if "requestBody" in operation.get("post", {})}


def request_media(openapi: dict) -> set[str]:
    """Every media type the document's POST operations take."""
    return {media for body in _request_bodies(openapi).values() for media in body}


def _shape(path: str) -> str:
    """A path with its variables blanked: OpenAPI's ``{race}`` and Flask's ``<race_code>`` alike."""
    return re.sub(r"\{[^}]+\}|<[^>]+>", "*", path)


@dataclass
class UploadRoute(Route):
    files: set[str] = field(default_factory=set)


def multipart_routes(app, openapi: dict) -> list[UploadRoute]:
    """Every documented multipart POST operation as its route, with its form fields and its file fields."""
    rules = {_shape(rule.rule): rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    routes = []
    for path, body in _request_bodies(openapi).items():
        if "multipart/form-data" not in body:
            continue
        rule = rules.get(_shape(path))
        assert rule is not None, f"{path}: documented, but no POST route has its shape"
        properties = body["multipart/form-data"]["schema"].get("properties", {})
        files = {name for name, schema in properties.items() if schema.get("format") == "binary"}
        routes.append(UploadRoute(rule.rule, rule.endpoint, tuple(rule.arguments),
                                  set(properties) - files, files))
    return sorted(routes, key=lambda r: r.rule)


def json_routes(app, openapi: dict) -> list[Route]:
    """Every POST route that reads a JSON body, with its fields (from the OpenAPI document, else its source)."""
    documented = {path: body["application/json"]["schema"] for path, body in _request_bodies(openapi).items()
                  if "application/json" in body}
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        text, _module = _reads(app.view_functions[rule.endpoint])
        if "get_json" not in text and "gateways.read" not in text:
            continue
        names = set(documented.get(rule.rule, {}).get("properties", {})) | set(_BODY_FIELD.findall(text))
        if "gateways.read" in text:
            from electoral.observation.sms import gateways

            names |= set(re.findall(r"""fields\.get\(\s*["'](\w+)["']""", _source(gateways.read)))
        if names:
            routes.append(Route(rule.rule, rule.endpoint, tuple(rule.arguments), names))
    return sorted(routes, key=lambda r: r.rule)

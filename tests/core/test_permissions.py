"""Every route declares who may use it, and anonymous visitors get nothing else."""

import re

import pytest

from electoral.core.auth import Role

# The only pages an anonymous visitor may open. Adding to this list is a decision.
PUBLIC_ENDPOINTS = {"static", "healthz", "accounts.login", "core.set_language"}
# openrosa.*: ODK Collect holds no session; each view answers 401 without the observer's device password.
PUBLIC_PREFIXES = ("training.verify", "observation.verify", "results.public", "observation_api.openapi", "sms.inbound",
                   "openrosa.")


def _routes(app):
    for rule in app.url_map.iter_rules():
        yield rule, app.view_functions[rule.endpoint]


def _is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(PUBLIC_PREFIXES)


def _sample_url(rule) -> str:
    # Fill every URL variable with a plausible value; the check must refuse
    # before it ever looks the record up.
    # A variable given by the rule's defaults (``fmt`` of /allocation.csv) has no converter and no place in the URL.
    values = {arg: (1 if rule._converters.get(arg).__class__.__name__ in ("IntegerConverter",) else "X1")
              for arg in rule.arguments}
    url = rule.rule
    for arg, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(value), url)
    return url


def test_every_view_declares_its_access(app):
    undeclared = [rule.endpoint for rule, view in _routes(app)
                  if not hasattr(view, "access_public") and not hasattr(view, "access_roles")]
    assert undeclared == []


def test_public_views_are_only_those_on_the_list(app):
    public = {rule.endpoint for rule, view in _routes(app) if getattr(view, "access_public", False)}
    assert {e for e in public if not _is_public(e)} == set()


def test_anonymous_requests_are_refused_everywhere_else(app, client):
    checked = 0
    for rule, view in _routes(app):
        if getattr(view, "access_public", False):
            continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            checked += 1
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url)
            else:
                # Forms without a CSRF token fail before the sign-in check (400): also a refusal.
                assert response.status_code in (302, 400), (method, url, response.status_code)
                if response.status_code == 302:
                    assert "/login" in response.headers["Location"], (method, url)
    assert checked > 10


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMINISTRATOR])
def test_only_administrators_open_the_administration_pages(client, login_as, role):
    login_as(role)
    for url in ("/users", "/users/new", "/audit", "/geography/import", "/geography/region/new"):
        assert client.get(url).status_code == 403, url

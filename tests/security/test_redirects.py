"""Class: redirects. Every redirect to a URL from the request goes through electoral/core/redirects.py.

The scan walks every ``redirect(...)`` in electoral/ (as the access matrix walks every route):
a redirect either names its target with ``url_for`` or takes it through the helper. Each
place of the second kind is then sent hostile targets through its route, and the answer's
Location must stay on the application.
"""

import ast
import inspect
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from electoral.core.auth import Role
from tests.factories import PASSWORD, make_district, make_user, user_called

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "electoral"
HELPER_MODULE = PACKAGE / "core" / "redirects.py"
# The helper's functions: a redirect through one of these is a redirect to a URL from the request, checked.
HELPERS = {"redirect_back", "redirect_to", "local_target", "referrer_target"}
# What a request can carry as a return address; read only through the helper.
RETURN_ADDRESS_NAMES = {"next", "return_to", "return_url", "redirect", "redirect_to", "came_from", "back"}

EVIL = ["//evil.example", "/%09/evil.example", "/\\evil.example", "https://evil.example",
        "/%0A/evil.example", "javascript:alert(1)", "/%2F/evil.example", "/%5Cevil.example",
        "\t//evil.example", " //evil.example", "/%252F%252Fevil.example", "http:evil.example",
        "///evil.example"]


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _calls(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) == name


def _through_helper(node: ast.AST) -> bool:
    """Whether an expression is a URL built by url_for or checked by the helper (``a or url_for(...)`` too)."""
    if isinstance(node, ast.Call):
        return _name(node.func) in HELPERS | {"url_for"}
    if isinstance(node, ast.BoolOp):
        return all(_through_helper(value) for value in node.values)
    if isinstance(node, ast.IfExp):
        return _through_helper(node.body) and _through_helper(node.orelse)
    return False


def _reads_a_return_address(node: ast.AST) -> bool:
    """``request.referrer``, or ``….get("next")`` and the like on the request's args or form."""
    if isinstance(node, ast.Attribute) and node.attr == "referrer":
        return True
    return (isinstance(node, ast.Call) and _name(node.func) == "get" and node.args
            and isinstance(node.args[0], ast.Constant) and node.args[0].value in RETURN_ADDRESS_NAMES)


def _consumer(node: ast.AST, parents: dict) -> ast.AST | None:
    """What takes the value of ``node``, looking through ``a or b`` and ``a if c else b``."""
    parent = parents.get(node)
    while isinstance(parent, ast.BoolOp | ast.IfExp):
        parent = parents.get(parent)
    return parent


def _header_set_to_url_for(node: ast.AST, parents: dict) -> bool:
    """``response.headers["Location"] = url_for(...)``: an address the application builds, as
    ``redirect(url_for(...))`` is (OpenRosa's submission answer names where to submit)."""
    subscript = parents.get(node)
    assign = parents.get(subscript)
    return (isinstance(subscript, ast.Subscript) and isinstance(assign, ast.Assign)
            and assign.targets == [subscript] and _calls(assign.value, "url_for"))


def scan():
    """(places, problems): each place that redirects to a URL from the request, and each unchecked one."""
    places, problems = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HELPER_MODULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}

        def enclosing_function(node, parents=parents):
            while node in parents:
                node = parents[node]
                if isinstance(node, ast.FunctionDef):
                    return node.name
            return "<module>"

        where = lambda node, path=path: f"{path.relative_to(ROOT)}:{node.lineno}"  # noqa: E731
        for node in ast.walk(tree):
            if _calls(node, "redirect"):
                target = node.args[0] if node.args else None
                if target is None or not _through_helper(target):
                    problems.append(f"{where(node)}: redirect to an unchecked target")
                elif not _calls(target, "url_for"):
                    places.append((path, enclosing_function(node), where(node)))
            elif isinstance(node, ast.Call) and _name(node.func) in {"redirect_back", "redirect_to"}:
                places.append((path, enclosing_function(node), where(node)))
            elif _reads_a_return_address(node) and not _calls(_consumer(node, parents), "local_target"):
                problems.append(f"{where(node)}: a return address read outside local_target()")
            elif (isinstance(node, ast.Constant) and node.value in ("Location", "Refresh")
                  and not _header_set_to_url_for(node, parents)):
                problems.append(f"{where(node)}: a {node.value} header set by hand")
    return places, problems


def test_every_redirect_to_a_url_from_the_request_goes_through_the_helper():
    places, problems = scan()
    assert problems == []
    assert len(places) >= 4, places  # login, language switch, alert (referrer), discrepancy


def test_no_template_redirects_by_itself():
    found = [str(t.relative_to(ROOT)) for t in PACKAGE.glob("**/templates/**/*.html")
             if "http-equiv" in t.read_text(encoding="utf-8").lower()]
    assert found == []


# ---- every place found, sent hostile targets ----------------------------------------------

def _signed_in(app, db, *roles, scope=None):
    user = make_user(*roles, scope=scope)
    db.session.commit()
    client = app.test_client()
    assert client.post_form("/login", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _login(app, db):
    make_user(Role.RESULTS_CLERK, username="fatu")
    db.session.commit()

    def send(evil, in_query):
        client = app.test_client()
        if in_query:
            return client.post_form(f"/login?next={evil}", {"username": "fatu", "password": PASSWORD})
        return client.post_form("/login", {"username": "fatu", "password": PASSWORD, "next": unquote(evil)})
    return send


def _language(app, db):
    client = app.test_client()

    def send(evil, in_query):
        if in_query:
            return client.post_form(f"/language?next={evil}", {"lang": "fr"})
        return client.post_form("/language", {"lang": "fr", "next": unquote(evil)})
    return send


def _alert(app, db):
    from electoral.observation import services
    from electoral.observation.models import Alert
    from tests.observation.factories import OPENING_OK, make_observer, make_opening_checklist

    observer = make_observer()
    services.submit(db.session, make_opening_checklist(), observer.station, {**OPENING_OK, "Q3": "no"},
                    "redirect-01", observer)
    db.session.commit()
    alert_id = db.session.scalar(db.select(Alert.id))
    client = _signed_in(app, db, Role.OBSERVER_COORDINATOR)

    def send(evil, in_query):
        # A header cannot carry a raw newline, so the referrer comes as a browser sends it: percent-encoded.
        referrer = evil if in_query else "http://localhost" + evil.lstrip()
        return client.post_form(f"/observation/alerts/{alert_id}", {"status": "acknowledged", "note": "x"},
                                headers={"Referer": referrer})
    return send


def _discrepancy(app, db):
    from electoral.logistics import services
    from tests.factories import make_centre
    from tests.logistics.factories import full_receipt, packed_consignment

    consignment = packed_consignment(destination=make_centre(make_district()), seals=("SL-1", "SL-2"))
    services.dispatch(db.session, consignment, user_called("dispatcher"))
    [problem] = services.receive(db.session, consignment, full_receipt(consignment, **{"SL-1": "missing"}), user_called("storekeeper"))
    db.session.commit()
    client = _signed_in(app, db, Role.LOGISTICS_OFFICER)
    url = f"/logistics/discrepancies/{problem.id}/resolve"

    def send(evil, in_query):
        if in_query:
            return client.post_form(f"{url}?next={evil}", {"resolve-resolution": "Found in the cab"})
        return client.post_form(url, {"resolve-resolution": "Found in the cab", "next": unquote(evil)})
    return send


def _pair_decision(app, db):
    from electoral.registration.models import DuplicatePair
    from tests.registration.factories import make_election, make_voter

    make_election()
    a = make_voter(family_name="Kamara", given_names="Mohamed", sex="M", id_number="Z1")
    b = make_voter(family_name="Kamara", given_names="Mohammed", sex="M", id_number="Z1")
    pair = DuplicatePair(voter_a_id=a.id, voter_b_id=b.id, score=90, reasons=[["same_id", {}]])
    db.session.add(pair)
    db.session.commit()
    client = _signed_in(app, db, Role.REGISTRATION_SUPERVISOR)

    def send(evil, in_query):
        # The pair's page returns to where it was reached from, and reads that only from the query;
        # the decided pair refuses the later decisions, which return the same way.
        url = f"/registration/duplicates/{pair.id}"
        if in_query:
            return client.post_form(f"{url}?next={evil}", {"decision": "not_duplicate"})
        return client.post_form(url, {"decision": "not_duplicate"}, query_string={"next": unquote(evil)})
    return send


# Each endpoint that redirects to a URL from the request, and how to send it one.
SENDERS = {
    "accounts.login": _login,
    "core.set_language": _language,
    "observation.alert_handle": _alert,
    "logistics.discrepancy_resolve": _discrepancy,
    "registration.decide_pair": _pair_decision,
}


def _endpoints_of(app, places) -> set[str]:
    """The endpoints whose view functions hold the places the scan found."""
    by_code = {}
    for endpoint, view in app.view_functions.items():
        code = inspect.unwrap(view).__code__
        by_code[(Path(code.co_filename).resolve(), code.co_name)] = endpoint
    found = set()
    for path, function, where in places:
        assert (path.resolve(), function) in by_code, f"{where}: not in a view; add its route to SENDERS by hand"
        found.add(by_code[(path.resolve(), function)])
    return found


def test_every_place_found_has_a_sender(app):
    places, _problems = scan()
    assert _endpoints_of(app, places) == set(SENDERS)


def _stays_on_the_application(location: str) -> bool:
    if any(ord(c) <= 0x20 or c == "\\" for c in location):
        return False
    parts = urlsplit(location)
    path = unquote(unquote(parts.path))
    return (parts.scheme in ("", "http") and parts.netloc in ("", "localhost")
            and path.startswith("/") and not path.startswith("//") and "evil.example" not in location)


@pytest.mark.parametrize("endpoint", sorted(SENDERS))
def test_hostile_targets_stay_on_the_application(app, db, endpoint):
    send = SENDERS[endpoint](app, db)
    for evil in EVIL:
        for in_query in (True, False):
            response = send(evil, in_query)
            assert response.status_code in (302, 303), (evil, response.get_data(as_text=True)[:300])
            assert _stays_on_the_application(response.headers["Location"]), (evil, response.headers["Location"])


@pytest.mark.parametrize("endpoint", sorted(SENDERS))
def test_an_own_page_is_still_a_target(app, db, endpoint):
    response = SENDERS[endpoint](app, db)("/profile?tab=1", False)
    assert response.headers["Location"] == "/profile?tab=1"


@pytest.mark.parametrize("value", ["/", "/profile", "/results/races?page=2&q=Bo%20Town", "/r%C3%A9sultats",
                                   "/login?next=%2Fprofile"])
def test_the_helper_keeps_own_paths(value):
    from electoral.core.redirects import local_target

    assert local_target(value) == value


@pytest.mark.parametrize("value", [*EVIL, *(unquote(e) for e in EVIL), "", None, "profile", "/\x00/evil.example",
                                   "/\u0085/evil.example", "/%25%32%46%25%32%46evil.example", "/" + "a" * 3000])
def test_the_helper_refuses_everything_else(value):
    from electoral.core.redirects import local_target

    assert local_target(value) is None

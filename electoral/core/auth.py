"""Roles, scope, and the one decorator every view declares its access with."""

import enum
import functools
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


class Role(enum.StrEnum):
    ADMINISTRATOR = "administrator"
    REGISTRATION_CLERK = "registration_clerk"
    REGISTRATION_SUPERVISOR = "registration_supervisor"
    LOGISTICS_OFFICER = "logistics_officer"
    TRAINING_COORDINATOR = "training_coordinator"
    OBSERVER = "observer"
    OBSERVER_COORDINATOR = "observer_coordinator"
    RESULTS_CLERK = "results_clerk"
    RESULTS_SUPERVISOR = "results_supervisor"
    PRESIDING_OFFICER = "presiding_officer"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def description(self) -> str:
        return str(ROLE_DESCRIPTIONS[self])


ROLE_LABELS = {
    Role.ADMINISTRATOR: _l("Administrator"),
    Role.REGISTRATION_CLERK: _l("Registration clerk"),
    Role.REGISTRATION_SUPERVISOR: _l("Registration supervisor"),
    Role.LOGISTICS_OFFICER: _l("Logistics officer"),
    Role.TRAINING_COORDINATOR: _l("Training coordinator"),
    Role.OBSERVER: _l("Observer"),
    Role.OBSERVER_COORDINATOR: _l("Observer coordinator"),
    Role.RESULTS_CLERK: _l("Results clerk"),
    Role.RESULTS_SUPERVISOR: _l("Results supervisor"),
    Role.PRESIDING_OFFICER: _l("Presiding officer"),
}

ROLE_DESCRIPTIONS = {
    Role.ADMINISTRATOR: _l("Sets up the election: users and roles, geography, settings; reads the audit trail."),
    Role.REGISTRATION_CLERK: _l("Registers voters at a registration centre."),
    Role.REGISTRATION_SUPERVISOR: _l("Resolves possible duplicates, claims and objections; freezes the roll."),
    Role.LOGISTICS_OFFICER: _l("Plans, packs, dispatches and receives materials; staffs polling stations."),
    Role.TRAINING_COORDINATOR: _l("Runs the training of polling officials and their certification."),
    Role.OBSERVER: _l("Files checklists and incident reports from a polling station."),
    Role.OBSERVER_COORDINATOR: _l("Builds checklists, deploys observers and follows their reports."),
    Role.RESULTS_CLERK: _l("Enters tally sheets."),
    Role.RESULTS_SUPERVISOR: _l("Resolves mismatched entries, audits quarantined sheets, certifies results."),
    Role.PRESIDING_OFFICER: _l(
        "Polling staff of one polling station: sends the photo of its signed tally sheet, nothing else."),
}

# Everyone signed in, whatever their role (profile, home, reading geography).
ANY_ROLE = frozenset(Role)
# Every role but polling staff: a presiding officer's account sends its station's sheet photo and
# nothing else, so the map of the country and the reports are closed to it (its own account pages are not).
OFFICE_ROLES = ANY_ROLE - {Role.PRESIDING_OFFICER}


def wants_json() -> bool:
    """The request is answered in JSON: the API, or a caller that asks for JSON first."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json"
    )


def access(*roles: Role, area: Callable[..., Any] | None = None, who: Callable[..., bool] | None = None):
    """Allow the view to signed-in users holding one of ``roles``.

    ``area``, when given, receives the view's arguments and returns the
    geographic record the request acts on; users scoped to another area are
    refused. ``who``, when given, is a further rule on the user that roles
    alone cannot say (``who(user, **view_arguments)``, e.g. a logistics
    supervisor is an officer with national scope); its ``matrix_label`` names
    it in the access matrix. The declaration is kept on the view so tests can
    walk every route and ``may()`` can answer for templates and the home page.
    """
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("access() needs at least one role; use public() for open pages")

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                if wants_json():
                    return jsonify(error="authentication required"), 401
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if not current_user.has_any_role(allowed):
                abort(403)
            if area is not None and not current_user.can_act_in(area(**kwargs)):
                abort(403)
            if who is not None and not who(current_user, **kwargs):
                abort(403)
            return view(*args, **kwargs)

        wrapper.access_roles = allowed
        wrapper.access_public = False
        wrapper.access_area = area is not None
        wrapper.access_area_of = area
        wrapper.access_who = who
        return wrapper

    return decorator


def may(endpoint: str, **values) -> bool:
    """Whether the signed-in user may use ``endpoint``, asked of the route's own declaration.

    ``values`` are the route's URL variables; a route declared with an area (or
    a ``who`` rule that reads them) needs them, so the answer includes scope.
    Templates call it as ``may('results.quarantine')``; the home page and the
    menu list only what it allows.
    """
    view = current_app.view_functions[endpoint]
    if getattr(view, "access_public", False):
        return True
    if not current_user.is_authenticated or not current_user.has_any_role(getattr(view, "access_roles", ())):
        return False
    area = getattr(view, "access_area_of", None)
    if area is not None:
        if not values:
            raise TypeError(f"{endpoint} is declared with an area: may() needs its URL values")
        if not current_user.can_act_in(area(**values)):
            return False
    who = getattr(view, "access_who", None)
    return who is None or bool(who(current_user, **values))


def national(user, **_route) -> bool:
    """Users with no scope: the whole country is theirs (an access declaration's ``who``)."""
    return user.scope is None


national.matrix_label = "national"


def public(view):
    """Mark a view as open to anonymous visitors (kept to a short, tested list)."""
    view.access_roles = frozenset()
    view.access_public = True
    return view


# Short column heads for the printed matrix, in the order of ``Role``.
MATRIX_HEADS = {
    Role.ADMINISTRATOR: "ADM", Role.REGISTRATION_CLERK: "RCL", Role.REGISTRATION_SUPERVISOR: "RSU",
    Role.LOGISTICS_OFFICER: "LOG", Role.TRAINING_COORDINATOR: "TRN", Role.OBSERVER: "OBS",
    Role.OBSERVER_COORDINATOR: "OCO", Role.RESULTS_CLERK: "XCL", Role.RESULTS_SUPERVISOR: "XSU",
    Role.PRESIDING_OFFICER: "PRO",
}


def access_matrix(app) -> str:
    """The access matrix as Markdown, read from every route's declaration and every report's roles."""
    from electoral.reports import registry

    heads = " | ".join(MATRIX_HEADS[r] for r in Role)
    lines = [
        "# Access matrix",
        "",
        "Generated from the application by `electoral access-matrix`; do not edit by hand",
        "(`tests/core/test_access_matrix.py` fails when this file is stale, and checks every",
        "cell below against the running application).",
        "",
        "Legend: " + ", ".join(f"{MATRIX_HEADS[r]} {r.value}" for r in Role) + ".",
        "`x` the role may use the route; `public` anyone, signed in or not; `area` the record the",
        "route acts on must lie inside the user's scope (others get 403); `national` only users with no",
        "scope (the whole country; in logistics any administrator too); `report's roles` each report's own",
        "roles (below); other words name the route's further rule on the user. JSON API routes",
        "(`/api/`) take a bearer token instead of the session cookie.",
        "",
        f"| Route | Methods | Endpoint | Area | {heads} |",
        "|---|---|---|---|" + "---|" * len(Role),
    ]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, sorted(r.methods))):
        view = app.view_functions[rule.endpoint]
        methods = ", ".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        if getattr(view, "access_public", False):
            cells = " | ".join("public" for _r in Role)
        else:
            cells = " | ".join("x" if r in view.access_roles else "" for r in Role)
        conditions = ["area"] if getattr(view, "access_area", False) else []
        if (who := getattr(view, "access_who", None)) is not None:
            conditions.append(getattr(who, "matrix_label", who.__name__))
        area = ", ".join(conditions)
        lines.append(f"| `{rule.rule}` | {methods} | {rule.endpoint} | {area} | {cells} |")
    lines += ["", "## Reports", "",
              "`/reports/<name>` is open to every role but the presiding officer; each report then admits only its own "
              "roles.", "",
              f"| Report | {heads} |", "|---|" + "---|" * len(Role)]
    for spec in registry.all_reports():
        lines.append(f"| {spec.name} | " + " | ".join("x" if r in spec.roles else "" for r in Role) + " |")
    return "\n".join(lines) + "\n"

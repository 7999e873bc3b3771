"""Who may use the JSON API: a bearer token of an active user holding the route's roles.

The API's counterpart of core/auth.py's @access, declared once per route with ``token_access``;
the API blueprint is defined here so the results API (sheet images) shares the gate.
CSRF protection does not apply: a bearer token, not a cookie, so a forged cross-site request
carries nothing.
"""

import datetime as dt
import functools

from flask import Blueprint, g, jsonify, request
from flask_babel import gettext as _

from electoral.core.auth import Role
from electoral.extensions import csrf, db
from electoral.observation import services

api_bp = Blueprint("observation_api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)


def token_access(*roles: Role, read_by_view: bool = False):
    """Allow requests whose bearer token belongs to an active user holding one of ``roles``.

    ``read_by_view``: the view reads the token's account in its own first query (the filing
    hot path) and answers through ``authorised``; here only a request without a token is refused.
    """
    allowed = frozenset(roles)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if read_by_view:
                if not token:
                    return _unauthorised()
                g.api_token = token
                return view(*args, **kwargs)
            user = services.token_user(db.session, token)
            return authorised(user, allowed, lambda: view(*args, **kwargs))

        wrapper.access_roles = allowed
        wrapper.access_public = False
        return wrapper

    return decorator


def _unauthorised():
    return jsonify(error=_("A valid bearer token is required.")), 401


def authorised(user, allowed: frozenset[Role], answer):
    """401 without an account, 403 without one of the roles ``allowed``; otherwise ``answer()``, as that user."""
    if user is None:
        return _unauthorised()
    if not user.has_any_role(allowed):
        return jsonify(error=_("This token's user may not do this.")), 403
    g.api_user = user
    from electoral.core import audit

    token_ = audit.set_actor(audit.Actor(user.id, user.username))
    try:
        return answer()
    finally:
        audit._actor.reset(token_)


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite gives the time back without its zone; it was stored in UTC.
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

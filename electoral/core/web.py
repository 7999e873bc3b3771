"""Request plumbing shared by every page: sign-in, audit actor, errors, headers, template helpers."""

import sqlite3

from flask import Flask, Request, current_app, g, jsonify, render_template, request
from flask_babel import format_datetime, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from electoral.config import LANGUAGES
from electoral.core import audit, home
from electoral.core.auth import may, wants_json
from electoral.core.i18n import direction
from electoral.extensions import db, limiter, login_manager


def _without_nul(value):
    """``value`` (text, or lists and dicts of it) without NUL characters, which PostgreSQL text refuses."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(v) for v in value)
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def waited_too_long_for_a_lock(error: OperationalError) -> bool:
    """Whether the database gave up waiting for another transaction's lock: sent again later, the
    same request can succeed (SQLite's busy timeout; PostgreSQL's lock timeout or a deadlock)."""
    if isinstance(error.orig, sqlite3.OperationalError):
        return str(error.orig).startswith(("database is locked", "database table is locked"))
    return getattr(error.orig, "sqlstate", None) in ("55P03", "40P01")  # lock_not_available, deadlock_detected


class HardenedRequest(Request):
    """A request whose input, however hostile, is refused or cleaned rather than crashing the server.

    NUL characters never mean anything in a name, a code or a note; they are dropped from
    the query, the form and JSON bodies, so no value with one reaches the database.
    """

    @cached_property
    def args(self):
        return ImmutableMultiDict(_without_nul(list(super().args.items(multi=True))))

    def _load_form_data(self):
        super()._load_form_data()
        self.form = ImmutableMultiDict(_without_nul(list(self.form.items(multi=True))))

    def get_json(self, force=False, silent=False, cache=True):
        try:
            return _without_nul(super().get_json(force=force, silent=silent, cache=cache))
        except RecursionError:  # thousands of nested brackets exhaust the parser's stack
            if silent:
                return None
            from werkzeug.exceptions import BadRequest

            raise BadRequest() from None


def init_app(app: Flask) -> None:
    app.request_class = HardenedRequest
    if app.config.get("PROXY_COUNT"):
        # Behind a reverse proxy the client's address and scheme come from its X-Forwarded-* headers
        # (rate limits per address, Secure cookies, https links); trusted only when configured.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count)
    _limit_json_api(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open that page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        from electoral.accounts.services import load_session_user

        return load_session_user(db.session, session_id)

    @app.before_request
    def attribute_changes_to_user():
        if current_user.is_authenticated:
            g.audit_token = audit.set_actor(audit.Actor(current_user.id, current_user.username))
        else:
            g.audit_token = audit.set_actor(audit.SYSTEM if request.endpoint != "accounts.login"
                                            else audit.Actor(None, "anonymous"))

    @app.teardown_request
    def forget_actor(_exc=None):
        if (token := g.pop("audit_token", None)) is not None:
            try:
                audit._actor.reset(token)
            except ValueError:  # reset from another context after a streamed response
                pass

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
        if app.config.get("HTTPS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def page_context():
        locale = str(get_locale() or "en")
        return {
            "languages": LANGUAGES,
            "current_locale": locale.split("_")[0],
            "text_direction": direction(locale),
            "commission_name": app.config["COMMISSION_NAME"],
            "nav_items": home.nav_for_current_user() if current_user.is_authenticated else [],
            # Every phone page's outbox tries again this often (static/js: data-retry-ms).
            "phone_retry_ms": round(app.config["PHONE_OUTBOX_RETRY_SECONDS"] * 1000),
        }

    app.jinja_env.filters["number"] = lambda v: format_decimal(v) if v is not None else ""
    app.jinja_env.filters["percent"] = lambda v: format_percent(v, format="#,##0.0%") if v is not None else ""
    app.jinja_env.filters["datetime"] = lambda v: format_datetime(v, "medium") if v else ""
    # Templates ask the route's own access declaration, never a role name: {% if may('results.quarantine') %}.
    app.jinja_env.globals["may"] = may

    def error_page(status: int, title: str, message: str):
        if wants_json():
            return jsonify(error=message), status
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(403)
    def forbidden(_e):
        return error_page(403, _("Not allowed"), _("Your role does not allow this page or action."))

    @app.errorhandler(404)
    def not_found(_e):
        return error_page(404, _("Not found"), _("There is nothing at this address."))

    @app.errorhandler(413)
    def too_large(_e):
        return error_page(413, _("File too large"), _("The file is larger than the server accepts."))

    @app.errorhandler(429)
    def too_many(_e):
        return error_page(429, _("Too many requests"), _("Too many requests. Wait a minute, then try again."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return error_page(400, _("Form expired"), _(
            "The form was open too long or was sent twice. Go back, reload the page and send it again."))

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        if not waited_too_long_for_a_lock(error):
            raise error  # a lost connection or the like: logged, and answered as any other failure
        db.session.rollback()
        app.logger.warning("database busy, %s %s not done: %s", request.method, request.path, error.orig)
        body, status = error_page(503, _("The database is busy"), _(
            "The database is busy with other work, such as a large import, and this request waited too long. "
            "Nothing was saved. Go back and send it again in a minute."))
        # Phones keep an unanswered filing in their outbox and send it again; browsers show the page.
        return body, status, {"Retry-After": "30"}

    @app.errorhandler(500)
    def server_error(_e):
        db.session.rollback()
        return error_page(500, _("Something went wrong"), _(
            "The server could not finish this request. Nothing was saved. Try again; "
            "if it happens again, tell your administrator."))

    @app.route("/healthz")
    def healthz():
        return {"status": "ok"}

    from electoral.core.auth import public

    public(app.view_functions["healthz"])
    public(app.view_functions["static"])


def _api_key() -> str:
    """Throttle the JSON API per bearer token (a digest, never the token), else per address."""
    import hashlib

    from flask_limiter.util import get_remote_address

    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return "api-token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return "api-address:" + get_remote_address()


def _api_client_key() -> str:
    from flask_limiter.util import get_remote_address

    return "api-client:" + get_remote_address()


def _api_bad_token_key() -> str:
    from flask_limiter.util import get_remote_address

    return "api-bad-token:" + get_remote_address()


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _api_client_rate_limit() -> str:
    return current_app.config["API_CLIENT_RATE_LIMIT"]


def _api_bad_token_limit() -> str:
    return current_app.config["API_BAD_TOKEN_LIMIT"]


def _refused_for_token(response) -> bool:
    return response.status_code == 401


def _limit_json_api(app: Flask) -> None:
    """Three limits, all checked before the view looks the token up.

    Per token alone, every made-up token would start a fresh count: so each address also
    has a (generous: phones on one mobile network share an address) limit on all its
    requests, and a strict one on the requests refused for a missing or unknown token.

    The one Limiter keeps its blueprint limits in a set shared by every application built
    in the process: module-level functions (the running application's settings read at
    request time) make a second application's limits equal to the first's, not counted again.
    """
    for blueprint in app.blueprints.values():
        if (blueprint.url_prefix or "").startswith("/api/"):
            limiter.limit(_api_rate_limit, key_func=_api_key)(blueprint)
            limiter.limit(_api_client_rate_limit, key_func=_api_client_key)(blueprint)
            limiter.limit(_api_bad_token_limit, key_func=_api_bad_token_key,
                          deduct_when=_refused_for_token)(blueprint)

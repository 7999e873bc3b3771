"""Locale and timezone of the request, and formatting helpers for templates."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from electoral.config import LANGUAGES, RTL_LANGUAGES


def select_locale() -> str:
    """The user's saved language, else the one picked this session, else the browser's."""
    if not has_request_context():  # command line and background jobs
        return current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    if (picked := session.get("lang")) in LANGUAGES:
        return picked
    return request.accept_languages.best_match(list(LANGUAGES)) or "en"


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def direction(locale: str) -> str:
    return "rtl" if locale.split("_")[0] in RTL_LANGUAGES else "ltr"

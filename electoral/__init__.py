"""electoral: operations of a whole election in one web application."""

import importlib
import importlib.util
from pathlib import Path

from flask import Flask

from electoral import config as settings
from electoral.extensions import (
    INSTANCE_PATH,
    ExtensionsWithMigrate,
    babel,
    csrf,
    db,
    huey,
    limiter,
    login_manager,
)

ROOT = Path(__file__).resolve().parent.parent
# The domains, in the order their pages, commands and tables are registered. A sub-domain
# ("observation.sms") is listed after its parent and registered the same way: its views (``bp``),
# cli (``commands``), models, tasks and reports modules are found by the functions below.
DOMAINS = ("core", "accounts", "geography", "reports", "registration", "training",
           "logistics", "observation", "observation.sms", "results")


def domain_modules(module: str) -> list:
    """``electoral.<domain>.<module>``, imported, for each domain (or sub-domain) that has it."""
    found = []
    for domain in DOMAINS:
        name = f"electoral.{domain}.{module}"
        if importlib.util.find_spec(f"electoral.{domain}") and importlib.util.find_spec(name):
            found.append(importlib.import_module(name))
    return found


def domain_parts(module: str, attribute: str) -> list:
    """``attribute`` of ``electoral.<domain>.<module>`` for each domain that has that module."""
    parts = []
    for loaded in domain_modules(module):
        part = getattr(loaded, attribute, None)
        if part is not None:
            parts.extend(part if isinstance(part, list | tuple) else [part])
    return parts


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides the environment's settings."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        static_folder=str(ROOT / "static"),
        template_folder="templates",
    )
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.from_environment(INSTANCE_PATH))
    if config:
        app.config.from_mapping(config)

    db.init_app(app)
    app.extensions = ExtensionsWithMigrate(app, app.extensions)  # Flask-Migrate, set up when first used
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))
    from electoral.core.audit import configure_chaining, configure_seal

    configure_seal(app.config["SECRET_KEY"])
    configure_chaining(app.config["AUDIT_CHAIN_INTERVAL"])

    from electoral.core import i18n

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        timezone_selector=i18n.select_timezone,
        default_translation_directories=str(ROOT / "translations"),
    )

    from electoral import models  # noqa: F401  (every table known to Alembic and the app)

    for blueprint in domain_parts("views", "bp"):
        app.register_blueprint(blueprint)

    from electoral.core import logmask, web

    web.init_app(app)
    logmask.install()  # SMS secrets in webhook URLs never reach a log line

    from electoral.cli import register_commands

    register_commands(app)
    return app

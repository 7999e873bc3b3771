"""Extension objects, created unbound; create_app() binds them."""

import os
import sqlite3
import time
from pathlib import Path

from flask import has_request_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from huey import RedisHuey, SqliteHuey
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

from electoral.core import ratelimit  # noqa: F401 (registers the electoral-memory:// storage scheme)
from electoral.core.params import query_int

# One naming convention so that Alembic names every constraint the same way on
# SQLite and PostgreSQL, and migrations stay deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class _SQLAlchemy(SQLAlchemy):
    def paginate(self, select, *, page=None, per_page=None, max_per_page=None, error_out=True, count=True):
        """Flask-SQLAlchemy's paginate, with the query string's page and per_page read with a range.

        Its own parsing takes any integer: page=10**30 overflowed the OFFSET (a server error).
        """
        if has_request_context():
            if page is None:
                page = query_int("page", 1, minimum=1, maximum=MAX_PAGE)
            if per_page is None:
                per_page = query_int("per_page", 20, minimum=1, maximum=MAX_PER_PAGE)
        max_per_page = min(max_per_page or MAX_PER_PAGE, MAX_PER_PAGE)
        return super().paginate(select, page=page, per_page=per_page, max_per_page=max_per_page,
                                error_out=error_out, count=count)


# Beyond these a listing is a download, not a page.
MAX_PAGE, MAX_PER_PAGE = 1_000_000, 500
db = _SQLAlchemy(model_class=Base)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

INSTANCE_PATH = Path(os.environ.get("ELECTORAL_INSTANCE", Path(__file__).resolve().parent.parent / "instance"))
MIGRATIONS_PATH = Path(__file__).resolve().parent.parent / "migrations"


class ExtensionsWithMigrate(dict):
    """An application's ``extensions``, which sets Flask-Migrate up the first time its entry is asked for (by a `db`
    command, or an upgrade from a restore or a test). Not in create_app: importing Flask-Migrate imports Alembic,
    about 0.7 s of CPU that every other `electoral` command, web worker and task worker would pay for nothing."""

    def __init__(self, app, entries: dict):
        super().__init__(entries)
        self.app = app

    def __missing__(self, key):
        if key != "migrate":
            raise KeyError(key)
        from flask_migrate import Migrate

        Migrate(self.app, db, directory=str(MIGRATIONS_PATH), render_as_batch=True)
        return dict.__getitem__(self, key)


def _make_huey():
    """RedisHuey when REDIS_URL is set, otherwise SqliteHuey under instance/."""
    if url := os.environ.get("REDIS_URL"):
        return RedisHuey("electoral", url=url)
    INSTANCE_PATH.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("electoral", filename=str(INSTANCE_PATH / "huey.db"))


huey = _make_huey()


# How long a statement waits for SQLite's one writer lock (another request's transaction, or
# a bulk import, which holds it for its whole load) before the request is answered "busy".
SQLITE_BUSY_TIMEOUT_MS = 10_000


@event.listens_for(Engine, "connect")
def _sqlite_connection(dbapi_connection, _record) -> None:
    """Make SQLite behave like the database the rules were written for.

    - foreign keys enforced (SQLite leaves them off by default);
    - WAL, so pages read while a clerk's transaction writes;
    - the driver's own transaction handling off, and BEGIN emitted by SQLAlchemy
      (below), so SAVEPOINTs nest inside the transaction instead of committing it
      early — the documented pysqlite recipe.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] not in ("memory", "wal"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


# A pooled connection idle for longer than this is tested before use: the server may have
# restarted or a firewall dropped it. One in steady use is not, which spares every request of a
# busy hour a round trip (what pool_pre_ping would cost); a connection lost mid-use is discarded
# by SQLAlchemy all the same.
PING_AFTER_IDLE_SECONDS = 10.0


@event.listens_for(Pool, "checkin")
def _note_idle_since(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as exc:  # any failure: the pool replaces the connection and tries again
        raise DisconnectionError("the pooled connection is gone") from exc

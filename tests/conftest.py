"""Fixtures: one application per run, a clean database for every test.

The database is SQLite in a temporary file unless ELECTORAL_TEST_DATABASE_URL
names another (the CI's second run uses PostgreSQL). Tests commit for real, as
the application does, and every table is emptied after each test; that keeps
concurrency, browser and crash tests honest, which a rolled-back outer
transaction would not.
"""

import contextvars
import datetime as dt
import os
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import FileSystemBytecodeCache
from sqlalchemy import event
from sqlalchemy.engine import Engine

from electoral import create_app
from electoral.config import testing_config
from electoral.extensions import db as _db
from electoral.extensions import limiter
from tests import scheduling

TEST_DATABASE_URL = os.environ.get("ELECTORAL_TEST_DATABASE_URL", "")
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def _database_unreachable(url: str) -> str | None:
    if not url or url.startswith("sqlite"):
        return None
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as exc:  # any driver error means: no server to test against
        return f"PostgreSQL is not reachable at {engine.url.render_as_string(hide_password=True)} ({type(exc).__name__}); skipping the PostgreSQL run"
    return None


def pytest_sessionstart(session):
    """Build stale or missing .mo files, so pytest alone sees the current translations."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parents[1].glob("translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        temporary = mo.with_suffix(f".mo.{os.getpid()}")
        with temporary.open("wb") as fh:
            write_mo(fh, catalog)
        temporary.replace(mo)  # atomic: parallel workers may do this at once
    scheduling.start_making_the_fonts(session.config)


def pytest_sessionfinish(session):
    making = getattr(session.config, "_electoral_fonts", None)
    if making is not None:
        making.wait()


def pytest_report_header(config):
    return f"database: {TEST_DATABASE_URL or 'SQLite (temporary file)'}"


def pytest_collection_modifyitems(config, items):
    reason = _database_unreachable(TEST_DATABASE_URL)
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))
    scheduling.spread_the_browser_tests(config, items)


def pytest_xdist_make_scheduler(config, log):
    """With ``-n``: a module sharing a module-scoped fixture runs whole on one worker (tests/scheduling.py)."""
    return scheduling.make_scheduler(config, log)


def _end_test_transaction() -> None:
    """Commit what the test made and end its snapshot.

    The request sees what the test set up, and the test then reads what the
    request committed; on SQLite (WAL) a transaction otherwise keeps reading
    the database as it was when it began.
    """
    if has_app_context():
        session = _db.session()
        # With no transaction begun and nothing pending there is nothing to commit or end: skipped,
        # as every request of a test pays this twice.
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            session.commit()


class FormClient(FlaskClient):
    """A test client that fills in the CSRF token the way a browser's form would.

    Each request runs in an empty context, so it gets its own application
    context (and ``g``, and database session) even while a test holds one open,
    as a request from a browser would.
    """

    def open(self, *args, **kwargs):
        _end_test_transaction()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _end_test_transaction()
        return response

    def csrf_token(self) -> str:
        page = self.get("/profile")
        if page.status_code != 200:
            page = self.get("/login")
        match = _CSRF.search(page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1) or match.group(2)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


def worker_database(base_url: str, suffix: str) -> str:
    """A PostgreSQL database of its own beside ``base_url`` (created if missing)."""
    url = sa.make_url(base_url)
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def commit_without_waiting_for_the_disk(url: str) -> None:
    """A test database's commits do not wait for the disk (PostgreSQL's synchronous_commit off).

    A commit waits for its WAL to reach the disk: 2-20 ms on this machine, over the tens of
    thousands of commits of a run. Without that wait a commit is still atomic and visible to
    every other connection at once, and survives the death of any client (what the crash
    tests kill); only a crash of the server or the machine could lose the last ones, which
    no test does. The setting belongs to the test database, so the commands the crash tests
    start in subprocesses have it too; a role that may not set it leaves it as it was.
    """
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            name = connection.dialect.identifier_preparer.quote(sa.make_url(url).database)
            connection.execute(sa.text(f"ALTER DATABASE {name} SET synchronous_commit = off"))
    except sa.exc.DBAPIError:
        pass
    finally:
        engine.dispose()


@event.listens_for(Engine, "connect")
def _sqlite_commit_without_waiting_for_the_disk(dbapi_connection, _record) -> None:
    """SQLite's counterpart: in WAL mode, synchronous NORMAL commits without an fsync (about 1 ms each here).

    A commit is as atomic and as visible as with FULL, and survives a killed process; only a
    power cut could lose the last ones. Set for the test process's connections only.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = NORMAL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if worker_id == "master" or not TEST_DATABASE_URL.startswith("postgresql"):
        url = TEST_DATABASE_URL
    else:
        # Parallel workers each get a database, or they would empty each other's tables.
        url = worker_database(TEST_DATABASE_URL, worker_id)
    if url.startswith("postgresql"):
        commit_without_waiting_for_the_disk(url)
    return url


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(testing_config(database_url))
    app.test_client_class = FormClient
    # Compiled templates kept on disk (checked against each template's source): each worker of
    # each run otherwise compiles every template again, seconds of CPU on a loaded machine.
    folder = Path(tempfile.gettempdir()) / f"electoral-test-templates-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    app.jinja_env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _empty_all_tables():
    """Every table emptied, sequences restarted (so ids match SQLite's), in one round trip.

    Nothing is checked while emptying everything: on SQLite with foreign keys off
    (each DELETE then drops the table's pages at once; with them on, every row of a
    large election is checked against its children, 30 s for the demo's 15,000 rows
    under load), and only the tables holding a row (one query finds them: a DELETE
    of an empty table still writes its root page to the log, seventy pages a test);
    on PostgreSQL as one multi-statement query (one round trip instead of seventy; a
    DELETE of an empty table costs far less than a TRUNCATE of it), with the
    foreign-key triggers off when the test role may do that (a superuser). The
    statements are compiled once, not after every test.
    """
    statements = _delete_statements(_db.engine.dialect)
    if _db.engine.dialect.name == "sqlite":
        raw = _db.engine.raw_connection()
        try:
            cursor = raw.driver_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set before BEGIN
            try:
                cursor.execute("BEGIN")
                holding = {row[0] for row in cursor.execute(_holding_rows_query(_db.engine.dialect))}
                for index, (_table, delete) in enumerate(statements):
                    if index in holding:
                        cursor.execute(delete)
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            finally:
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.close()
        finally:
            raw.close()
        return
    with _db.engine.begin() as connection:
        sql = [delete for _table, delete in statements]
        if connection.dialect.name == "postgresql":
            if _superuser(connection):
                sql.insert(0, "SET LOCAL session_replication_role = replica")
            sql.append("SELECT setval(c.oid, 1, false) FROM pg_class c WHERE c.relkind = 'S'")
        connection.exec_driver_sql(";\n".join(sql))


_COMPILED: dict = {}


def _delete_statements(dialect) -> list[tuple[str, str]]:
    """(table, DELETE) for every table, children before parents, compiled once per dialect."""
    key = (dialect.name, "delete", len(_db.metadata.tables))
    if key not in _COMPILED:
        _COMPILED[key] = [(table.name, str(table.delete().compile(dialect=dialect)))
                          for table in reversed(_db.metadata.sorted_tables)]
    return _COMPILED[key]


def _holding_rows_query(dialect) -> str:
    """One query giving the index (in ``_delete_statements``) of every table that holds a row."""
    key = (dialect.name, "holding", len(_db.metadata.tables))
    if key not in _COMPILED:
        tables = _db.metadata.tables
        query = sa.union_all(*(sa.select(sa.literal(index)).where(sa.exists().select_from(tables[name]))
                               for index, (name, _delete) in enumerate(_delete_statements(dialect))))
        _COMPILED[key] = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return _COMPILED[key]


_SUPERUSER: dict = {}


def _superuser(connection) -> bool:
    url = str(connection.engine.url)
    if url not in _SUPERUSER:
        _SUPERUSER[url] = bool(connection.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").scalar())
    return _SUPERUSER[url]


@pytest.fixture(scope="session", autouse=True)
def _light_password_hashing():
    """Argon2 at its lightest for the suite: a sign-in verifies in under a millisecond instead of ~50 ms
    (seconds on a loaded machine), over hundreds of sign-ins. The application's own parameters are
    unchanged; the tests check what is hashed and verified, not how hard."""
    from argon2 import PasswordHasher

    from electoral.accounts import services

    kept = services._hasher, services._DUMMY_HASH
    services._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    services._DUMMY_HASH = services._hasher.hash("not-a-real-password")
    yield
    services._hasher, services._DUMMY_HASH = kept


def table_rows() -> list:
    """Every row of every table, parents first: a World built once per worker, kept to be written back.

    A JSON column's SQL NULL is kept as ``null()`` (a JSON null reads as None too, and None is
    written back as a JSON null), so the rows written back are the rows read, NULL for NULL.
    """
    kept = []
    with _db.engine.connect() as connection:
        for table in _db.metadata.sorted_tables:
            columns = list(table.columns)
            json_columns = [c for c in columns if isinstance(c.type, sa.JSON)]
            query = sa.select(*columns, *(c.is_(None) for c in json_columns))
            rows = []
            for row in connection.execute(query):
                values = {c.key: value for c, value in zip(columns, row, strict=False)}
                for c, sql_null in zip(json_columns, row[len(columns):], strict=True):
                    if sql_null:
                        values[c.key] = sa.null()
                rows.append(values)
            kept.append((table, rows))
    return kept


def _as_utc(rows: list) -> list:
    """Rows read from PostgreSQL made ready for SQLite, which keeps a time's figures and drops its zone."""
    return [{key: value.astimezone(dt.UTC) if isinstance(value, dt.datetime) and value.tzinfo else value
             for key, value in row.items()} for row in rows]


def write_rows(rows: list) -> None:
    """Write back rows kept by ``table_rows`` into the emptied database: milliseconds, where building costs seconds.

    The database is the current application's: the test database, or another one (the rows of the
    test database written into a database of its own, possibly on the other engine).
    """
    with _db.engine.begin() as connection:
        for table, table_rows in rows:
            if table_rows:
                if connection.dialect.name == "sqlite":
                    table_rows = _as_utc(table_rows)
                connection.execute(table.insert(), table_rows)
        if connection.dialect.name == "postgresql":
            # Rows came back with their ids: sequences continue after them, as if the rows were made here.
            for table, table_rows in rows:
                key = list(table.primary_key.columns)
                if table_rows and len(key) == 1 and isinstance(key[0].type, sa.Integer):
                    sequence = sa.func.pg_get_serial_sequence(table.name, key[0].name)
                    connection.execute(sa.select(sa.func.setval(sequence, sa.select(sa.func.max(key[0]))
                                                                .scalar_subquery())))


@pytest.fixture(scope="session")
def demo_rows(app):
    """`electoral demo load` run once per worker on the empty test database: its result and every row it wrote.

    Three modules need the demo election: the command's own tests (tests/core/test_cli.py), the
    backup's round trip (written into a SQLite database of its own) and the accessibility walk
    (into a database it serves). Loading it costs seconds of CPU (tens on a loaded machine);
    writing its rows costs a fraction of that, so a worker running two of them loads it once.
    """
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        rows = table_rows()
        _db.session.remove()
        _empty_all_tables()
    return result, rows


def _no_request_counted() -> None:
    """Every test starts with no request counted against the rate limits. One Limiter serves every
    application a worker makes, and a module's own application (a security walk, the access
    matrix's) counts requests from 127.0.0.1 that the session's teardown never saw."""
    try:
        limiter.reset()
    except (AssertionError, AttributeError):  # no application made yet in this process
        pass


@pytest.fixture(autouse=True)
def _clean_database(request):
    _no_request_counted()
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    yield
    with app.app_context():
        _db.session.remove()
        _empty_all_tables()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(app, client, db):
    """Sign the client in as a new user holding ``role`` (and ``scope``); return the user."""
    from electoral.core.auth import Role
    from tests.factories import PASSWORD, make_user

    def sign_in(*roles, scope=None, username=None):
        user = make_user(*roles, scope=scope, username=username)
        if set(roles) == {Role.OBSERVER}:
            # An observer signs in only while accredited: give the account its accreditation.
            from tests.observation.factories import make_observer

            make_observer(user=False).user = user
        db.session.commit()
        response = client.post_form("/login", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in

"""Migrations build the schema from nothing, and match the models exactly."""

import os
import re

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from electoral import config as settings
from electoral import create_app
from electoral.extensions import db

PG_ADMIN_URL = os.environ.get("ELECTORAL_TEST_DATABASE_URL", "")


def _empty_database_url(tmp_path, worker_id) -> str:
    if not PG_ADMIN_URL.startswith("postgresql"):
        return f"sqlite:///{tmp_path / 'migrations.db'}"
    # A database of its own, so the suite's tables do not hide a missing migration; named after the
    # run's database, so two runs on one server (each with its own database) do not drop each other's.
    name = f"{sa.make_url(PG_ADMIN_URL).database}_migrations_{worker_id}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def migrated_app(tmp_path_factory, worker_id):
    """An empty database brought up to date by the migrations, once for the module: the tests only read it."""
    url = _empty_database_url(tmp_path_factory.mktemp("migrations"), worker_id)
    app = create_app(settings.testing_config(url))
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_migrations_create_every_table_of_the_models(migrated_app):
    tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables


def test_autogenerate_finds_no_difference_after_upgrade(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def _allowed_values(sql: str) -> set[str]:
    # "status IN ('a', 'b')" as the models write it, "((status)::text = ANY (ARRAY['a'::character
    # varying, ...]))" as PostgreSQL gives it back: the quoted values are what counts.
    return set(re.findall(r"'([^']*)'", sql))


def test_every_check_constraint_after_upgrade_allows_what_the_model_allows(migrated_app):
    """Autogenerate does not compare CHECK constraints, so a value added to a model's list
    (a new status) without a migration would only fail in production, on the first such row."""
    inspector = sa.inspect(db.engine)
    expected, found = {}, {}
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint) and "'" in str(constraint.sqltext):
                expected[constraint.name] = _allowed_values(str(constraint.sqltext))
        for reflected in inspector.get_check_constraints(table.name):
            found[reflected["name"]] = _allowed_values(reflected["sqltext"])
    assert expected and {name: found.get(name) for name in expected} == expected


def test_every_column_after_upgrade_has_the_collation_of_the_model(migrated_app):
    """Autogenerate does not compare collations either: a column the models compare byte by byte on
    PostgreSQL (registration.models.bytewise_string) left in the database's collation by the migrations
    would sort its index by the locale's rules, unseen."""
    inspector = sa.inspect(db.engine)
    dialect = db.engine.dialect
    expected, found = {}, {}
    for table in db.metadata.tables.values():
        reflected = {column["name"]: column for column in inspector.get_columns(table.name)}
        for column in table.columns:
            expected[f"{table.name}.{column.name}"] = getattr(column.type.dialect_impl(dialect), "collation", None)
            found[f"{table.name}.{column.name}"] = getattr(reflected[column.name]["type"], "collation", None)
    assert found == expected
    if dialect.name == "postgresql":
        assert expected["voter.key_names"] == "C"

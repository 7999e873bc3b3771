"""Scratch space of a benchmark's own, removed afterwards: a PostgreSQL database, a folder."""

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

PG_ADMIN = os.environ.get("ELECTORAL_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_postgres(name: str) -> Iterator[str | None]:
    """Yield the URL of a new empty database ``name``, or None (with a message) when PostgreSQL is not there."""
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as failure:
        print(f"[PostgreSQL] not reachable ({type(failure).__name__}); skipped")
        admin.dispose()
        yield None
        return
    try:
        yield sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scratch_folder(prefix: str) -> Path:
    """A new folder under the system's temporary one, removed when the benchmark ends.

    A million-voter run leaves gigabytes in it (the database, its WAL); kept, a few runs
    filled the disk.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder

"""Crash safety: an import and a PDF batch killed mid-way (SIGKILL) leave the database consistent,
and running them again finishes the work with nothing doubled.

The operations run as the operator runs them, `electoral ...` in a subprocess on the test
database; the test polls the database until the first batch is committed, then kills.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from electoral.core.audit_verify import verify_chain
from electoral.core.auth import Role
from electoral.core.models import utcnow
from electoral.extensions import db as _db
from electoral.registration import synthetic
from electoral.reports import registry, services
from electoral.reports.fonts import font_dir
from electoral.reports.models import ReportJob
from tests.factories import make_centre, make_district, make_station, make_user, user_called
from tests.registration.factories import make_election, make_voter

VOTERS = 12_000
BATCH = 100
CARDS = 300


def _command(app, instance: Path, *args: str) -> tuple[list[str], dict]:
    # Share the test run's font cache: making the static fonts again takes a while.
    instance.mkdir(parents=True, exist_ok=True)
    if not (instance / "fonts").exists():
        font_dir().mkdir(parents=True, exist_ok=True)
        (instance / "fonts").symlink_to(font_dir(), target_is_directory=True)
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "ELECTORAL_INSTANCE": str(instance)}
    env.pop("REDIS_URL", None)
    return [str(Path(sys.executable).with_name("electoral")), *args], env


def run(app, instance: Path, *args: str) -> subprocess.CompletedProcess:
    command, env = _command(app, instance, *args)
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)


def kill_when(app, instance: Path, args: tuple[str, ...], ready, timeout: float = 600) -> None:
    """Start ``electoral args``, poll the database until ``ready(connection)``, then SIGKILL it."""
    command, env = _command(app, instance, *args)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    watcher = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with watcher.connect() as connection:
                if ready(connection):
                    break
            if process.poll() is not None:
                pytest.fail(f"`electoral {' '.join(args)}` ended before it could be killed: "
                            f"{process.stderr.read().decode()[-2000:]}")
            time.sleep(0.02)
        else:
            pytest.fail("the first batch was never committed")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()
        watcher.dispose()
    assert process.returncode == -signal.SIGKILL


def orphans(session) -> list[str]:
    """Every foreign key whose value names no row (SQLite and PostgreSQL both enforce them; prove it)."""
    found = []
    for table in _db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            parent = fk.column.table.alias()
            count = session.scalar(
                sa.select(sa.func.count()).select_from(table)
                .outerjoin(parent, parent.c[fk.column.name] == fk.parent)
                .where(fk.parent.is_not(None), parent.c[fk.column.name].is_(None)))
            if count:
                found.append(f"{table.name}.{fk.parent.name}: {count}")
    return found


def fresh(session) -> None:
    """End the test's transaction: on SQLite it would keep reading the database as it was."""
    session.commit()
    session.expire_all()


def assert_consistent(session) -> None:
    fresh(session)
    assert orphans(session) == []
    count, problems = verify_chain(session)
    assert problems == [], problems
    assert count > 0


def voter_count(connection) -> int:
    return connection.scalar(sa.text("SELECT count(*) FROM voter"))


def _roll_file(tmp_path: Path, size: int, centres: list[str]) -> Path:
    roll = synthetic.generate(size, centres, duplicate_share=0, negatives=0, seed=11)
    path = tmp_path / "roll.csv"
    synthetic.write_csv(roll, path)
    return path


def _election(db):
    today = dt.date.today()
    make_election(polling_day=today + dt.timedelta(days=150),
                  registration=(today - dt.timedelta(days=30), today + dt.timedelta(days=60)))


def test_killed_voter_import_leaves_whole_batches_and_a_rerun_imports_each_voter_once(app, db, tmp_path):
    _election(db)
    district = make_district()
    centres = [make_centre(district, code=f"KC-{i:02d}").code for i in range(10)]
    user_called("clerk", Role.REGISTRATION_CLERK)
    db.session.commit()
    roll = _roll_file(tmp_path, VOTERS, centres)
    args = ("voters", "import", str(roll), "--as", "clerk", "--skip-invalid", "--batch-size", str(BATCH))

    kill_when(app, tmp_path, args, lambda connection: voter_count(connection) >= BATCH)
    fresh(db.session)

    written = db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("voter")))
    assert 0 < written < VOTERS
    assert written % BATCH == 0, "a half-written batch"
    batches = db.session.scalar(sa.text("SELECT count(*) FROM audit_entry WHERE entity_type = 'VoterImport'"))
    assert batches * BATCH == written, "voters written without their audit entry, or the reverse"
    assert_consistent(db.session)

    again = run(app, tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert f"already imported {written}" in again.stdout
    fresh(db.session)
    total, keys, numbers = db.session.execute(sa.text(
        "SELECT count(*), count(DISTINCT import_key), count(DISTINCT voter_number) FROM voter")).one()
    rejected = len((tmp_path / "roll.csv.rejects.csv").read_text().splitlines()) - 1 \
        if (tmp_path / "roll.csv.rejects.csv").exists() else 0
    assert total == keys == numbers == VOTERS - rejected
    assert_consistent(db.session)


def test_killed_voter_card_batch_is_seen_as_interrupted_and_prints_again_once(app, db, tmp_path):
    _election(db)
    centre = make_centre(code="VC-01")
    stations = [make_station(centre, code=f"VC-01-{n:02d}") for n in range(1, 4)]
    for n in range(CARDS):
        make_voter(centre, station=stations[n % 3])
    admin = make_user(Role.ADMINISTRATOR)
    db.session.commit()
    job = services.create_job(db.session, admin, registry.get("voter-cards"), {"centre": "VC-01"}, "en")
    db.session.commit()
    job_id = job.id

    def printing(connection):
        state, done = connection.execute(sa.text("SELECT state, done FROM report_job WHERE id = :id"),
                                         {"id": job_id}).one()
        return state == "running" and done > 0

    kill_when(app, tmp_path, ("reports", "run", str(job_id)), printing)

    fresh(db.session)
    killed = db.session.get(ReportJob, job_id)
    assert killed.state == "running" and 0 < killed.done < killed.total
    assert services.fail_interrupted_jobs(db.session) == 0  # its worker beat a moment ago: not yet
    later = utcnow() + services.stale_after() + dt.timedelta(seconds=1)
    assert services.fail_interrupted_jobs(db.session, now=later) == 1
    fresh(db.session)
    assert killed.state == "failed" and killed.error.startswith("interrupted")
    reports = tmp_path / "reports"
    assert not reports.exists() or list(reports.iterdir()) == [], "a half-written PDF was left"
    assert_consistent(db.session)

    again = run(app, tmp_path, "reports", "run", str(job_id))
    assert again.returncode == 0, again.stderr
    fresh(db.session)
    jobs = db.session.scalars(sa.select(ReportJob).order_by(ReportJob.id)).all()
    assert [j.state for j in jobs] == ["failed", "done"]
    assert jobs[1].params == {"centre": "VC-01"} and jobs[1].user_id == admin.id
    (pdf,) = reports.iterdir()
    assert pdf.suffix == ".pdf" and f"reports/{pdf.name}" == jobs[1].file_path
    assert jobs[1].total == CARDS and len(PdfReader(pdf).pages) == CARDS // 10
    assert_consistent(db.session)


def test_job_page_shows_an_interrupted_print_as_failed_and_prints_it_again(app, db, client, login_as):
    centre = make_centre(code="VC-02")
    make_voter(centre, station=make_station(centre, code="VC-02-01"))
    user = login_as(Role.REGISTRATION_SUPERVISOR)
    job = services.create_job(db.session, user, registry.get("voter-cards"), {"centre": "VC-02"}, "en")
    long_ago = utcnow() - services.stale_after() - dt.timedelta(minutes=1)
    job.state, job.done, job.total, job.heartbeat_at = "running", 10, 30, long_ago
    db.session.commit()

    page = client.get(f"/reports/jobs/{job.id}").get_data(as_text=True)
    assert "The report could not be printed" in page and "interrupted" in page
    response = client.post_form(f"/reports/jobs/{job.id}/again")
    assert response.status_code == 302
    fresh(db.session)
    jobs = db.session.scalars(sa.select(ReportJob).order_by(ReportJob.id)).all()
    assert [(j.state, j.params) for j in jobs] == [("failed", {"centre": "VC-02"}), ("done", {"centre": "VC-02"})]
    assert response.headers["Location"].endswith(f"/reports/jobs/{jobs[1].id}")


def test_a_job_still_beating_is_not_taken_for_interrupted(app, db):
    user = make_user(Role.ADMINISTRATOR)
    make_centre(code="VC-03")
    job = services.create_job(db.session, user, registry.get("voter-cards"), {"centre": "VC-03"}, "en")
    job.state, job.heartbeat_at = "running", utcnow() - services.stale_after() + dt.timedelta(seconds=30)
    db.session.commit()
    assert services.fail_interrupted_jobs(db.session) == 0
    fresh(db.session)
    assert db.session.get(ReportJob, job.id).state == "running"

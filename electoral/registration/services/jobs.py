"""Background jobs with their progress kept in a row: the duplicate scan, and imports of a file."""

import logging
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core import stored_files
from electoral.core.audit import Actor, acting_as
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.core.models import utcnow
from electoral.core.tabular import TabularError, read_table
from electoral.extensions import INSTANCE_PATH
from electoral.registration.models import ImportJob, ScanJob
from electoral.registration.services import duplicate_scan, election, import_rows, imports

log = logging.getLogger(__name__)


def start(session: Session, user: User) -> ScanJob:
    """Record a new scan job started by ``user`` (the caller commits, then queues the task)."""
    job = ScanJob(status="queued", started_by=user.username)
    session.add(job)
    session.flush()
    return job


def run_scan(session: Session, job_id: int) -> None:
    """Run the scan; progress and the result are committed as it goes so the page can show them."""
    job = session.get(ScanJob, job_id)
    job.status = "running"
    session.commit()
    # Progress goes through a separate connection so the scan's own transaction stays one.
    engine = session.get_bind()

    # SQLite has one writer at a time: a second connection writing progress while the
    # scan's session holds the database would wait on it, so there the page shows
    # "running" until the end; PostgreSQL shows the count as it goes. Either way the
    # number of voters compared is kept for the end.
    sqlite = engine.dialect.name == "sqlite"
    compared = [0]

    def progress(done: int, total: int) -> None:
        compared[0] = total
        if sqlite:
            return
        with engine.begin() as connection:
            connection.execute(ScanJob.__table__.update().where(ScanJob.id == job_id)
                               .values(done=done, total=total))

    try:
        found = duplicate_scan.scan(session, progress=progress)
    except Exception:
        session.rollback()
        job = session.get(ScanJob, job_id)
        job.status = "failed"
        job.finished_at = utcnow()
        session.commit()
        raise
    job = session.get(ScanJob, job_id)
    job.pairs_found, job.status, job.finished_at = found, "finished", utcnow()
    job.done = job.total = compared[0]
    session.commit()


# ---- imports -------------------------------------------------------------------

PRECHECK_ROWS = 100  # rows read in the request, so an unreadable file is refused at once


def imports_dir() -> Path:
    return INSTANCE_PATH / "imports"


# Uploaded files waiting for their import; read, then deleted, only under a name start_import generated
# (a row naming ../electoral.db would otherwise be imported, then deleted).
IMPORT_FILES = stored_files.register(stored_files.FileStore(
    "voter-imports", root=lambda: INSTANCE_PATH, prefix="imports/",
    pattern=re.compile(r"[0-9a-f]{24}\.(?:csv|xlsx|txt)"), columns=(("voter_import_job", "file_path"),)))


def precheck(data: bytes, filename: str) -> None:
    """Raise TabularError now for a file that cannot be read (type, encoding, header, first rows)."""
    for number, _row in enumerate(read_table(data, filename, import_rows.IMPORT_COLUMNS, import_rows.IMPORT_OPTIONAL)):
        if number >= PRECHECK_ROWS:
            break


def start_import(session: Session, user, data: bytes, filename: str, skip_invalid: bool) -> ImportJob:
    """Keep the uploaded file under the instance folder and record a queued job (the caller commits, then queues)."""
    if election.is_frozen(session):
        raise ValidationFailed(_("The roll is frozen: new voters can no longer be registered."))
    precheck(data, filename)
    folder = imports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(filename).suffix.lower() if Path(filename).suffix.lower() in (".csv", ".xlsx", ".txt") else ".csv"
    name = f"{secrets.token_hex(12)}{suffix}"
    (folder / name).write_bytes(data)
    job = ImportJob(status="queued", filename=Path(filename).name[:200] or "upload.csv",
                    file_path=f"imports/{name}", skip_invalid=skip_invalid, user_id=user.id,
                    started_by=user.username, bad_lines=[])
    session.add(job)
    session.flush()
    return job


def _set(session: Session, job_id: int, **values) -> None:
    session.execute(update(ImportJob).where(ImportJob.id == job_id).values(**values))


def run_import(session: Session, job_id: int) -> ImportJob | None:
    """Import a queued job's file; progress and the result are committed as it goes so its page can show them."""
    job = session.get(ImportJob, job_id)
    if job is None or job.status != "queued":
        return job
    user = session.get(User, job.user_id) if job.user_id else None
    path = IMPORT_FILES.resolve(job.file_path)
    filename, skip_invalid = job.filename, job.skip_invalid
    stage = {"name": ""}

    def progress(name: str, done: int, total: int) -> None:
        values = {"done": done, "total": total}
        if name != stage["name"]:
            stage["name"] = name
            values.update(status=name, stage_started_at=utcnow())
        _set(session, job_id, **values)
        # Both are reported before anything is written, so nothing else is pending; batches
        # commit their own progress, and a bulk load's shows only when the load commits.
        if name in ("checking", "loading"):
            session.commit()

    try:
        if user is None or not user.is_active:
            raise ValidationFailed(_("The account that started this import can no longer import."))
        if path is None:
            raise ValidationFailed(_("The uploaded file is no longer there. Upload it again."))
        with acting_as(Actor(user.id, user.username)):
            summary = imports.import_voters(session, path.read_bytes(), filename, user,
                                            skip_invalid=skip_invalid, progress=progress,
                                            end_batch=session.commit, scan=False)
            _set(session, job_id, status="scanning", done=0, total=0, stage_started_at=utcnow())
            session.commit()
            summary.pairs_queued = imports.queue_duplicates(session, summary)
            session.commit()
    except ImportFailed as failure:
        session.rollback()
        _set(session, job_id, status="refused", finished_at=utcnow(),
             bad_lines=[[e.line, e.message] for e in failure.errors])
    except (TabularError, ValidationFailed) as failure:
        session.rollback()
        _set(session, job_id, status="refused", message=str(failure)[:500], finished_at=utcnow())
    except Exception as failure:  # the page says it failed; the log keeps the trace
        session.rollback()
        log.exception("import job %s failed", job_id)
        _set(session, job_id, status="failed", message=(str(failure) or type(failure).__name__)[:500],
             finished_at=utcnow())
    else:
        _set(session, job_id, status="finished", finished_at=utcnow(), rows=summary.rows, imported=summary.imported,
             already_imported=summary.already_imported, pairs_queued=summary.pairs_queued,
             bad_lines=[[r.line, r.reason] for r in summary.rejected], done=summary.rows, total=summary.rows)
    finally:
        if path is not None:
            path.unlink(missing_ok=True)
    _set(session, job_id, file_path=None)
    session.commit()
    session.expire_all()
    return session.get(ImportJob, job_id)


def may_read_import(user, job: ImportJob) -> bool:
    """A clerk's file holds personal data: its result is for who uploaded it, and supervisors."""
    from electoral.core.auth import Role

    return job.user_id == user.id or Role.REGISTRATION_SUPERVISOR in user.roles


def import_rate(job: ImportJob, now: datetime | None = None) -> float | None:
    """Rows a second in the job's current stage, or None before it has started."""
    if not job.stage_started_at or not job.done:
        return None
    started = job.stage_started_at if job.stage_started_at.tzinfo else job.stage_started_at.replace(tzinfo=UTC)
    end = job.finished_at or now or utcnow()
    end = end if end.tzinfo else end.replace(tzinfo=UTC)
    elapsed = (end - started).total_seconds()
    return job.done / elapsed if elapsed > 0 else None

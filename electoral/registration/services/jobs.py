"""A batch duplicate scan run as a background job, with its progress kept in a row."""

from sqlalchemy.orm import Session

from electoral.core.models import utcnow
from electoral.registration.models import ScanJob
from electoral.registration.services import adjudication


def start(session: Session, username: str) -> ScanJob:
    """Record a new scan job (the caller commits, then queues the task)."""
    job = ScanJob(status="queued", started_by=username)
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

    def progress(done: int, total: int) -> None:
        with engine.begin() as connection:
            connection.execute(ScanJob.__table__.update().where(ScanJob.id == job_id)
                               .values(done=done, total=total))

    # SQLite has one writer at a time: a second connection writing progress while the
    # scan's session holds the database would wait on it, so there the page shows
    # "running" until the end; PostgreSQL shows the count as it goes.
    sqlite = engine.dialect.name == "sqlite"
    try:
        found = adjudication.scan(session, progress=None if sqlite else progress)
    except Exception:
        session.rollback()
        job = session.get(ScanJob, job_id)
        job.status = "failed"
        job.finished_at = utcnow()
        session.commit()
        raise
    job = session.get(ScanJob, job_id)
    job.pairs_found, job.status, job.finished_at = found, "finished", utcnow()
    job.done = job.total
    session.commit()

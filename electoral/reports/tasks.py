"""The Huey task that prints a queued report job (worker: ``huey_consumer electoral.tasks.huey``)."""

from electoral.core.jobs import app_context
from electoral.extensions import db, huey


@huey.task()
def print_job(job_id: int) -> None:
    from electoral.reports.services import run_job

    with app_context():
        run_job(db.session, job_id)

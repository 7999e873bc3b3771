"""The background duplicate scan a supervisor starts from the adjudication page."""

from electoral.core.jobs import app_context
from electoral.extensions import db, huey


@huey.task()
def scan_roll(job_id: int) -> None:
    from electoral.registration.services.jobs import run_scan

    with app_context():
        run_scan(db.session, job_id)

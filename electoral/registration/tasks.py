"""Background work a supervisor or clerk starts from a page: the duplicate scan, imports of a file."""

from electoral.core.jobs import app_context
from electoral.extensions import db, huey


@huey.task()
def scan_roll(job_id: int) -> None:
    from electoral.registration.services.jobs import run_scan

    with app_context():
        run_scan(db.session, job_id)


@huey.task()
def import_file(job_id: int) -> None:
    from electoral.registration.services.jobs import run_import

    with app_context():
        run_import(db.session, job_id)

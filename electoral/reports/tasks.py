"""The Huey task that prints a queued report job.

The worker (``huey_consumer electoral.tasks.huey``) loads this module with every domain's tasks.
"""

from contextlib import nullcontext

from flask import has_app_context

from electoral.extensions import db, huey

_app = None


def _app_context():
    """The running application's context (immediate mode in a request), else the worker's own app."""
    global _app
    if has_app_context():
        return nullcontext()
    if _app is None:
        from electoral import create_app

        _app = create_app()
    return _app.app_context()


@huey.task()
def print_job(job_id: int) -> None:
    from electoral.reports.services import run_job

    with _app_context():
        run_job(db.session, job_id)

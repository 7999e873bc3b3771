"""The background duplicate scan a supervisor starts from the adjudication page."""

from contextlib import nullcontext

from flask import has_app_context

from electoral.extensions import db, huey

_app = None


def _app_context():
    """The request's context in immediate mode (tests), else the worker's own application."""
    global _app
    if has_app_context():
        return nullcontext()
    if _app is None:
        from electoral import create_app

        _app = create_app()
    return _app.app_context()


@huey.task()
def scan_roll(job_id: int) -> None:
    from electoral.registration.services.jobs import run_scan

    with _app_context():
        run_scan(db.session, job_id)

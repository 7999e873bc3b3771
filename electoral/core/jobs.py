"""What every background task needs: an application context to work in."""

from contextlib import nullcontext

from flask import has_app_context

_worker_app = None


def app_context():
    """The caller's context (immediate mode, inside a request), else the worker's own application's."""
    global _worker_app
    if has_app_context():
        return nullcontext()
    if _worker_app is None:
        from electoral import create_app

        _worker_app = create_app()
    return _worker_app.app_context()

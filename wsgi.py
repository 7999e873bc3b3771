"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from electoral import create_app

app = create_app()

"""gunicorn's settings for electoral: ``gunicorn -c python:electoral.gunicorn_conf wsgi:app``.

Options given on the command line (or in GUNICORN_CMD_ARGS) override these.
"""

import os

from gunicorn import glogging

from electoral.core import logmask

# One process per core; each runs threads, so a request waiting on PostgreSQL leaves the core
# to another request instead of idling it.
workers = int(os.environ.get("ELECTORAL_WORKERS", os.cpu_count() or 2))
worker_class = "gthread"
threads = int(os.environ.get("ELECTORAL_THREADS", "8"))
# A worker takes at most this many connections at once. Without a bound the first worker to
# wake accepts every connection of a burst (a proxy's keep-alive pool, phones arriving
# together) and keeps them while the other workers' cores idle; with it the surplus waits
# in the listen queue for the next worker to accept. Slow phones do not hold these: the
# reverse proxy in front buffers each request whole before passing it on.
worker_connections = threads * 2


class MaskingLogger(glogging.Logger):
    """gunicorn's logger, whose access lines mask secret query parameters (an SMS gateway's ?secret=)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "q", "f", "U"):
            if isinstance(atoms.get(key), str):
                atoms[key] = logmask.mask(atoms[key])
        return atoms


logger_class = MaskingLogger

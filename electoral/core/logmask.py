"""Secrets carried in a URL's query string are masked before a log line is written.

SMS gateways that cannot send a header (Africa's Talking, Kannel) carry their shared
secret in the webhook URL (``?secret=...``); an access log would keep it in clear text
for anyone who reads the logs. Every gateway that can send the ``X-SMS-Secret`` header
should; for the others, the development server's log (werkzeug), gunicorn's access log
and the application's own log lines mask these parameters' values.
"""

from __future__ import annotations

import logging
import re

# The query parameters that carry a credential; their values never reach a log.
SECRET_PARAMETERS = ("secret", "key", "token", "api_key", "apikey", "password")
_SECRET = re.compile(r"(?i)((?:^|[?&;])(?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&;\s\"']*")
MASK = "***"


def mask(text: str) -> str:
    """``text`` with every secret query parameter's value replaced by ***."""
    return _SECRET.sub(lambda m: m.group(1) + MASK, text) if "=" in text else text


def _masked(value):
    return mask(value) if isinstance(value, str) else value


class SecretMaskFilter(logging.Filter):
    """A logging filter that masks secret query parameters in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: _masked(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_masked(v) for v in record.args)
        return True


def install(logger_names=("werkzeug", "gunicorn.access", "gunicorn.error", "electoral")) -> None:
    """Mask secrets on the loggers that write request lines (idempotent)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, SecretMaskFilter) for f in logger.filters):
            logger.addFilter(SecretMaskFilter())

"""Settings from the environment, with safe defaults for one laptop."""

import contextlib
import json
import os
import secrets
import tempfile
from pathlib import Path

LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
}
RTL_LANGUAGES = {"ar"}
# When each observation phase's checklists are due (local "HH:MM"); ELECTORAL_OBSERVATION_DEADLINES overrides some.
OBSERVATION_DEADLINES = {"opening": "08:00", "voting": "13:00", "closing": "18:30", "counting": "22:00",
                         "incident": "23:59"}


def _secret_key(instance_path: Path) -> str:
    """The key from SECRET_KEY, or one generated once and kept under instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Written whole to a file of this process's own (0600, so other local users cannot
        # forge sessions), then linked into place: processes starting together (gunicorn or
        # test workers on a fresh instance) all try, the first link wins, and none reads a
        # key half written or finds the file already there and fails.
        fd, own = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):
                os.link(own, key_file)
        finally:
            os.unlink(own)
    return key_file.read_text().strip()


def database_url(instance_path: Path) -> str:
    """DATABASE_URL, normalised to psycopg 3, or SQLite under instance/."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'electoral.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def _json(name: str, default):
    """A JSON setting; a malformed value stops the start with the variable's name rather than failing later."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError as problem:
        raise ValueError(f"{name} is not valid JSON: {problem}") from None


def from_environment(instance_path: Path) -> dict:
    """The configuration a deployed application runs with."""
    redis_url = os.environ.get("REDIS_URL")
    https = os.environ.get("ELECTORAL_HTTPS", "") == "1"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # Connections kept open per process: one for each gunicorn thread (8, see gunicorn_conf)
        # and a few more. With fewer, the surplus threads open and close a connection per request.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": _number("ELECTORAL_DB_POOL_SIZE", 10), "max_overflow": 5},
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("ELECTORAL_TIMEZONE", "UTC"),
        "LANGUAGES": LANGUAGES,
        "RATELIMIT_STORAGE_URI": redis_url or "electoral-memory://",
        "REDIS_URL": redis_url,
        "HUEY_IMMEDIATE": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # ELECTORAL_HTTPS=1 when served over HTTPS: cookies only travel encrypted, and browsers are told to stay on HTTPS.
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "HTTPS": https,
        # Reverse proxies in front of the application (nginx: 1); their X-Forwarded-* headers are trusted.
        "PROXY_COUNT": _number("ELECTORAL_PROXY_COUNT", 0),
        # A session ends after this long without a request, and this long after signing in, whatever happens.
        "SESSION_IDLE_MINUTES": _number("ELECTORAL_SESSION_IDLE_MINUTES", 30),
        "SESSION_MAX_HOURS": _number("ELECTORAL_SESSION_MAX_HOURS", 12),
        # Sign-in throttling (electoral/accounts/throttle.py): after the free failures, each further attempt
        # waits, the wait doubling from the first up to the longest. Never a lock: the wait per account from
        # anywhere, which a stranger can raise, stays short, so the owner always gets in.
        "SIGN_IN_FREE_FAILURES": _number("ELECTORAL_SIGN_IN_FREE_FAILURES", 5),
        "SIGN_IN_FREE_FAILURES_PER_ADDRESS": _number("ELECTORAL_SIGN_IN_FREE_FAILURES_PER_ADDRESS", 20),
        "SIGN_IN_FIRST_WAIT_SECONDS": _number("ELECTORAL_SIGN_IN_FIRST_WAIT_SECONDS", 5),
        "SIGN_IN_MAX_WAIT_SECONDS": _number("ELECTORAL_SIGN_IN_MAX_WAIT_SECONDS", 900),
        "SIGN_IN_MAX_WAIT_SECONDS_PER_ADDRESS": _number("ELECTORAL_SIGN_IN_MAX_WAIT_SECONDS_PER_ADDRESS", 300),
        "SIGN_IN_MAX_WAIT_SECONDS_PER_ACCOUNT": _number("ELECTORAL_SIGN_IN_MAX_WAIT_SECONDS_PER_ACCOUNT", 30),
        "SIGN_IN_FORGET_MINUTES": _number("ELECTORAL_SIGN_IN_FORGET_MINUTES", 60),
        # Requests allowed per API token (per address when no token is given).
        "API_RATE_LIMIT": os.environ.get("ELECTORAL_API_LIMIT", "120 per minute;3000 per hour"),
        # Requests allowed per client address, whatever the token (phones behind one mobile network share one).
        "API_CLIENT_RATE_LIMIT": os.environ.get("ELECTORAL_API_CLIENT_LIMIT", "1200 per minute"),
        # Requests refused for a missing or unknown token allowed per address: guessing tokens stops here.
        "API_BAD_TOKEN_LIMIT": os.environ.get("ELECTORAL_API_BAD_TOKEN_LIMIT", "20 per minute;100 per hour"),
        # The largest request (a whole file upload) accepted; beyond it the translated 413 page.
        "MAX_CONTENT_LENGTH": int(os.environ.get("ELECTORAL_MAX_UPLOAD_MB", "64")) * 1024 * 1024,
        "COMMISSION_NAME": os.environ.get("ELECTORAL_COMMISSION_NAME", "National Electoral Commission"),
        "PAGE_SIZE": 50,
        # Hours a phone's filing time may lie before the server's receipt time before coordinators
        # see it flagged as back-dated (observation/services/timing.py); a time ahead is always flagged.
        "OBSERVATION_CLOCK_GAP_HOURS": float(os.environ.get("ELECTORAL_OBSERVATION_CLOCK_GAP_HOURS", "24")),
        # Seconds between a phone's tries to send what waits in its outbox (an observer's checklists and
        # incidents, a tally sheet's photos) while it says it is online: the "online" event can come before
        # the connection works, and a try can fail.
        "PHONE_OUTBOX_RETRY_SECONDS": float(os.environ.get("ELECTORAL_PHONE_OUTBOX_RETRY_SECONDS", "10")),
        # The largest photo accepted with a checklist (bytes), before it is decoded and stored as JPEG.
        "OBSERVATION_IMAGE_MAX_BYTES": int(os.environ.get("ELECTORAL_OBSERVATION_IMAGE_MAX_BYTES", str(8 * 1024 * 1024))),
        # Kilometres a polling station's GPS point may lie from its centre's (the median of its
        # stations') before a geography import warns about it.
        "STATION_DISTANCE_WARNING_KM": float(os.environ.get("ELECTORAL_STATION_DISTANCE_WARNING_KM", "1")),
        # Seconds between one process's attempts to chain the audit trail at commit; the entries of
        # the commits between wait, sealed, for the next attempt (or the minute sweep).
        "AUDIT_CHAIN_INTERVAL": float(os.environ.get("ELECTORAL_AUDIT_CHAIN_INTERVAL", "1")),
        # Seconds a running report job may go without progress before it counts as interrupted.
        "REPORT_JOB_STALE_AFTER": int(os.environ.get("ELECTORAL_REPORT_JOB_STALE_AFTER", "600")),
        # SMS gateways by name, as JSON (electoral/observation/sms/gateways.py says the fields).
        "SMS_GATEWAYS": _json("ELECTORAL_SMS_GATEWAYS", {}),
        # The country whose local phone numbers (without +) are read, as an ISO 3166 code.
        "SMS_DEFAULT_REGION": os.environ.get("ELECTORAL_SMS_DEFAULT_REGION", "LR"),
        # Where voters' photos are kept.
        "PHOTO_DIR": os.environ.get("ELECTORAL_PHOTO_DIR") or str(instance_path / "photos"),
        # Checklist deadlines per phase shown on the dashboard, as JSON {"opening": "07:30", ...}.
        "OBSERVATION_DEADLINES": {**OBSERVATION_DEADLINES, **_json("ELECTORAL_OBSERVATION_DEADLINES", {})},
        # A PNG or JPEG printed at the head of every report (none by default).
        "REPORT_EMBLEM": os.environ.get("ELECTORAL_REPORT_EMBLEM") or None,
        # The public address the QR codes of badges and certificates open (https://results.example.org);
        # empty: the address of the request that printed them.
        "PUBLIC_URL": os.environ.get("ELECTORAL_PUBLIC_URL", ""),
    }


def testing_config(database_uri: str) -> dict:
    """Overrides for the test suite."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-only-not-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "RATELIMIT_STORAGE_URI": "electoral-memory://",
        "HUEY_IMMEDIATE": True,
        # Every commit chains its entries, so tests read the trail complete; tests/core covers the interval.
        "AUDIT_CHAIN_INTERVAL": 0,
        "WTF_CSRF_ENABLED": True,
        "SERVER_NAME": None,
    }

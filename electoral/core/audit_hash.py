"""What an audit entry's hash and seal cover, and the key that seals: one canonical form of an entry,
shared by the trail that writes entries (core/audit.py) and the walk that checks them (core/audit_verify.py)."""

import datetime as dt
import decimal
import enum
import hashlib
import hmac
import json
from typing import Any

# The hash before the first entry.
GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def iso(moment: dt.datetime) -> str:
    """UTC ISO form, the same whether the database kept the zone (PostgreSQL) or not (SQLite)."""
    moment = moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="microseconds")


_seal_key: bytes | None = None


def configure_seal(secret_key: str) -> None:
    """Derive the key that seals entries from the application's secret (called by create_app)."""
    global _seal_key
    _seal_key = hashlib.sha256(b"electoral audit seal\0" + secret_key.encode()).digest()


def seal(fields: dict[str, Any]) -> str:
    if _seal_key is None:
        raise RuntimeError("the audit trail's seal key is not configured: create the application first")
    return hmac.new(_seal_key, canonical({**fields, "seq": None, "prev_hash": None}), hashlib.sha256).hexdigest()


def entry_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        [
            fields["seq"],
            iso(fields["created_at"]),
            fields["user_id"],
            fields["username"],
            fields["action"],
            fields["entity_type"],
            fields["entity_id"],
            fields["before"],
            fields["after"],
            fields["prev_hash"],
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()

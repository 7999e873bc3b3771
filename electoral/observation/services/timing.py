"""The phone's time against the server's receipt time.

A filing carries the time its phone says it was made (``submitted_at``, an incident's
``occurred_at``); it is kept, because a phone offline for hours files late in good faith.
The server's receipt time is recorded beside it and is what the coordinator's views trust.
A phone time far earlier than receipt (a back-dated filing) or later than it (a clock set
ahead) is flagged on those views, so nobody reads it as when the server heard of it.
"""

import datetime as dt

from flask import current_app, has_app_context

# Phones' clocks drift by minutes: ahead by less than this is not flagged.
AHEAD_SLACK = dt.timedelta(minutes=10)
DEFAULT_GAP_HOURS = 24

# What clock_gap says; the words are observation/labels.py's CLOCK_GAP.
CLOCK_GAPS = ("ahead", "late")


def gap_limit() -> dt.timedelta:
    """How much earlier than receipt a phone's time may be before it is flagged (OBSERVATION_CLOCK_GAP_HOURS)."""
    hours = current_app.config.get("OBSERVATION_CLOCK_GAP_HOURS", DEFAULT_GAP_HOURS) if has_app_context() \
        else DEFAULT_GAP_HOURS
    return dt.timedelta(hours=float(hours))


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite gives the time back without its zone; it was stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def clock_gap(phone_time: dt.datetime | None, received_at: dt.datetime | None,
              limit: dt.timedelta | None = None) -> str | None:
    """'ahead', 'late' or None: how the phone's time stands against the server's receipt time."""
    if phone_time is None or received_at is None:
        return None
    difference = _utc(phone_time) - _utc(received_at)
    if difference > AHEAD_SLACK:
        return "ahead"
    if -difference > (limit if limit is not None else gap_limit()):
        return "late"
    return None

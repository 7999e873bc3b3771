"""In-process storage for Flask-Limiter's counters that sweeps expired counters once a second.

limits' MemoryStorage starts a sweep 10 ms after any hit and walks every counter it
holds. On polling day the JSON API keeps one counter per observer token, so with
thousands of tokens the sweep alone took about a tenth of a worker's CPU. The sweep
only frees memory: ``get`` already treats a counter past its expiry as zero, so a
slower sweep changes no limit, only how long an expired counter's memory lingers.
With ``REDIS_URL`` set the counters live in Redis instead and this class is unused.
"""

import threading

from limits.storage import MemoryStorage


class SweptMemoryStorage(MemoryStorage):
    """``electoral-memory://``: limits' memory storage, expired counters swept every ``SWEEP_SECONDS``."""

    STORAGE_SCHEME = ["electoral-memory"]  # noqa: RUF012 (limits' registry reads the class attribute)
    SWEEP_SECONDS = 1.0

    # MemoryStorage schedules its sweep through this private (name-mangled) method;
    # tests/core/test_ratelimit.py fails if a new limits release stops calling it.
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 (the parent's mangled name)
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_SECONDS, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()

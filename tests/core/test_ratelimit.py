"""The in-process rate-limit storage: limits unchanged, expired counters swept on a slower clock."""

import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from electoral.core.ratelimit import SweptMemoryStorage


class FastSweep(SweptMemoryStorage):
    STORAGE_SCHEME = ["electoral-memory-test"]  # noqa: RUF012
    SWEEP_SECONDS = 0.05


def test_the_scheme_names_the_storage_and_the_app_uses_it(app):
    assert isinstance(storage_from_string("electoral-memory://"), SweptMemoryStorage)
    assert app.config["RATELIMIT_STORAGE_URI"] == "electoral-memory://"


def test_a_hit_schedules_the_sweep_a_second_away_not_ten_milliseconds():
    storage = SweptMemoryStorage()
    storage.timer.join()  # the constructor's own first sweep
    storage.incr("token", expiry=60)
    assert storage.timer.interval == SweptMemoryStorage.SWEEP_SECONDS
    storage.timer.cancel()


def test_a_limit_still_blocks_and_frees_on_time_between_sweeps():
    storage = SweptMemoryStorage()
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("2 per second")
    assert limiter.hit(limit, "token") and limiter.hit(limit, "token")
    assert not limiter.hit(limit, "token")
    time.sleep(1.05)  # the window has passed; the counter may not have been swept yet
    assert limiter.hit(limit, "token")


def test_the_sweep_frees_expired_counters():
    storage = FastSweep()
    storage.timer.join()  # the constructor's own first sweep; the hit then schedules the next
    storage.incr("token", expiry=0.01)
    assert "token" in storage.storage
    deadline = time.monotonic() + 2
    while "token" in storage.storage and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "token" not in storage.storage and "token" not in storage.expirations

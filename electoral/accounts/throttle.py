"""Sign-in throttling: growing waits after failed sign-ins, never a lock.

Three counters, because each stops a different attacker and none may keep the owner out:

- per account *from one address*: whoever keeps guessing one account waits longer and
  longer (up to ``max_seconds`` of the ``pair`` policy, a quarter of an hour);
- per *address*: one address trying many accounts waits too (a higher free count, since
  a registration office shares one address);
- per *account*, from anywhere: guesses spread over many addresses are slowed, but this
  wait is capped low (half a minute), because a stranger can raise it. The owner typing
  the right password from an address that has not been failing waits at most that long.

Before a password is checked, the attempt is admitted (or answered with the wait) and
counted as a failure in one short transaction; a right password then takes the count
back. So a burst of simultaneous guesses is counted one by one, and the slow password
check holds no lock. Known and unknown usernames are counted alike: the answers say
nothing about which accounts exist.
"""

import dataclasses
import datetime as dt
import hashlib

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from electoral.accounts.models import SignInThrottle


@dataclasses.dataclass(frozen=True)
class Policy:
    """Failures allowed without a wait, the first wait, and the longest (each further failure doubles it)."""

    free_failures: int
    first_wait_seconds: float
    max_wait_seconds: float

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after the last of ``failures`` failures before the next attempt."""
        if failures < self.free_failures:
            return 0.0
        doublings = min(failures - self.free_failures, 40)  # 2**40 seconds is past any cap
        return min(self.max_wait_seconds, self.first_wait_seconds * 2 ** doublings)


@dataclasses.dataclass(frozen=True)
class Policies:
    pair: Policy
    client: Policy
    account: Policy
    # A counter quiet for this long starts again from zero.
    forget_after: dt.timedelta

    @classmethod
    def from_config(cls, config) -> "Policies":
        first = float(config["SIGN_IN_FIRST_WAIT_SECONDS"])
        return cls(
            pair=Policy(config["SIGN_IN_FREE_FAILURES"], first, float(config["SIGN_IN_MAX_WAIT_SECONDS"])),
            client=Policy(config["SIGN_IN_FREE_FAILURES_PER_ADDRESS"], first,
                          float(config["SIGN_IN_MAX_WAIT_SECONDS_PER_ADDRESS"])),
            account=Policy(config["SIGN_IN_FREE_FAILURES"], first,
                           float(config["SIGN_IN_MAX_WAIT_SECONDS_PER_ACCOUNT"])),
            forget_after=dt.timedelta(minutes=config["SIGN_IN_FORGET_MINUTES"]),
        )


@dataclasses.dataclass
class Admission:
    """An attempt let through: what to take back if the password proves right."""

    keys: dict[str, str]
    client_before: tuple[int, dt.datetime | None]


class Throttled(Exception):
    """The attempt must wait ``seconds`` more."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def keys_for(username: str, address: str) -> dict[str, str]:
    """The three counters' keys for an attempt on ``username`` (already normalised) from ``address``."""
    return {"pair": _digest("pair", username, address), "client": _digest("client", address),
            "account": _digest("account", username)}


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back the stored UTC moment without its zone.
    return moment.replace(tzinfo=dt.UTC) if moment is not None and moment.tzinfo is None else moment


def _insert_missing(session: Session, keys: list[str]) -> None:
    """Create the counters not there yet, without a race (and, on SQLite, take the write lock first).

    In sorted order, so two attempts sharing keys (one address, or one account) never deadlock.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(SignInThrottle).values([{"key": key, "failures": 0} for key in sorted(keys)])
                    .on_conflict_do_nothing(index_elements=["key"]))


def admit(session: Session, username: str, address: str, policies: Policies, now: dt.datetime) -> Admission:
    """Let the attempt through, counted as a failure until ``forgive``, or raise Throttled with the wait.

    The caller commits at once, before checking the password.
    """
    keys = keys_for(username, address)
    _insert_missing(session, list(keys.values()))
    rows = {row.key: row for row in session.scalars(
        select(SignInThrottle).where(SignInThrottle.key.in_(keys.values())).with_for_update())}
    wait = 0.0
    for kind, key in keys.items():
        row = rows[key]
        last = _aware(row.last_failed_at)
        if last is None or now - last > policies.forget_after:
            row.failures, row.last_failed_at = 0, None
            continue
        ready_at = last + dt.timedelta(seconds=getattr(policies, kind).wait_after(row.failures))
        wait = max(wait, (ready_at - now).total_seconds())
    if wait > 0:
        raise Throttled(wait)
    client = rows[keys["client"]]
    admission = Admission(keys, (client.failures, client.last_failed_at))
    for row in rows.values():
        row.failures += 1
        row.last_failed_at = now
    # Counters long quiet are forgotten; deleting them here keeps the table as small as the attacks.
    session.execute(delete(SignInThrottle).where(SignInThrottle.last_failed_at < now - policies.forget_after))
    return admission


def forgive(session: Session, admission: Admission) -> None:
    """The password was right: clear the account's counters, and take this attempt back from the address's."""
    session.execute(delete(SignInThrottle).where(
        SignInThrottle.key.in_([admission.keys["pair"], admission.keys["account"]])))
    client = session.get(SignInThrottle, admission.keys["client"])
    if client is not None:
        client.failures, client.last_failed_at = admission.client_before
        if client.failures <= 0:
            session.delete(client)


def recent_failures(session: Session, username: str) -> int:
    """Failed sign-ins counted against the account lately, from anywhere (for the administrator's page)."""
    row = session.get(SignInThrottle, keys_for(username, "")["account"])
    return row.failures if row is not None else 0

"""Shared set-up of the registration benchmarks: a fresh database with geography and settings."""

import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scratch import scratch_folder  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from electoral import create_app  # noqa: E402
from electoral.config import testing_config  # noqa: E402
from electoral.extensions import db  # noqa: E402
from electoral.geography.models import District, PollingCentre, PollingStation, Region  # noqa: E402

POLLING_DAY = date(2026, 10, 10)


def make_app(database_url: str | None = None):
    """The application on ``database_url`` (default: a new SQLite file), tables created, geography loaded."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL") or \
        f"sqlite:///{scratch_folder('electoral-bench-')}/bench.db"
    app = create_app({**testing_config(url), "TESTING": False})
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def load_geography(centres: int = 1000, stations_per_centre: int = 3) -> list[str]:
    """Regions, districts, ``centres`` polling centres with their stations; returns the centre codes."""
    session = db.session
    session.execute(insert(Region), [{"id": r, "code": f"R{r:02d}", "name": f"Region {r}"} for r in range(1, 11)])
    session.execute(insert(District), [{"id": d, "code": f"D{d:03d}", "name": f"District {d}",
                                        "region_id": 1 + (d - 1) // 10} for d in range(1, 101)])
    session.execute(insert(PollingCentre), [{"id": c, "code": f"C{c:05d}", "name": f"Centre {c}",
                                             "district_id": 1 + (c - 1) % 100} for c in range(1, centres + 1)])
    session.execute(insert(PollingStation), [
        {"code": f"C{c:05d}-{s}", "name": f"Station {s}", "centre_id": c, "capacity": 600}
        for c in range(1, centres + 1) for s in range(1, stations_per_centre + 1)])
    from electoral.registration.services import election

    election.configure(session, "Benchmark election", POLLING_DAY, 18)
    session.commit()
    return [f"C{c:05d}" for c in range(1, centres + 1)]


def bench_clerk():
    """The registration clerk the benchmarks register and import as: ``bench``, national scope (made the first time)."""
    from sqlalchemy import select

    from electoral.accounts.models import User
    from electoral.accounts.services import create_user
    from electoral.core.auth import Role

    clerk = db.session.scalar(select(User).where(User.username == "bench"))
    if clerk is None:
        clerk = create_user(db.session, "bench", "bench registration password 2026", [Role.REGISTRATION_CLERK])
        db.session.commit()
    return clerk


def peak_memory_mib(children: bool = False) -> float:
    """Peak resident memory of this process (or of the largest of its finished child processes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> tuple[float, float]:
    """CPU time (user and system) used so far by this process, and by its finished child processes."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime

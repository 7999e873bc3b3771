"""How fast this machine runs Python at the moment, printed before and after a benchmark's figures.

Machines of one kind differ, and a shared one's speed changes from minute to minute (seen
on one machine: the same loop took 0.83 s, then 1.5 s ten minutes later, with nothing else
of ours running). A tight loop alone misleads: on one machine it ran at full speed while
the application's requests, which touch far more memory, ran three times slower than on
another. So two figures: the loop, and ORM work like a request's (objects saved through a
session and read back, on SQLite in memory). A figure is comparable with one taken
elsewhere only beside these.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


def python_seconds(additions: int = 2_000_000, runs: int = 3) -> float:
    """Seconds for ten million additions in a plain Python loop, from the best of ``runs`` shorter runs."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        total = 0
        for number in range(additions):
            total += number
        best = min(best, time.perf_counter() - started)
    return best * 10_000_000 / additions


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "row"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    answers: Mapped[dict] = mapped_column(sa.JSON)


def orm_seconds(rows: int = 2_000, runs: int = 3) -> float:
    """Seconds to save ``rows`` objects one commit each and read each back by key (best of ``runs``)."""
    best = float("inf")
    for _ in range(runs):
        engine = sa.create_engine("sqlite://")
        _Base.metadata.create_all(engine)
        started = time.perf_counter()
        with Session(engine) as session:
            for number in range(rows):
                session.add(_Row(name=f"observer {number}", answers={"Q1": "yes", "Q4": number}))
                session.commit()
            for number in range(1, rows + 1):
                session.scalars(sa.select(_Row).where(_Row.id == number)).one()
        best = min(best, time.perf_counter() - started)
        engine.dispose()
    return best


def speed_line(when: str) -> str:
    return (f"machine speed {when}: 10 million Python additions in {python_seconds():.2f} s; "
            f"2,000 ORM rows saved and read back in {orm_seconds():.2f} s (lower is faster)")


@contextmanager
def speed_reported() -> Iterator[None]:
    """Print the machine's speed before and after the benchmark in the block."""
    print(speed_line("before"), flush=True)
    try:
        yield
    finally:
        print(speed_line("after"), flush=True)

"""A lean HTTP/1.1 load generator for the benchmarks: asyncio streams, keep-alive, pre-encoded requests.

The generator shares the machine's cores with the application and PostgreSQL, so it
does as little as it can per request: every request is encoded before the clock
starts, each connection sends one at a time and reads the answer by its
Content-Length. A connection the server closes (gunicorn's sync worker closes each
one, a gthread worker closes idle ones) is opened again; a request whose answer never
came is sent again, as a phone or a gateway would, which is what the idempotency the
benchmarks count back must absorb.
"""

import asyncio
import dataclasses
import time


def post(path: str, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> bytes:
    """One POST request, encoded once."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}",
             f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclasses.dataclass
class Result:
    status: int | str
    body: bytes
    seconds: float


@dataclasses.dataclass
class Run:
    results: list  # one Result per job, in the jobs' order
    wall: float
    resent: int  # requests sent again after the connection dropped before the answer


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            close = True
    body = await reader.readexactly(length) if length else b""
    return status, body, close


async def _run(port: int, requests: list[bytes], concurrency: int, timeout: float) -> Run:
    results: list[Result | None] = [None] * len(requests)
    queue = iter(range(len(requests)))
    resent = 0

    async def connection():
        nonlocal resent
        reader = writer = None
        for index in queue:
            for attempt in range(5):
                start = time.perf_counter()
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.write(requests[index])
                    status, body, close = await asyncio.wait_for(_read_response(reader), timeout)
                except (TimeoutError, OSError, asyncio.IncompleteReadError) as failure:
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    if attempt == 4:
                        results[index] = Result(f"error {type(failure).__name__}", b"",
                                                time.perf_counter() - start)
                        break
                    resent += 1
                    continue
                results[index] = Result(status, body, time.perf_counter() - start)
                if close:
                    writer.close()
                    reader = writer = None
                break
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return Run(results, time.perf_counter() - started, resent)


def run(port: int, requests: list[bytes], concurrency: int, timeout: float = 30.0) -> Run:
    """Send every request once (again only if its answer was lost) over ``concurrency`` connections."""
    return asyncio.run(_run(port, requests, concurrency, timeout))


def percentile(seconds: list[float], share: float) -> float:
    ordered = sorted(seconds)
    return ordered[max(0, int(len(ordered) * share + 0.5) - 1)]

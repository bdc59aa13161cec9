"""A small bounded HTTP load generator on asyncio streams, for loopback targets only.

It behaves like the pretix harness's loadgen.py (../shared/bench/pretix/): every request is a
new connection with `Connection: close` and no cookies, a fixed number of requests in flight,
nearest-rank percentiles over completed requests. Plain asyncio keeps the client's own CPU
cost low, which matters on a two-core machine where client and server share the cores.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_REQUESTS = 100_000
MAX_SECONDS = 120.0


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    client_errors: Counter = field(default_factory=Counter)
    bodies: list[tuple[int, bytes]] = field(default_factory=list)
    wall: float = 0.0

    @property
    def completed(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.completed / self.wall if self.wall else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]

    def summary(self) -> dict:
        return {
            "completed": self.completed,
            "client_errors": dict(self.client_errors),
            "status": {str(k): v for k, v in sorted(self.statuses.items())},
            "wall_s": round(self.wall, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "max_ms": round(max(self.latencies) * 1000, 1) if self.latencies else None,
        }


def _check_loopback(host: str) -> None:
    for info in socket.getaddrinfo(host, None):
        if not ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback:
            raise SystemExit(f"loadgen: refusing non-loopback target {host}")


async def _one(host: str, port: int, raw: bytes, timeout: float) -> tuple[int, bytes]:
    async def go() -> tuple[int, bytes]:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(raw)
            await writer.drain()
            data = await reader.read()
        finally:
            writer.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body

    return await asyncio.wait_for(go(), timeout)


def _request(method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    lines = [f"{method} {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close", "User-Agent: roundtable-bench"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


async def _run(
    url: str,
    *,
    method: str,
    concurrency: int,
    requests: int,
    seconds: float,
    body_for,
    headers: dict[str, str],
    timeout: float,
    keep_bodies: bool,
    first_index: int = 0,
) -> Result:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    result = Result()
    counter = {"next": first_index}
    end = first_index + requests if requests else None
    start = time.perf_counter()
    deadline = start + seconds if seconds else None

    async def worker() -> None:
        while True:
            if deadline is not None and time.perf_counter() >= deadline:
                return
            i = counter["next"]
            if end is not None and i >= end:
                return
            counter["next"] = i + 1
            body = body_for(i) if body_for else None
            raw = _request(method, url, body, headers)
            t0 = time.perf_counter()
            try:
                status, response_body = await _one(host, port, raw, timeout)
            except Exception as exc:  # noqa: BLE001 - every client-side failure is counted
                result.client_errors[type(exc).__name__] += 1
                continue
            result.latencies.append(time.perf_counter() - t0)
            result.statuses[status] += 1
            if keep_bodies:
                result.bodies.append((status, response_body))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.wall = time.perf_counter() - start
    return result


def run(
    url: str,
    *,
    method: str = "GET",
    concurrency: int = 16,
    requests: int = 0,
    seconds: float = 0,
    warmup: float = 0,
    json_body=None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
    keep_bodies: bool = False,
) -> Result:
    """Run a bounded load: `requests` in total and/or for `seconds`, after an uncounted warm-up.
    `json_body(i)` makes the i-th request's JSON body (so each sign-up can have its own email)."""
    if not requests and not seconds:
        raise ValueError("a run needs requests and/or seconds")
    if requests > MAX_REQUESTS or seconds > MAX_SECONDS or warmup > MAX_SECONDS:
        raise ValueError("outside the load generator's bounds")
    _check_loopback(urlsplit(url).hostname or "")
    headers = dict(headers or {})
    body_for = None
    if json_body is not None:
        headers.setdefault("Content-Type", "application/json")
        body_for = lambda i: json.dumps(json_body(i)).encode()  # noqa: E731
    common = {"method": method, "concurrency": concurrency, "body_for": body_for, "headers": headers}
    if warmup:
        asyncio.run(_run(url, requests=0, seconds=warmup, timeout=timeout, keep_bodies=False, **common))
    return asyncio.run(
        _run(url, requests=requests, seconds=seconds, timeout=timeout, keep_bodies=keep_bodies, **common)
    )

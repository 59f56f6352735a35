"""A bounded load test of a running ``policykg serve`` (loopback only; it stops by itself).

Two phases against one server, each ``seconds`` long:

- *calm*: ``clients`` clients send a mix of named queries, bounded lookups (``/sparql``),
  resource pages (``/id/…``), network views (``/network``, ``/network/stats``,
  ``/timeline.json``) and exports (``/dumps/…``, ``/store?default``, GraphML);
- *storm*: a quarter of the clients send a query that runs into the time limit, over and
  over, while the rest send the same mix.

Every answer of the mix must be a 2xx (an error is any other status or a transport
error); the storm's queries must answer 503 (time limit). It prints one JSON object with
the counts and the latency percentiles of the mix in each phase (``p99_ratio`` is storm
over calm). Run it as ``python -m tests.security.loadtest URL [--clients 32] [--seconds 60]``
(``tests/security/test_load.py`` starts a server and runs it for CI).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = ["SLOW_QUERY", "Phase", "mix", "run"]

#: A query that needs far longer than any time limit (a cross product of four scans).
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
_QJSON = {"Accept": "application/sparql-results+json"}


@dataclass
class Phase:
    """What one phase saw."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    slow_statuses: dict[int, int] = field(default_factory=dict)
    #: GETs sent again because the server had closed their idle keep-alive connection
    #: as they were sent (see :func:`_get`).
    retried: int = 0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float | None:
            if not ordered:
                return None
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

        return {
            "requests": len(ordered),
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            # each error's status, or the exception's name for a failed connection
            "error_statuses": dict(Counter(e.rsplit(": ", 1)[-1] for e in self.errors)),
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1) if ordered else None,
            "by_kind": dict(sorted(self.by_kind.items())),
            "slow_statuses": {str(k): v for k, v in sorted(self.slow_statuses.items())},
            "retried": self.retried,
        }


async def mix(client: httpx.AsyncClient) -> list[tuple[str, str, dict[str, str]]]:
    """The requests of the mix, found from the server itself: (kind, path, params)."""
    found: list[tuple[str, str, dict[str, str]]] = []
    listed = (await client.get("/queries")).json()["queries"]
    for query in listed:
        if all(p["default"] is not None for p in query["params"]):
            found.append(("named query", query["url"], {"format": "json"}))
    query = "SELECT DISTINCT ?s { ?s ?p ?o FILTER(CONTAINS(STR(?s), '/id/')) } ORDER BY ?s LIMIT 12"
    for _ in range(20):  # the server may still be busy from a phase before
        ids = await client.get("/sparql", params={"query": query}, headers=_QJSON)
        if ids.status_code == 200:
            break
        await asyncio.sleep(1)
    ids.raise_for_status()
    for row in ids.json()["results"]["bindings"]:
        iri = row["s"]["value"]
        path = "/id/" + iri.split("/id/", 1)[1]
        found.append(("resource page", path, {}))
        lookup = f"SELECT ?p ?o {{ <{iri}> ?p ?o }} LIMIT 50"
        found.append(("lookup", "/sparql", {"query": lookup, "format": "json"}))
    found += [
        ("network", "/network", {}),
        ("network", "/network/stats", {}),
        ("network", "/timeline.json", {}),
        ("export", "/network", {"format": "graphml"}),
        ("export", "/store", {"default": "", "format": "ntriples"}),
    ]
    dumps = await client.get("/dumps/", headers={"Accept": "application/json"})
    if dumps.status_code == 200:
        files = sorted(dumps.json()["files"], key=lambda f: f["size"])
        found += [("export", f["url"], {}) for f in files[:2]]
    return found


async def _mix_client(
    client: httpx.AsyncClient, requests: list[tuple[str, str, dict[str, str]]], phase: Phase,
    until: float, rng: random.Random,
) -> None:  # fmt: skip
    while time.monotonic() < until:
        kind, path, params = rng.choice(requests)
        started = time.monotonic()
        try:
            response = await _get(client, path, params, phase)
        except httpx.HTTPError as exc:
            phase.errors.append(f"{kind} {path}: {type(exc).__name__}")
            continue
        phase.latencies.append(time.monotonic() - started)
        phase.by_kind[kind] = phase.by_kind.get(kind, 0) + 1
        if not 200 <= response.status_code < 300:
            phase.errors.append(f"{kind} {path} {params}: {response.status_code}")


async def _get(
    client: httpx.AsyncClient, path: str, params: dict[str, str], phase: Phase
) -> httpx.Response:
    """GET, sent once more if the connection failed before its answer was read: a server
    may close an idle keep-alive connection just as a request goes out on it, and clients
    retry idempotent requests then (RFC 9112, 9.3.1); httpx does not. Counted in
    ``retried``; a second failure is an error."""
    try:
        response = await client.get(path, params=params)
    except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
        phase.retried += 1
        response = await client.get(path, params=params)
    await response.aread()
    return response


async def _slow_client(client: httpx.AsyncClient, phase: Phase, until: float) -> None:
    while time.monotonic() < until:
        try:
            response = await client.get("/sparql", params={"query": SLOW_QUERY}, headers=_QJSON)
        except httpx.HTTPError as exc:
            phase.errors.append(f"slow query: {type(exc).__name__}")
            continue
        phase.slow_statuses[response.status_code] = (
            phase.slow_statuses.get(response.status_code, 0) + 1
        )


async def _phase(
    url: str, name: str, clients: int, seconds: float, slow: int, seed: int,
    requests: list[tuple[str, str, dict[str, str]]],
) -> Phase:  # fmt: skip
    phase = Phase(name)
    limits = httpx.Limits(max_connections=clients + 4)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        until = time.monotonic() + seconds
        tasks = [
            _mix_client(client, requests, phase, until, random.Random(seed + i))
            for i in range(clients - slow)
        ]
        tasks += [_slow_client(client, phase, until) for _ in range(slow)]
        await asyncio.gather(*tasks)
    return phase


async def run(url: str, clients: int = 32, seconds: float = 60, seed: int = 1) -> dict[str, Any]:
    """Both phases; the summary (see the module docstring)."""
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"loadtest: loopback only, not {host}")
    storm_size = clients // 4
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        requests = await mix(client)
    calm = await _phase(url, "calm", clients, seconds, 0, seed, requests)
    storm = await _phase(url, "storm", clients, seconds, storm_size, seed, requests)
    calm_p99, storm_p99 = calm.summary()["p99_ms"], storm.summary()["p99_ms"]
    return {
        "url": url,
        "clients": clients,
        "seconds": seconds,
        "calm": calm.summary(),
        "storm": storm.summary(),
        "p99_ratio": round(storm_p99 / calm_p99, 2) if calm_p99 and storm_p99 else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.url, args.clients, args.seconds, args.seed))
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

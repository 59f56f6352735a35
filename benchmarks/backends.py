"""Costs per backend: the API over its embedded store, over Oxigraph server and over Virtuoso 7.

One run per size, on a build made beforehand (``dist/``: the store and ``policykg.nq``)::

    python benchmarks/backends.py --dist /work/bench/costs2/run/10k/dist --label 10k
    python benchmarks/backends.py --dist …/100k/dist --label 100k --backends embedded,oxigraph

1. The build is copied into ``--work`` (nothing is written where it was made).
2. Stores, started by :mod:`policykg.remote.launch` on loopback: ``oxigraph serve-read-only
   --union-default-graph`` on the copied store (it is an Oxigraph store: nothing to load),
   and a new Virtuoso 7 database loaded graph by graph through the Graph Store Protocol
   (``load_s``). The seconds to the store's first answer are recorded.
3. The API, all at once: ``policykg serve --store DIST`` (``embedded``) and ``policykg serve
   --store sparql+http://…`` over each store: seconds to the first answer and until warmed
   up (policykg's in-memory copies in service), the resident memory of the API's process tree
   and of the store's.
4. Every named query, ``GET /queries/{name}`` with its default parameters, sequential (a
   warm-up, then up to ``--max-requests`` within ``--seconds``; the median), each query on
   every backend in turn so that the shared machine's load hits them alike; beside it, the
   raw store's latency for the text the API sends it (prologue and bound values written in;
   on Virtuoso with the dataset the API names and its rewrites), as a POST to the store.
   Search queries have no raw figure (their hits come from the API's search index), and
   the remote backends answer them 501 (no index beside a remote store).

Writes ``backends/backends-<label>.json`` and prints the Markdown tables of the README's
"Backends" section.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import re
import shutil
import signal
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import pyoxigraph as ox
from machine import loadavg, machine_info
from measure import Budget, Endpoint, Query, measure_sequential, process_tree_rss_kib
from systems import BIN, ROOT, Server, SystemSpec, free_port, policykg_health

from policykg.backend_text import remote_text
from policykg.namespaces import all_prefixes
from policykg.remote import RemoteStore, launch, virtuoso
from policykg.remote.launch import RemoteServer
from policykg.settings import Settings
from policykg.sparql.queries import NamedQuery, QueryLibrary

__all__ = ["BACKENDS", "graphs_of", "main", "markdown", "result_kind"]

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "backends"
BACKENDS = ("embedded", "oxigraph", "virtuoso")
JSON = "application/sparql-results+json"
#: Virtuoso sends back each graph of a request's dataset as a response header
#: (``X-SPARQL-default-graph``, ``X-SPARQL-named-graph``): two per graph, past
#: ``http.client``'s cap of 100 headers from 50 graphs on.
http.client._MAXHEADERS = 1_000_000  # type: ignore[attr-defined]
NTRIPLES = "application/n-triples"
#: Virtuoso's own timeout parameter, in ms, as the API sends it with each query.
VIRTUOSO_TIMEOUT_MS = "30000"

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_SKIP = re.compile(r"#[^\n]*|<[^<>\s]*>|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")


def result_kind(sparql: str) -> str:
    """``solutions``, ``boolean`` or ``graph``: the query form, after the prologue.

    >>> result_kind("PREFIX s: <http://e/construct/> # ASK\\nSELECT ?x { ?x ?p 'ask' }")
    'solutions'
    >>> result_kind("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), result_kind("ask {}")
    ('graph', 'boolean')
    """
    found = _FORM.search(_SKIP.sub(" ", sparql))
    form = found[1].upper() if found else "SELECT"
    return {"ASK": "boolean", "CONSTRUCT": "graph", "DESCRIBE": "graph"}.get(form, "solutions")


def graphs_of(nquads: Path) -> Iterator[tuple[str, list[ox.Triple]]]:
    """Each run of quads of one named graph in an N-Quads file, in file order (a graph
    may come back when the file is not grouped by graph).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "d.nq"
    ...     quad = "<http://e/s> <http://e/p> <http://e/{}> <http://e/{}> .\\n"
    ...     _ = path.write_text(quad.format(1, "g1") + quad.format(2, "g1") + quad.format(1, "g2"))
    ...     [(g, len(t)) for g, t in graphs_of(path)]
    [('http://e/g1', 2), ('http://e/g2', 1)]
    """
    quads = ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    for graph, run in itertools.groupby(quads, key=lambda quad: quad.graph_name):
        if not isinstance(graph, ox.NamedNode):
            raise ValueError(f"{nquads}: a quad in the default graph; a build has none")
        yield graph.value, [ox.Triple(q.subject, q.predicate, q.object) for q in run]


@dataclass
class Backend:
    """The API over one store: its server, and the store's server when it is remote."""

    name: str
    api: Server
    store: RemoteServer | None = None
    graphs: list[str] = field(default_factory=list)  # Virtuoso: the dataset the API names
    others: list[str] = field(default_factory=list)  # Virtuoso: its own (system) graphs
    figures: dict[str, Any] = field(default_factory=dict)

    def memory(self) -> dict[str, float]:
        """Resident MiB of the API's process tree and of the store's."""
        api = process_tree_rss_kib(self.api.proc.pid) / 1024
        store = process_tree_rss_kib(self.store.process.pid) / 1024 if self.store else 0.0
        return {"api_mib": round(api, 1), "store_mib": round(store, 1)}

    def raw_endpoint(self) -> Endpoint | None:
        if self.store is None:
            return None
        parts = urllib.parse.urlsplit(self.store.query_url)
        assert parts.port is not None
        return Endpoint(self.name + "-raw", parts.port, parts.path)


def _api_spec(name: str, store: str) -> SystemSpec:
    """``policykg serve`` over ``store``: the embedded store is ready when it answers an
    ``ASK`` and has warmed up; a remote one when the app is up (it checked the store while
    starting), whether or not its queries succeed (see the Virtuoso note in the README)."""
    return SystemSpec(
        name,
        f"policykg serve ({name})",
        "/sparql",
        lambda _nq, _store, port: [
            str(BIN / "policykg"), "serve", "--store", store,
            "--host", "127.0.0.1", "--port", str(port),
        ],
        _warmed if name == "embedded" else None,
        None if name == "embedded" else "/queries",
    )  # fmt: skip


def _warmed(port: int) -> bool:
    """policykg: its in-memory copies in service and its lookup copy loaded (embedded);
    at once over a remote store."""
    health = policykg_health(port, timeout=30)
    return not health.get("copying", False) and health.get("inline") != "loading"


def _copy_dist(dist: Path, work: Path) -> Path:
    """``dist``'s store and ``policykg.nq`` copied into ``work/dist`` (symlinks kept)."""
    copy = work / "dist"
    if copy.exists():
        shutil.rmtree(copy)
    copy.mkdir(parents=True)
    store = (dist / "store").resolve()
    for part in store.parent.glob(store.name + "*"):  # the store and its search index
        shutil.copytree(part, copy / "stores" / part.name)
    (copy / "store").symlink_to(Path("stores") / store.name)
    shutil.copy2(dist / "policykg.nq", copy / "policykg.nq")
    return copy


def _load_virtuoso(server: RemoteServer, nquads: Path) -> tuple[float, list[str]]:
    """Every named graph of the build posted to Virtuoso (Graph Store Protocol, as ``dba``);
    the seconds it took and the graphs."""
    started = time.perf_counter()
    graphs: set[str] = set()
    with RemoteStore(server.endpoint(timeout=600)) as client:
        for graph, triples in graphs_of(nquads):
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            client.post_graph(graph, data)
            graphs.add(graph)
    return time.perf_counter() - started, sorted(graphs)


def _store_graphs(server: RemoteServer) -> list[str]:
    """Every graph the store holds (Virtuoso: its own system graphs too)."""
    with RemoteStore(server.endpoint(timeout=600)) as client:
        body = client.query(
            "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", accept=JSON
        ).body
    return [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]


def _start_api(stack: contextlib.ExitStack[bool | None], name: str, store: str, logs: Path,
               ready_timeout: float) -> Server:  # fmt: skip
    spec = _api_spec(name, store)
    port = free_port()
    server = Server(spec, spec.argv(Path(), Path(), port), port, logs / f"api-{name}.log")
    stack.callback(server.stop)
    server.wait_ready(ready_timeout)
    return server


def _start(
    stack: contextlib.ExitStack[bool | None], names: list[str], dist: Path, work: Path,
    args: argparse.Namespace,
) -> list[Backend]:  # fmt: skip
    """The stores first (Virtuoso loaded), then every API process."""
    stores: dict[str, tuple[RemoteServer, float | None, list[str]]] = {}
    if "oxigraph" in names:
        folder = work / "oxigraph"
        folder.mkdir(exist_ok=True)
        ox_server = stack.enter_context(
            launch.oxigraph_server(
                str(BIN / "oxigraph"), folder, location=(dist / "store").resolve(),
                read_only=True, union_default_graph=True, timeout_s=int(args.timeout),
            )
        )  # fmt: skip
        stores["oxigraph"] = (ox_server, None, [])
        print(f"   oxigraph serve-read-only answers after {ox_server.ready_s:.1f} s", flush=True)
    if "virtuoso" in names:
        folder = work / "virtuoso"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        binary = shutil.which("virtuoso-t")
        if binary is None:
            raise SystemExit("virtuoso-t not found: run scripts/install-debian")
        vt = stack.enter_context(
            launch.virtuoso_server(binary, folder, buffers=args.virtuoso_buffers)
        )
        print(f"   Virtuoso answers after {vt.ready_s:.1f} s; loading …", flush=True)
        loading, loaded = _load_virtuoso(vt, dist / "policykg.nq")
        stores["virtuoso"] = (vt, loading, loaded)
        system = sorted(set(_store_graphs(vt)) - set(loaded))
        print(f"   loaded {len(loaded):,} graphs in {loading:.1f} s", flush=True)
    backends = []
    for name in names:
        target = str(dist) if name == "embedded" else stores[name][0].url
        print(f"== policykg serve --store {target}", flush=True)
        api = _start_api(stack, name, target, work / "logs", args.ready_timeout)
        entry: tuple[RemoteServer | None, float | None, list[str]] = stores.get(
            name, (None, None, [])
        )
        store, load_s, graphs = entry
        backend = Backend(name, api, store, graphs, system if name == "virtuoso" else [])
        backend.figures = {
            "store_first_answer_s": round(store.ready_s, 2) if store else None,
            "load_s": round(load_s, 1) if load_s is not None else None,
            "api_first_answer_s": round(api.first_answer_after or float("nan"), 2),
            "api_warmed_s": round(api.ready_after or float("nan"), 2),
            "memory_warmed": backend.memory(),
        }
        print(f"   {backend.figures}", flush=True)
        backends.append(backend)
    return backends


def _api_query(query: NamedQuery) -> Query:
    accept = NTRIPLES if result_kind(query.sparql) == "graph" else JSON
    return Query(query.name, query.sparql, query.title, accept, path=f"/queries/{query.name}")


def _raw_text(query: NamedQuery, base_iri: str) -> str | None:
    """The text the API sends a store for ``query`` with its defaults (None: a search)."""
    if any(p.type == "search" for p in query.params):
        return None
    text: str = remote_text(
        query.sparql, prefixes=all_prefixes(base_iri), substitutions=query.bind({})
    )
    return text


def _raw_query(query: NamedQuery, text: str, backend: Backend, *, exclude: bool = False) -> Query:
    """The API's request to the store, sent directly: a POST of the query form. On
    Virtuoso, the dataset is its data graphs named one by one (as the API named them until
    it left Virtuoso's own graphs out), or (``exclude``) the default dataset less Virtuoso's
    own graphs, by its pragmas, as the API now sends it (:mod:`policykg.remote.served`)."""
    accept = NTRIPLES if result_kind(query.sparql) == "graph" else JSON
    form = [("query", text)]
    if backend.name == "virtuoso":
        sent = virtuoso.inline_exists(text)
        if exclude:
            pragmas = "".join(
                f"DEFINE input:default-graph-exclude <{g}>\n"
                f"DEFINE input:named-graph-exclude <{g}>\n"
                for g in backend.others
            )
            form = [("query", pragmas + sent)]
        else:
            form = [("query", sent)]
            form += [("default-graph-uri", g) for g in backend.graphs]
            form += [("named-graph-uri", g) for g in backend.graphs]
        form.append(("timeout", VIRTUOSO_TIMEOUT_MS))
    body = urllib.parse.urlencode(form).encode("ascii")
    return Query(query.name, text, query.title, accept, body=body)


def _measure(endpoint: Endpoint, query: Query, budget: Budget) -> dict[str, Any]:
    try:
        m = measure_sequential(endpoint, query, budget)
    except (
        RuntimeError,
        ValueError,
        http.client.HTTPException,
        OSError,
    ) as err:  # ValueError: a body cut short
        return {"error": f"{type(err).__name__}: {str(err)[:160]}"}
    out: dict[str, Any] = {"median_ms": round(m.median, 2) if m.n else None, "n": m.n}
    out["rows"] = m.rows
    if m.errors:
        out["error"] = m.errors[0][:160]
    return out


def _time_queries(backends: list[Backend], args: argparse.Namespace, out: dict[str, Any]) -> None:
    """Each named query on every backend in turn, into ``out`` (kept when interrupted)."""
    budget = Budget(args.warmup, args.max_requests, args.seconds, 3, args.timeout + 30)
    # Virtuoso with its data graphs named one by one: one request (each takes seconds)
    once = Budget(0, 1, 0.0, 1, args.timeout + 30)
    columns = {c for c in args.columns.split(",") if c} or {key for key, _ in COLUMNS}
    base_iri = Settings().base_iri
    library = QueryLibrary.load(ROOT / "queries")
    names = [n for n in args.queries.split(",") if n]
    for named in library:
        if names and named.name not in names:
            continue
        row: dict[str, Any] = {"load": loadavg()}
        text = _raw_text(named, base_iri)
        for backend in backends:
            api = Endpoint(backend.name, backend.api.port, "/sparql")
            if backend.name in columns:
                row[backend.name] = _measure(api, _api_query(named), budget)
            raw = backend.raw_endpoint()
            if raw is None or text is None:
                continue
            if backend.name + "-raw" in columns:
                sent = _raw_query(named, text, backend)
                row[backend.name + "-raw"] = _measure(raw, sent, once if backend.others else budget)
            if backend.others and backend.name + "-excl" in columns:
                sent = _raw_query(named, text, backend, exclude=True)
                row[backend.name + "-excl"] = _measure(raw, sent, budget)
        print(f"   {named.name:<28} " + "  ".join(
            f"{k} {v.get('median_ms')} ms ({v.get('rows')} rows{', ' + v['error'][:60] if 'error' in v else ''})"
            for k, v in row.items() if isinstance(v, dict)
        ), flush=True)  # fmt: skip
        out[named.name] = row


COLUMNS = (
    ("embedded", "API, embedded"),
    ("oxigraph", "API → Oxigraph"),
    ("oxigraph-raw", "Oxigraph direct"),
    ("virtuoso", "API → Virtuoso"),
    ("virtuoso-raw", "Virtuoso direct"),
    ("virtuoso-excl", "Virtuoso direct, system graphs excluded"),
)


def _cell(figure: dict[str, Any] | None, rows: int | None) -> str:
    if figure is None:
        return ""
    if figure.get("median_ms") is None:
        error = str(figure.get("error", ""))
        code = re.search(r"HTTP (\d{3})", error)
        return code[0] if code else "error"
    text = f"{figure['median_ms']:.1f}"
    if rows is not None and figure.get("rows") != rows:
        text += f" ({figure.get('rows')} rows)"
    return text


def markdown(record: dict[str, Any]) -> str:
    """The README's tables for one run: start-up and memory, then the queries' medians
    (ms; a backend's row count is shown where it differs from the embedded store's).

    >>> record = {"backends": {"embedded": {"api_first_answer_s": 1.0, "api_warmed_s": 2.0,
    ...     "memory_warmed": {"api_mib": 100.0, "store_mib": 0.0}, "memory_after": {"api_mib":
    ...     120.0, "store_mib": 0.0}, "store_first_answer_s": None, "load_s": None}},
    ...     "queries": {"q": {"embedded": {"median_ms": 1.25, "rows": 3}}}}
    >>> print(markdown(record))
    | backend | store answers (s) | load (s) | API first answer (s) | API warmed (s) | API MiB | store MiB | API MiB after queries | store MiB after |
    |---|---|---|---|---|---|---|---|---|
    | embedded | - | - | 1.0 | 2.0 | 100 | - | 120 | - |
    <BLANKLINE>
    | query | rows | API, embedded |
    |---|---|---|
    | q | 3 | 1.2 |
    """

    def dash(value: object, fmt: str = "{}") -> str:
        return "-" if value is None or value == 0.0 else fmt.format(value)

    lines = [
        "| backend | store answers (s) | load (s) | API first answer (s) | API warmed (s) "
        "| API MiB | store MiB | API MiB after queries | store MiB after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, b in record["backends"].items():
        warm, after = b["memory_warmed"], b.get("memory_after", {})
        lines.append(
            f"| {name} | {dash(b['store_first_answer_s'])} | {dash(b['load_s'])} "
            f"| {b['api_first_answer_s']} | {b['api_warmed_s']} | {dash(warm['api_mib'], '{:.0f}')} "
            f"| {dash(warm['store_mib'], '{:.0f}')} | {dash(after.get('api_mib'), '{:.0f}')} "
            f"| {dash(after.get('store_mib'), '{:.0f}')} |"
        )
    present = [
        (key, title) for key, title in COLUMNS
        if any(key in row for row in record["queries"].values())
    ]  # fmt: skip
    lines += ["", "| query | rows | " + " | ".join(t for _, t in present) + " |"]
    lines.append("|---|---|" + "---|" * len(present))
    for name, row in record["queries"].items():
        rows = row.get("embedded", {}).get("rows")
        cells = [_cell(row.get(key), rows) for key, _ in present]
        shown = "-" if rows is None else str(rows)
        lines.append(f"| {name} | {shown} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--dist", type=Path, required=True, help="a build: dist/store, policykg.nq")
    ap.add_argument("--label", required=True, help="the size's name: 10k, 100k, …")
    ap.add_argument("--backends", default=",".join(BACKENDS), help="from: " + ", ".join(BACKENDS))
    ap.add_argument("--queries", default="", help="comma-separated named queries (default: all)")
    ap.add_argument(
        "--columns",
        default="",
        help="what to time (default: all): " + ", ".join(key for key, _ in COLUMNS),
    )
    ap.add_argument("--work", type=Path, default=HERE / "data" / "backends", help="scratch folder")
    ap.add_argument("--warmup", type=int, default=2, help="untimed requests first")
    ap.add_argument("--max-requests", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=2.0, help="time budget per query and column")
    ap.add_argument("--timeout", type=float, default=30.0, help="the stores' query time limit")
    ap.add_argument("--ready-timeout", type=float, default=1800.0)
    ap.add_argument("--virtuoso-buffers", type=int, default=100_000, help="8 KiB pages cached")
    args = ap.parse_args(argv)
    names = [n for n in args.backends.split(",") if n]
    unknown = sorted(set(names) - set(BACKENDS))
    if unknown:
        ap.error(f"unknown backends: {', '.join(unknown)}")
    signal.signal(signal.SIGTERM, _on_sigterm)
    work = args.work / args.label
    work.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {
        "label": args.label,
        "source": str(args.dist),
        "machine": machine_info(),
    }
    record["load_before"] = loadavg()
    print(f"[{args.label}] copying {args.dist} …", flush=True)
    dist = _copy_dist(args.dist, work)
    interrupted = False
    try:
        with contextlib.ExitStack() as stack:
            backends = _start(stack, names, dist, work, args)
            record["backends"] = {b.name: b.figures for b in backends}
            record["queries"] = {}
            _time_queries(backends, args, record["queries"])
            for b in backends:
                b.figures["memory_after"] = b.memory()
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted: servers stopped", file=sys.stderr)
    record["load_after"] = loadavg()
    record["interrupted"] = interrupted
    record["settings"] = {k: str(v) for k, v in vars(args).items()}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"backends-{args.label}.json"
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}\n")
    if "queries" in record:
        print(markdown(record))
    return 130 if interrupted else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``policykg publish`` and ``policykg rollback``: switching a remote store's version atomically.

Publishing loads the build's graphs into graphs beside the public ones (see
:mod:`policykg.remote.publication`), verifies them, and then switches in **one SPARQL Update
request**: the control graph's ``pub:current`` moves to the new version and each of its
graphs is copied (``COPY``) onto its public IRI, public graphs the new version lacks being
dropped. Both servers apply one update request as one transaction that readers see only
when it ends (Oxigraph by design; Virtuoso in its default
transaction mode, which tests/remote/test_publish_kill.py exercises), so a
reader sees the old version or the new one, never a mix; a publish killed at any point before
that request leaves the old version serving and its staged graphs behind, which the next
publish removes (a publish killed after sending it has switched: the store finishes it).
Where a failed request keeps the operations before the failure (Virtuoso: see its adapter),
the switch, whose operations cannot fail in themselves and which is idempotent, is sent again
once; if that fails too the error says which versions to roll back or forward to. Each
publish and rollback first checks the public graphs' quad counts against the current
version's and, when they differ (a switch cut short: Virtuoso under load), sends the
current version's switch again before anything else.
Rollback is the same switch to a kept version.

Verification, before the switch, is of what the store holds, graph by graph: its quad count
(a SPARQL ``COUNT``) and its triples read back through the Graph Store Protocol, compared
with the build's (blank nodes by position only). The named queries' golden answers are not
run there: they name the public graphs and read the union default graph, so they could only
run after the switch, and they are a function of exactly the triples compared here.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import BlankNode, RdfFormat, Triple, parse, serialize

from policykg.errors import BadRequest, NotFound, PolicyKGError
from policykg.remote.client import RemoteStore
from policykg.remote.errors import StoreError
from policykg.remote.publication import (
    PUB,
    XSD,
    GraphCopy,
    State,
    Version,
    control_graph,
    iri,
    literal,
    read_state,
    version_iri,
)
from policykg.remote.served import NAMED_AT_MOST

__all__ = ["Build", "PublishReport", "current_graphs", "publish", "read_build", "rollback"]

Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


@dataclass(frozen=True)
class Build:
    """A validated build as published: its version and each named graph's triples."""

    version: str
    graphs: dict[str, list[Triple]]

    def ntriples(self, graph: str) -> bytes:
        data = serialize(self.graphs[graph], format=RdfFormat.N_TRIPLES)
        assert data is not None
        return data

    @property
    def quads(self) -> int:
        return sum(len(t) for t in self.graphs.values())


def read_build(dist: Path) -> Build:
    """The build in ``dist`` (``policykg.nq``, written only by a build that validated)."""
    path = dist / "policykg.nq"
    if not path.is_file():
        raise NotFound(f"no build at {path}: run policykg build first")
    data = path.read_bytes()
    graphs: dict[str, list[Triple]] = {}
    blank_graph: dict[str, str] = {}
    for quad in parse(data, format=RdfFormat.N_QUADS):
        name = getattr(quad.graph_name, "value", None)
        if not isinstance(name, str) or isinstance(quad.graph_name, BlankNode):
            raise BadRequest(f"{path}: a triple outside a named graph; publish keeps named graphs")
        for term in (quad.subject, quad.object):
            if isinstance(term, BlankNode) and blank_graph.setdefault(term.value, name) != name:
                raise BadRequest(f"{path}: blank node _:{term.value} is shared by two graphs")
        graphs.setdefault(name, []).append(quad.triple)
    return Build(version=hashlib.sha256(data).hexdigest()[:16], graphs=graphs)


@dataclass
class PublishReport:
    """What a publish or rollback did."""

    version: str
    previous: str | None
    graphs: int = 0
    quads: int = 0
    unchanged: bool = False
    dropped: list[str] = field(default_factory=list)
    #: The current version's switch was sent again first (its public graphs were not whole).
    repaired: bool = False


def _signature(triples: Sequence[Triple]) -> Counter[tuple[str, str, str]]:
    """The triples as comparable strings, blank nodes made anonymous."""

    def text(term: object) -> str:
        return "_:" if isinstance(term, BlankNode) else str(term)

    return Counter((text(t.subject), text(t.predicate), text(t.object)) for t in triples)


def _counts(store: RemoteStore, graphs: Sequence[str]) -> dict[str, int]:
    values = " ".join(iri(g) for g in graphs)
    rows = store.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g"
    )
    return {
        str(getattr(r["g"], "value", "")): int(str(getattr(r["n"], "value", "0"))) for r in rows
    }


def _verify_counts(store: RemoteStore, copies: Sequence[GraphCopy]) -> None:
    counts = _counts(store, [c.stored for c in copies])
    wrong = [
        f"{c.public}: {counts.get(c.stored, 0)} of {c.quads}"
        for c in copies
        if counts.get(c.stored, 0) != c.quads
    ]
    if wrong:
        raise StoreError("the store holds other quad counts than the build: " + "; ".join(wrong))


def _verify_content(store: RemoteStore, build: Build, copies: Sequence[GraphCopy]) -> None:
    for copy in copies:
        stored = list(parse(store.get_graph(copy.stored), format=RdfFormat.N_TRIPLES))
        if _signature(stored) != _signature(build.graphs[copy.public]):
            raise StoreError(f"the store's copy of {copy.public} differs from the build")


def _describe(base: str, version: str, serial: int, copies: Sequence[GraphCopy]) -> str:
    control, node = iri(control_graph(base)), iri(version_iri(base, version))
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"{node} a pub:Version ; pub:id {literal(version)} ; pub:status {literal('staged')} ;",
        f"  pub:serial {literal(serial)} ; pub:created {literal(created, XSD + 'dateTime')} .",
    ]
    for copy in copies:
        lines.append(f"{node} pub:graph {iri(copy.stored)} .")
        lines.append(
            f"{iri(copy.stored)} pub:public {iri(copy.public)} ; pub:quads {literal(copy.quads)} ."
        )
    body = "\n    ".join(lines)
    return f"PREFIX pub: <{PUB}>\nINSERT DATA {{ GRAPH {control} {{\n    {body}\n}} }}"


def _switch_request(
    base: str, version: str, copies: Sequence[GraphCopy], old: Sequence[GraphCopy]
) -> str:
    """The one update request that makes ``version`` current."""
    control, node = iri(control_graph(base)), iri(version_iri(base, version))
    parts = [
        f"PREFIX pub: <{PUB}>",
        f"DELETE WHERE {{ GRAPH {control} {{ {control} pub:current ?old }} }} ;",
        f"DELETE WHERE {{ GRAPH {control} {{ {node} pub:status ?status }} }} ;",
        f"INSERT DATA {{ GRAPH {control} {{ {control} pub:current {node} . "
        f"{node} pub:status {literal('complete')} }} }} ;",
    ]
    parts += [f"COPY {iri(c.stored)} TO {iri(c.public)} ;" for c in copies]
    public = {c.public for c in copies}
    parts += [f"DROP SILENT GRAPH {iri(c.public)} ;" for c in old if c.public not in public]
    parts[-1] = parts[-1].removesuffix(" ;")
    return "\n".join(parts)


def _switch(
    store: RemoteStore,
    base: str,
    target: Version | str,
    copies: Sequence[GraphCopy],
    old: Version | None,
    progress: Progress,
) -> None:
    """Send the switch request; again once if the store may have applied part of it."""
    version = target.id if isinstance(target, Version) else target
    request = _switch_request(base, version, copies, old.graphs if old else ())
    try:
        store.update(request)
    except PolicyKGError as error:
        if store.endpoint.adapter.update_all_or_nothing:
            raise
        progress(f"the switch failed ({error.message[:200]}); sending it again")
        try:
            store.update(request)
        except PolicyKGError as again:
            before = old.id if old else "none"
            raise StoreError(
                f"the switch to {version} failed twice and may be half applied: run "
                f"policykg rollback --to {before}, or publish again ({again.message[:200]})"
            ) from again


def _repair(store: RemoteStore, base: str, state: State, progress: Progress) -> bool:
    """Send the current version's switch again when its public graphs do not hold its quad
    counts, or a public graph of another version that it lacks is still there (a switch cut
    short, where a store keeps the first operations of a request that fails: Virtuoso);
    whether it was sent."""
    current = state.get(state.current) if state.current else None
    if current is None or not current.graphs:
        return False
    others = [c for v in state.versions if v.id != current.id for c in v.graphs]
    public = {c.public: c.quads for c in current.graphs}
    expected = public | {c.public: 0 for c in others if c.public not in public}
    counts = _counts(store, sorted(expected))
    if all(counts.get(graph, 0) == quads for graph, quads in expected.items()):
        return False
    progress(f"the public graphs are not all version {current.id}'s: sending its switch again")
    store.update(_switch_request(base, current.id, current.graphs, others))
    return True


def _drop_request(base: str, version: Version) -> str:
    control, node = iri(control_graph(base)), iri(version_iri(base, version.id))
    parts = [f"PREFIX pub: <{PUB}>"]
    parts += [f"DROP SILENT GRAPH {iri(c.stored)} ;" for c in version.graphs]
    parts += [
        f"DELETE {{ GRAPH {control} {{ ?copy ?p ?o }} }} "
        f"WHERE {{ GRAPH {control} {{ {node} pub:graph ?copy . ?copy ?p ?o }} }} ;",
        f"DELETE WHERE {{ GRAPH {control} {{ {node} ?p ?o }} }}",
    ]
    return "\n".join(parts)


def _drop_staged_graphs(store: RemoteStore, base: str, version: str) -> None:
    """Drop graphs of ``version`` that a killed publish loaded before describing them all."""
    prefix = literal(version_iri(base, version) + "/")
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), {prefix})) }}"
    )
    graphs = [str(getattr(r["g"], "value", "")) for r in rows]
    if graphs:
        store.update(" ;\n".join(f"DROP SILENT GRAPH {iri(g)}" for g in graphs))


def _prune(store: RemoteStore, base: str, keep: int, progress: Progress) -> list[str]:
    state = read_state(store, base)
    complete = state.complete
    kept = {v.id for v in complete[-keep:]} | ({state.current} if state.current else set())
    dropped = []
    for version in complete:
        if version.id not in kept:
            progress(f"dropping version {version.id} (keeping {keep})")
            store.update(_drop_request(base, version))
            dropped.append(version.id)
    return dropped


def publish(
    store: RemoteStore,
    build: Build,
    base: str,
    *,
    keep: int = 3,
    progress: Progress = _noop,
    announce: float = 0.0,
) -> PublishReport:
    """Load ``build`` beside the current version, verify it, switch to it, keep ``keep``.

    Where readers leave stored copies out by name (a store whose default graph is the union
    of every graph: Virtuoso, :mod:`policykg.remote.served`), the version is described
    ``announce`` seconds (the readers' re-check interval) before its copies are loaded, so
    that every API process leaves them out before they exist."""
    if keep < 1:
        raise BadRequest("parameter 'keep': expected at least 1")
    state = read_state(store, base)
    report = PublishReport(
        version=build.version, previous=state.current, graphs=len(build.graphs), quads=build.quads
    )
    report.repaired = _repair(store, base, state, progress)
    if state.current == build.version:
        report.unchanged = True
        return report
    for version in state.versions:  # leftovers of a failed or killed publish
        if version.status != "complete" or version.id == build.version:
            progress(f"removing the unfinished version {version.id}")
            store.update(_drop_request(base, version))
    _drop_staged_graphs(store, base, build.version)
    serial = max((v.serial for v in state.versions), default=0) + 1
    node = version_iri(base, build.version)
    copies = [
        GraphCopy(public=g, stored=f"{node}/{i}", quads=len(build.graphs[g]))
        for i, g in enumerate(sorted(build.graphs))
    ]
    store.update(_describe(base, build.version, serial, copies))
    current = state.get(state.current) if state.current else None
    excluding = current is None or max(len(copies), len(current.graphs)) > NAMED_AT_MOST
    if announce > 0 and store.endpoint.adapter.default_graph_is_union and excluding:
        progress(f"waiting {announce:g} s for readers to see version {build.version} described")
        time.sleep(announce)
    for number, copy in enumerate(copies, start=1):
        progress(f"loading {copy.public} ({copy.quads} quads, {number}/{len(copies)})")
        store.put_graph(copy.stored, build.ntriples(copy.public), RdfFormat.N_TRIPLES)
    progress("verifying quad counts and content")
    _verify_counts(store, copies)
    _verify_content(store, build, copies)
    progress(f"switching to {build.version}")
    _switch(store, base, build.version, copies, current, progress)
    report.dropped = _prune(store, base, keep, progress)
    return report


def rollback(
    store: RemoteStore, base: str, to: str | None = None, *, progress: Progress = _noop
) -> PublishReport:
    """Switch back to a kept version: ``to``, or the one published before the current."""
    state = read_state(store, base)
    current = state.get(state.current) if state.current else None
    if current is None:
        raise NotFound("nothing has been published to this store")
    repaired = _repair(store, base, state, progress)
    if to is not None:
        target = state.get(to)
        if target is None or target.status != "complete":
            kept = ", ".join(v.id for v in state.complete) or "none"
            raise NotFound(f"version {to[:100]!r} is not kept in this store (kept: {kept})")
    else:
        earlier = [v for v in state.complete if v.serial < current.serial]
        if not earlier:
            raise NotFound(f"no version before {current.id} is kept in this store")
        target = earlier[-1]
    report = PublishReport(
        version=target.id,
        previous=current.id,
        graphs=len(target.graphs),
        quads=sum(c.quads for c in target.graphs),
        repaired=repaired,
    )
    if target.id == current.id:
        report.unchanged = True
        return report
    progress(f"verifying the quad counts of {target.id}")
    _verify_counts(store, target.graphs)
    progress(f"switching to {target.id}")
    _switch(store, base, target, target.graphs, current, progress)
    return report


def current_graphs(store: RemoteStore, base: str) -> list[str]:
    """The public graphs of the version a store serves (for a reader naming its dataset)."""
    state = read_state(store, base)
    current = state.get(state.current) if state.current else None
    return sorted(c.public for c in current.graphs) if current else []

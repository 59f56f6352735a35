"""Helpers of the publish tests: variants of the build, a clean store, public counts."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, parse, serialize

from policykg.remote import RemoteStore
from policykg.remote.publication import iri, literal
from policykg.remote.publish import Build, read_build

from .servers import RemoteServer

BASE = "https://w3id.org/policykg/"
CLI = [sys.executable, "-c", "from policykg.cli.commands import app; app()"]


def variant(source: Path, folder: Path, *, drop_graph: str, drop_quads: int) -> Build:
    """A build in ``folder`` like ``source``'s, without one graph and a few quads of another."""
    quads = list(parse(path=source / "policykg.nq", format=RdfFormat.N_QUADS))
    kept: list[Quad] = []
    dropped = 0
    for quad in quads:
        graph = str(getattr(quad.graph_name, "value", ""))
        if graph == BASE + "graph/" + drop_graph:
            continue
        if graph == BASE + "graph/ontology" and dropped < drop_quads:
            dropped += 1
            continue
        kept.append(quad)
    folder.mkdir(parents=True, exist_ok=True)
    data = serialize(kept, format=RdfFormat.N_QUADS)
    assert data is not None
    (folder / "policykg.nq").write_bytes(data)
    build = read_build(folder)
    assert build.version == hashlib.sha256(data).hexdigest()[:16]
    return build


def counts_of(build: Build) -> dict[str, int]:
    return {graph: len(triples) for graph, triples in build.graphs.items()}


def public_counts(store: RemoteStore, graphs: list[str]) -> dict[str, int]:
    """The quads per public graph, read in one query (so from one state of the store)."""
    values = " ".join(iri(g) for g in graphs)
    rows = store.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g"
    )
    return {
        str(getattr(r["g"], "value", "")): int(str(getattr(r["n"], "value", "0"))) for r in rows
    }


def policy_graphs(store: RemoteStore) -> list[str]:
    """Every graph under the policy graph's base IRI, public or stored."""
    rows = store.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), {literal(BASE)})) }}"
    )
    return sorted(str(getattr(r["g"], "value", "")) for r in rows)


def wipe(store: RemoteStore) -> None:
    graphs = policy_graphs(store)
    if graphs:
        store.update(" ;\n".join(f"DROP SILENT GRAPH {iri(g)}" for g in graphs))


def cli_env(server: RemoteServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_REMOTE_")}
    if server.username is not None and server.password is not None:
        env["POLICYKG_REMOTE_USERNAME"] = server.username
        env["POLICYKG_REMOTE_PASSWORD"] = server.password
    return env

"""Independent parsers for the dump tests: Raptor's ``rapper`` and pyld, and graph comparison.

``rapper`` is Debian's raptor2-utils (installed by scripts/install-debian). Without it the
tests that need it skip, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import rdflib
from pyld import jsonld
from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Quad,
    RdfFormat,
    Store,
    parse,
    serialize,
)

__all__ = [
    "assert_same_dataset",
    "assert_same_graph",
    "pyld_nquads",
    "rapper_nquads",
    "store_dataset",
    "store_union",
]

#: rapper's names for the syntaxes it reads.
RAPPER_SYNTAX = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".rdf": "rdfxml",
    ".trig": "trig",
    ".nq": "nquads",
}


def need_rapper() -> str:
    """The path of ``rapper``; skip without it, fail instead under ``CI=true``."""
    found = shutil.which("rapper")
    if found is None:
        reason = "Raptor's rapper not found; run scripts/install-debian (as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)
    return found


def rapper_nquads(path: Path) -> str:
    """``path`` parsed by rapper (syntax from its ending), written as N-Quads; fails on errors."""
    rapper = need_rapper()
    syntax = RAPPER_SYNTAX[path.suffix]
    run = subprocess.run(
        [rapper, "-q", "-i", syntax, "-o", "nquads", str(path), "http://example.invalid/"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if run.returncode != 0 or run.stderr.strip():
        pytest.fail(f"rapper could not parse {path.name} ({run.returncode}):\n{run.stderr}")
    return run.stdout


def _no_remote(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"the JSON-LD dump asked for a remote document: {url}")


def pyld_nquads(path: Path) -> str:
    """A JSON-LD file expanded and turned into N-Quads by pyld, never fetching a context."""
    document = json.loads(path.read_text(encoding="utf-8"))
    options = {"documentLoader": _no_remote}
    expanded = jsonld.expand(document, options)
    nquads = jsonld.to_rdf(expanded, {**options, "format": "application/n-quads"})
    assert isinstance(nquads, str)
    return nquads


def store_dataset(store: Store) -> rdflib.Dataset:
    """The store's quads as an rdflib Dataset."""
    data = serialize(store, format=RdfFormat.N_QUADS)
    assert data is not None
    return rdflib.Dataset().parse(data=data.decode(), format="nquads")


def store_union(store: Store) -> rdflib.Graph:
    """The union of the store's graphs as one rdflib Graph."""
    union = rdflib.Graph()
    for s, p, o, _ in store_dataset(store).quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _canonical(graph: rdflib.Graph) -> set[str]:
    """The graph's triples with RDFC-1.0 blank-node labels (isomorphic graphs: equal sets)."""
    text = graph.serialize(format="nt", encoding="utf-8")
    dataset = Dataset(
        Quad(t.subject, t.predicate, t.object, DefaultGraph())
        for t in parse(text, format=RdfFormat.N_TRIPLES)
    )
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return {f"{q.subject} {q.predicate} {q.object} ." for q in dataset}


def assert_same_graph(got: rdflib.Graph, want: rdflib.Graph, what: str) -> None:
    """Isomorphic, compared by canonical form (rdflib's own check is slow on many blank nodes)."""
    a, b = _canonical(got), _canonical(want)
    if a != b:
        extra, missing = sorted(a - b), sorted(b - a)
        pytest.fail(
            f"{what}: {len(extra)} extra, {len(missing)} missing triples\n"
            + "\n".join(extra[:20])
            + "\n---\n"
            + "\n".join(missing[:20])
        )


def assert_same_dataset(got: rdflib.Dataset, want: rdflib.Dataset, what: str) -> None:
    """Graph by graph (the default graph included), isomorphic."""
    names = {g.identifier for g in got.graphs() if len(g)} | {
        g.identifier for g in want.graphs() if len(g)
    }
    assert names, f"{what}: no triples at all"
    for name in sorted(names, key=str):
        assert_same_graph(got.graph(name), want.graph(name), f"{what}, graph {name}")

"""The backend benchmark's pure parts: its doctests, and the graphs it loads into Virtuoso."""

from __future__ import annotations

import doctest
import importlib
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

from policykg.settings import Settings

__all__: list[str] = []

BENCH = Settings().root / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> Iterator[None]:
    """The benchmarks folder importable (its modules import each other as scripts do)."""
    sys.path.insert(0, str(BENCH))
    try:
        yield
    finally:
        sys.path.remove(str(BENCH))


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


@pytest.mark.parametrize("name", ["backends", "measure"])
def test_doctests(bench: None, name: str) -> None:
    result = doctest.testmod(_module(name))
    assert result.attempted > 0
    assert result.failed == 0


def test_graphs_of_gives_every_quad_of_a_dump_once(bench: None, tmp_path: Path) -> None:
    dump = tmp_path / "claims-50.nq"
    _module("generate").write_dataset(50, dump, seed=42)
    got = Counter(
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph))
        for graph, triples in _module("backends").graphs_of(dump)
        for t in triples
    )
    expected = Counter(ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS))
    assert got == expected
    graphs = [graph for graph, _ in _module("backends").graphs_of(dump)]
    assert len(graphs) == len({q.graph_name for q in expected})

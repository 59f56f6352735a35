"""A worker: its in-memory copy, Graph Store writes in one transaction, held results."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
import pytest

from policykg.engine.jobs import Frame, GraphWriteJob, QueryJob, ResultEnd, decode, read_frame
from policykg.engine.worker import FIRST_FLUSH, open_store, run_job
from policykg.sparql.results import ResultSpec


def test_memory_copy_holds_every_quad(tmp_path: Path) -> None:
    """Copied predicate by predicate: default graph and named graphs, nothing lost or added."""
    disk = ox.Store(str(tmp_path / "store"))
    s, g = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/g")
    quads = [
        ox.Quad(s, ox.NamedNode(f"http://e/p{i % 3}"), ox.Literal(str(i)), g if i % 2 else None)
        for i in range(30)
    ]
    disk.extend(quads)
    disk.flush()
    del disk
    memory, opened = open_store(str(tmp_path / "store"), "memory", 100)
    assert opened.store == "memory"
    assert sorted(map(str, memory)) == sorted(map(str, quads))


class _Spy:
    """A store that records which writing methods a job calls."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.calls = store, []

    def __getattr__(self, name: str) -> object:
        if name in ("update", "extend", "bulk_extend", "clear_graph", "remove_graph", "add_graph"):
            self.calls.append(name)
        return getattr(self.store, name)


@pytest.mark.parametrize(("op", "graph"), [("put", "http://e/g"), ("post", "http://e/g"),
                                           ("put", None), ("post", None)])  # fmt: skip
def test_graph_store_writes_are_one_transaction(
    op: Literal["put", "post"], graph: str | None
) -> None:
    """PUT and POST are one Store.update, whatever the body holds."""
    store = ox.Store()
    old = ox.Triple(ox.NamedNode("http://e/old"), ox.NamedNode("http://e/p"), ox.Literal("old"))
    target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    other = ox.Quad(old.subject, old.predicate, old.object, ox.NamedNode("http://e/other"))
    store.extend([ox.Quad(old.subject, old.predicate, old.object, target), other])
    body = (
        '<http://e/s> <http://e/p> "} } ; DROP ALL ; INSERT DATA { <x> <y> <z> } #", '
        '"tab\\tline\\nquote\\"", _:b .\n_:b <http://e/p> "x"@en .\n'
    )
    spy = _Spy(store)
    out = io.BytesIO()
    run_job(spy, GraphWriteJob(op, graph, body.encode(), "turtle"), out)  # type: ignore[arg-type]
    assert out.getvalue()[:1] == Frame.READY.value, out.getvalue()
    assert spy.calls == ["update"]
    written = ox.Dataset(store.quads_for_pattern(None, None, None, target))
    expected = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object, target)
        for t in ox.parse(body.encode(), ox.RdfFormat.TURTLE)
    )
    if op == "post":
        expected.add(ox.Quad(old.subject, old.predicate, old.object, target))
    written.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    expected.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert written == expected
    assert other in store  # the rest of the store is untouched


def _frames(data: bytes) -> list[tuple[Frame, bytes]]:
    stream, frames = io.BytesIO(data), []
    while (frame := read_frame(stream)) is not None:
        frames.append(frame)
    return frames


@pytest.mark.parametrize(
    ("limit", "max_rows", "spooled", "truncated"),
    [("LIMIT 10000", 10_000, False, False),  # cannot pass the cap: sent as produced
     ("LIMIT 10001", 10_000, True, False), ("", 10_000, True, False), ("", 9_999, True, True)],
)  # fmt: skip
def test_large_results_are_held_until_the_flag_is_known(
    monkeypatch: pytest.MonkeyPatch, limit: str, max_rows: int, spooled: bool, truncated: bool
) -> None:
    spools: list[object] = []
    real = tempfile.TemporaryFile

    def spy() -> object:
        spools.append(real())
        return spools[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", spy)
    numbers = " ".join(str(i) for i in range(100))
    query = f"SELECT ?a ?b {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} }} {limit}"
    out = io.BytesIO()
    run_job(ox.Store(), QueryJob(query, ResultSpec("json", None, max_rows)), out)
    frames = _frames(out.getvalue())
    assert [kind for kind, _ in frames[:1] + frames[-1:]] == [Frame.HEAD, Frame.END]
    head, end = (decode(frames[i][1]) for i in (0, -1))
    assert head.truncated is truncated
    assert end == ResultEnd(max_rows, truncated)
    assert bool(spools) is spooled
    body = b"".join(payload for kind, payload in frames if kind is Frame.CHUNK)
    assert len(body) > FIRST_FLUSH
    assert len(json.loads(body)["results"]["bindings"]) == max_rows


def test_a_worker_starts_without_the_servers_libraries() -> None:
    """``python -m policykg.engine`` imports none of rdflib, networkx, fastapi or jinja2:
    every worker the server starts (several at once, and again after each write) pays for
    its imports before its first answer. rdflib is imported later only where a worker needs
    it (JSON-LD output, a long result's variable order)."""
    code = (
        "import runpy, sys; sys.argv = ['policykg.engine'];"
        "runpy.run_module('policykg.engine', run_name='not_main');"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'rdflib', 'networkx', 'fastapi', 'jinja2', 'pyshacl'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"

"""Results capped at the row limit are exactly pyoxigraph's own serialisation, cut."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

from policykg.sparql.results import write_graph, write_solutions


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    tricky = ["a\tb", "line\nbreak", '"quoted"', '},{"x":', "</result><result>", "é"]
    for i, text in enumerate(tricky):
        store.add(
            ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(text))
        )
    return store


@pytest.fixture(scope="module")
def big_store() -> ox.Store:
    """Enough rows for pyoxigraph to write in many pieces and for several batches."""
    store = ox.Store()
    p = ox.NamedNode("http://e/p")
    store.extend(
        ox.Quad(ox.NamedNode(f"http://e/{i:05}"), p, ox.Literal(f"row {i}\twith a tab"))
        for i in range(20_000)
    )
    return store


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize(
    ("which", "size", "cap"),
    [("store", 6, 0), ("store", 6, 1), ("store", 6, 3), ("store", 6, 6), ("store", 6, 100),
     ("big_store", 20_000, 12_345), ("big_store", 20_000, 20_000), ("big_store", 20_000, 50_000)],
)  # fmt: skip
def test_capped_solutions_match_pyoxigraph(
    request: pytest.FixtureRequest, which: str, size: int, fmt: str, cap: int
) -> None:
    store = request.getfixturevalue(which)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    out = io.BytesIO()
    rows, truncated = write_solutions(store.query(query), fmt, cap, out)  # type: ignore[arg-type]
    assert (rows, truncated) == (min(cap, size), cap < size)
    limited = store.query(query.replace("ORDER BY ?s", f"ORDER BY ?s LIMIT {cap}"))
    expected = limited.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))  # type: ignore[union-attr]
    assert out.getvalue() == expected


def test_capped_graph(store: ox.Store) -> None:
    out = io.BytesIO()
    rows, truncated = write_graph(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), "ntriples", 2, out)  # type: ignore[arg-type]
    assert (rows, truncated) == (2, True)
    assert out.getvalue().count(b"\n") == 2

"""Results capped at the row limit are exactly pyoxigraph's own serialisation, cut."""

from __future__ import annotations

import io
import json

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


def test_compact_jsonld_keeps_a_zero_beside_another_value() -> None:
    """rdflib 7.6 dropped a property's falsy first value (0, false) when another followed."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    triples = [
        ox.Triple(s, p, ox.Literal("0", datatype=ox.NamedNode(xsd + "integer"))),
        ox.Triple(s, p, ox.Literal("1", datatype=ox.NamedNode(xsd + "integer"))),
        ox.Triple(
            s,
            ox.NamedNode("http://example.org/q"),
            ox.Literal("false", datatype=ox.NamedNode(xsd + "boolean")),
        ),
        ox.Triple(
            s,
            ox.NamedNode("http://example.org/q"),
            ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean")),
        ),
    ]
    sink = io.BytesIO()
    write_graph(triples, "jsonld", 10, sink, {"ex": "http://example.org/"})
    document = json.loads(sink.getvalue())
    assert sorted(document["ex:p"]) == [0, 1]
    assert sorted(document["ex:q"]) == [False, True]

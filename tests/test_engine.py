"""Engine parts: the safety scan, USING for updates, capped serialisation, the worker."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.engine import Engine
from policykg.errors import BadRequest, Forbidden, QuerySyntaxError, QueryTimeout
from policykg.resultwriter import write_graph, write_solutions
from policykg.sparqlsafety import enforce, scan_query, scan_update
from policykg.updatedataset import apply_using

EVIL = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * {{ SERVICE <{EVIL}> {{}} }}",
        f"SELECT * {{ ?s ?p ?o . sErViCe SILENT <{EVIL}> {{ ?s ?p ?o }} }}",
        "BASE <http://127.0.0.1:9/> SELECT * { SERVICE <sparql> {} }",
        f"SELECT * {{ FILTER(?x<'a>') SERVICE <{EVIL}> {{}} FILTER('x') }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{EVIL}> {{}} }} }} }}",
    ],
)
def test_scan_finds_service(query: str) -> None:
    assert scan_query(query).services == (EVIL,)
    with pytest.raises(Forbidden):
        enforce(scan_query(query), [])
    enforce(scan_query(query), [EVIL])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a <http://example.org/SERVICE> }",
        "SELECT * { ?s <http://x/p> 'SERVICE <http://evil> {}' } # SERVICE <http://evil> {}",
        'SELECT * { ?s ?p """\nSERVICE <http://evil> {}\n""" }',
        "PREFIX service: <http://x/> SELECT * { ?s service:load ?o }",
    ],
)
def test_scan_ignores_service_words_that_are_not_the_keyword(query: str) -> None:
    assert scan_query(query).services == ()


def test_scan_load_and_dataset() -> None:
    scan = scan_update(
        "PREFIX e: <http://e/> LOAD e:x ; WITH <http://w> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"
    )
    assert scan.loads == ("http://e/x",)
    assert scan.own_dataset
    assert scan_query("SELECT * FROM <http://a> FROM NAMED <http://b> {}").dataset == (
        "http://a",
        "http://b",
    )


def test_unparseable_text_mentioning_service_is_refused() -> None:
    with pytest.raises(BadRequest):
        scan_query("SELECT * { SERVICE <http://x> { ?s ?p } }")
    assert scan_query("SELECT * { ?s ?p 'from' ").dataset == ()  # pyoxigraph reports this one


def test_apply_using_skips_strings_delete_where_and_validates_iris() -> None:
    update = "DELETE WHERE { ?a ?b 'WHERE' } ; INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"
    assert apply_using(update, ["http://g"], ["http://n"]) == (
        "DELETE WHERE { ?a ?b 'WHERE' } ; INSERT { ?s ?p 1 } USING <http://g> "
        "USING NAMED <http://n> WHERE { ?s ?p ?o }"
    )
    with pytest.raises(BadRequest):
        apply_using(update, ["http://g> } ; DROP ALL ; #"], [])


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    tricky = ["a\tb", "line\nbreak", '"quoted"', '},{"x":', "</result><result>", "é"]
    for i, text in enumerate(tricky):
        store.add(
            ox.Quad(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(text))
        )
    return store


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("cap", [0, 1, 3, 6, 100])
def test_capped_solutions_match_pyoxigraph(store: ox.Store, fmt: str, cap: int) -> None:
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    out = io.BytesIO()
    rows, truncated = write_solutions(store.query(query), fmt, cap, out)  # type: ignore[arg-type]
    assert (rows, truncated) == (min(cap, 6), cap < 6)
    limited = store.query(query.replace("ORDER BY ?s", f"ORDER BY ?s LIMIT {cap}"))
    expected = limited.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))  # type: ignore[union-attr]
    assert out.getvalue() == expected


def test_capped_graph(store: ox.Store) -> None:
    out = io.BytesIO()
    rows, truncated = write_graph(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), "ntriples", 2, out)  # type: ignore[arg-type]
    assert (rows, truncated) == (2, True)
    assert out.getvalue().count(b"\n") == 2


def test_engine_pool(tmp_path: Path) -> None:
    data = tmp_path / "d.ttl"
    data.write_text("<http://e/s> <http://e/p> 1 .\n")

    async def scenario() -> None:
        await Engine.load(tmp_path / "store", [(str(data), "turtle")])
        engine = Engine(tmp_path / "store", workers=1, timeout=1)
        await engine.start()
        try:
            job = {"op": "query", "query": "SELECT ?o { ?s ?p ?o }", "solutions_format": "tsv",
                   "graph_format": None, "max_rows": 10}  # fmt: skip
            result = await engine.query(job)
            assert b"".join([c async for c in result.body]) == b"?o\n1\n"
            with pytest.raises(QuerySyntaxError):
                await engine.query({**job, "query": "SELECT"})
            values = " ".join(f"VALUES ?v{i} {{1 2 3 4 5 6 7 8 9}}" for i in range(10))
            with pytest.raises(QueryTimeout):
                await engine.query({**job, "query": "SELECT (COUNT(*) AS ?n) { " + values + " }"})
            result = await engine.query(job)  # a fresh worker took over
            assert b"".join([c async for c in result.body]) == b"?o\n1\n"
            assert (await engine.stats())["triples"] == 1
        finally:
            await engine.close()

    asyncio.run(scenario())

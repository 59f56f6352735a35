"""Bounded queries in the server process: which qualify, and that they answer as a worker would."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.engine.inline import InlineStore, is_bounded
from policykg.engine.jobs import QueryJob
from policykg.sparql.results import ResultSpec, write_result

E = "http://example.org/"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?p ?o WHERE { <https://w3id.org/policykg/claim/s0000001/c0> ?p ?o . }",
        "PREFIX ex: <http://e/>\nSELECT * WHERE { ex:c1 a ?type } LIMIT 5",
        '# a comment\nASK { ?s <http://p> "x\\"y"@en-GB }',
        "select ?s { ?s <http://p> 12.5e3 }",
        "SELECT ?s { ?s <http://p> 'a'^^<http://t> . }",
        "SELECT ?s { ?s ?p ?o } # }",
        "SELECT ?s { ?s ?p '} . ?a ?b ?c' }",
        "BASE <http://e/> SELECT $s { $s <p> ?o }",
    ],
)
def test_bounded(query: str) -> None:
    assert is_bounded(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s { ?s <http://p> ?o . ?o ?p ?x }",  # two patterns: a join
        "SELECT ?s { ?s <http://p>/<http://q> ?o }",  # a path
        "SELECT ?s { ?s <http://p>+ ?o }",
        "SELECT ?s { ?s ?p ?o FILTER(?o) }",  # a filter may skip any number of rows
        "SELECT ?s { _:b ?p ?o }",  # blank nodes are variables
        "SELECT ?s { [] ?p ?o }",
        "SELECT ?s FROM <http://g> { ?s ?p ?o }",
        "SELECT ?s { SERVICE <http://x> { ?s ?p ?o } }",
        "SELECT ?s { ?s ?p ?o } OFFSET 5",  # skipped rows are read too
        "SELECT ?s { ?s ?p ?o } ORDER BY ?s",  # sorting reads everything
        "SELECT DISTINCT ?p { ?s ?p ?o }",
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        "SELECT ?s { GRAPH ?g { ?s ?p ?o } }",
        "SELECT ?s { ?s ?p ?o ; ?q ?r }",
        "SELECT ?s { ?s ?p ?o , ?r }",
        "SELECT ?s { ?s ?p ?o #}\n ?a ?b ?c }",  # the comment hides a brace
        "SELECT ?x { ?x ?p $x }",  # a repeated variable filters rows
        "DESCRIBE <http://x>",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "SELECT ?s { ?s ?p ?o }" + " " * 5000,  # longer than any lookup
    ],
)
def test_not_bounded(query: str) -> None:
    assert not is_bounded(query)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """Awkward terms, a triple stated in two graphs and the default graph, blank nodes."""
    store = ox.Store()
    s, p, q = ox.NamedNode(E + "s"), ox.NamedNode(E + "p"), ox.NamedNode(E + "q")
    literals = [
        ox.Literal('tab\there, new\nline, "quotes", back\\slash, \u0001, é, 𝄞'),
        ox.Literal("Hallo", language="de-DE"),
        ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("1.5e3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")),
        ox.Literal("x", datatype=ox.NamedNode(E + "custom")),
    ]
    for i, literal in enumerate(literals):
        store.add(ox.Quad(s, p, literal, ox.NamedNode(f"{E}g{i % 2}")))
    store.add(ox.Quad(s, q, ox.BlankNode("b1")))
    store.add(ox.Quad(ox.BlankNode("b1"), p, s, ox.NamedNode(E + "g0")))
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for graph in (ox.DefaultGraph(), ox.NamedNode(E + "g0"), ox.NamedNode(E + "g1")):
        store.add(ox.Quad(s, rdf_type, ox.NamedNode(E + "Thing"), graph))
    return store


QUERIES = [
    f"SELECT ?p ?o WHERE {{ <{E}s> ?p ?o . }}",
    f"SELECT * {{ <{E}s> ?p ?o }}",
    f"SELECT ?o ?unbound ?p {{ <{E}s> ?p ?o }}",
    f"SELECT ?s {{ ?s a <{E}Thing> }}",
    f"SELECT ?s ?o {{ ?s <{E}p> ?o }} LIMIT 3",
    "SELECT * { ?s ?p ?o }",
    f"SELECT ?x {{ ?x <{E}nothing> ?y }}",
    f"SELECT ?x ?y {{ <{E}s> a <{E}Thing> }}",  # no variable in the pattern: empty rows
    f"PREFIX e: <{E}> SELECT ?o {{ e:s e:p ?o }}",
    f"SELECT ?s {{ ?s <{E}p> 'Hallo'@de-de }}",
    f"ASK {{ <{E}s> a ?t }}",
    f"ASK {{ <{E}s> <{E}nothing> ?t }}",
]


def _job(query: str, fmt: str | None, union: bool, max_rows: int = 100) -> QueryJob:
    return QueryJob(query, ResultSpec(fmt, None, max_rows), union=union)


def _worker(store: ox.Store, job: QueryJob) -> bytes:
    """What a worker sends: the SPARQL engine and the capped writer."""
    result = store.query(job.query, use_default_graph_as_union=job.union)
    out, _, _ = write_result(result, job.output, lambda kind, fmt: io.BytesIO())
    return out.getvalue()


def _rows(body: bytes, fmt: str) -> list[bytes]:
    """Rows in a canonical order (neither engine promises one without ORDER BY)."""
    if fmt in ("csv", "tsv"):
        head, *rows = body.splitlines(keepends=True)
        return [head, *sorted(rows)]
    parsed = ox.parse_query_results(body, getattr(ox.QueryResultsFormat, fmt.upper()))
    if isinstance(parsed, ox.QueryBoolean):
        return [str(bool(parsed)).encode()]
    names = [v.value for v in parsed.variables]
    return [
        repr(names).encode(),
        *sorted(repr([str(row[n]) for n in names]).encode() for row in parsed),
    ]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("union", [True, False])
@pytest.mark.parametrize("query", QUERIES)
def test_inline_answers_as_a_worker(store: ox.Store, query: str, union: bool, fmt: str) -> None:
    job = _job(query, fmt, union)
    answer = InlineStore(store).run(job)
    assert answer is not None
    expected = _worker(store, job)
    assert _rows(answer.body, fmt) == _rows(expected, fmt)
    if fmt == "json" and answer.head.kind == "solutions":
        rows = ox.parse_query_results(expected, ox.QueryResultsFormat.JSON)
        assert answer.end.rows == len(list(rows))  # type: ignore[arg-type]


EVERYTHING = "SELECT * { ?s ?p ?o }"  # read as a lookup
PREFIXED = f"PREFIX e: <{E}> SELECT ?o {{ e:s e:p ?o }}"  # read by the SPARQL engine


@pytest.mark.parametrize("query", [EVERYTHING, PREFIXED])
def test_row_cap_and_budget(store: ox.Store, query: str) -> None:
    everything = len(list(store.quads_for_pattern(None, None, None, None)))
    rows = everything if query == EVERYTHING else 5
    capped = InlineStore(store, budget=1000).run(_job(query, "tsv", True, max_rows=2))
    assert capped is not None
    assert (capped.end.rows, capped.end.truncated) == (2, True)
    assert capped.body.count(b"\n") == 3
    whole = InlineStore(store, budget=rows).run(_job(query, "tsv", True))
    assert whole is not None
    assert (whole.end.rows, whole.end.truncated) == (rows, False)
    assert InlineStore(store, budget=rows - 1).run(_job(query, "tsv", True)) is None


@pytest.mark.parametrize(
    "job",
    [
        _job("SELECT ?s { ?s ?p }", "json", True),  # a syntax error: the worker reports it
        replace(_job("SELECT ?s { ?s ?p ?o }", "json", True), default_graph=(E + "g0",)),
        replace(_job("SELECT ?s { ?s ?p ?o }", "json", True), check_graphs=(E + "g0",)),
        _job("SELECT ?s { ?s ?p ?o }", None, True),  # no acceptable format
        _job("SELECT ?s { ?s ?p ?o . ?s ?q ?r }", "json", True),
    ],
)
def test_left_to_the_workers(store: ox.Store, job: QueryJob) -> None:
    assert InlineStore(store).run(job) is None


@pytest.mark.parametrize(("over", "kind"), [(0, "memory"), (1, "disk")])
def test_the_server_copies_the_store_only_up_to_max_quads(
    tmp_path: Path, over: int, kind: str
) -> None:
    """A store with more than ``max_quads`` quads (in the default graph and named ones)
    stays on disk; up to that it is copied whole; ``max_quads=0`` (``--on-disk``) never copies."""
    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode(E + "s"), ox.NamedNode(E + "p"), ox.Literal("o")))
    store.add(
        ox.Quad(
            ox.NamedNode(E + "s"), ox.NamedNode(E + "p"), ox.Literal("o"), ox.NamedNode(E + "g")
        )
    )
    quads = len(store)
    del store
    opened = InlineStore.open(tmp_path / "store", max_quads=quads - over)
    assert opened.kind == kind
    assert set(opened.store) == set(ox.Store.read_only(str(tmp_path / "store")))
    assert InlineStore.open(tmp_path / "store", max_quads=0).kind == "disk"

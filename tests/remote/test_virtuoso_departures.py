"""Virtuoso 7's departures from SPARQL 1.1, each shown on a real Virtuoso and undone by its
adapter (:mod:`policykg.remote.virtuoso`, :mod:`policykg.backend_text`, the client)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from pyoxigraph import (
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    Variable,
    parse_query_results,
)

from policykg.backend_text import remote_text
from policykg.errors import BadRequest, QueryTimeout
from policykg.remote import RemoteStore, virtuoso
from policykg.remote.client import STORE_GRACE

from .servers import RemoteServer

XML = "application/sparql-results+xml"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = b"""\
<https://example.org/a> <https://example.org/p> <https://example.org/x> .
<https://example.org/a> <https://example.org/n> "1" .
<https://example.org/a> <https://example.org/n> "2" .
"""


@pytest.fixture
def store(virtuoso: RemoteServer) -> Iterator[tuple[RemoteStore, str]]:
    """A client of the session's Virtuoso and a graph of ``DATA`` only this test reads."""
    graph = f"https://example.org/test/{uuid.uuid4().hex}"
    with RemoteStore(virtuoso.endpoint(timeout=60)) as client:
        client.put_graph(graph, DATA)
        yield client, graph
        client.delete_graph(graph)


def _rows(body: bytes) -> list[dict[str, object]]:
    result = parse_query_results(body, format=QueryResultsFormat.XML)
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in result]


def test_departure_computed_booleans_come_back_as_integers(
    store: tuple[RemoteStore, str],
) -> None:
    client, graph = store
    query = (
        f"SELECT ?flag ?found ?n WHERE {{ VALUES ?flag {{ false }} "
        f"BIND(EXISTS {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} AS ?found) BIND(1 AS ?n) }}"
    )
    raw = client.query(query, accept=XML).body
    integer = NamedNode(XSD + "integer")
    assert _rows(raw) == [
        {"flag": Literal("0", datatype=integer), "found": Literal("1", datatype=integer),
         "n": Literal("1", datatype=integer)}
    ]  # fmt: skip
    restored = virtuoso.restore_booleans(raw, virtuoso.boolean_columns(query))
    assert _rows(restored) == [
        {"flag": Literal(False), "found": Literal(True), "n": Literal("1", datatype=integer)}
    ]


def test_departure_a_sub_select_projecting_an_unbound_variable_joins_nothing(
    store: tuple[RemoteStore, str],
) -> None:
    """The standard joins the sub-select's unbound ``?s`` with anything; Virtuoso with
    nothing, so a bound value must be bound inside the sub-select too."""
    client, graph = store
    query = (
        f"SELECT ?s ?count WHERE {{ GRAPH <{graph}> {{ ?s <https://example.org/p> ?x }} "
        f"{{ SELECT ?s (COUNT(?v) AS ?count) WHERE {{ GRAPH <{graph}> "
        f"{{ ?s <https://example.org/n> ?v }} }} GROUP BY ?s }} }}"
    )
    substitutions = {Variable("s"): NamedNode("https://example.org/a")}
    naive = query.replace("?s <https", "<https://example.org/a> <https", 2).replace(
        "WHERE {", "WHERE { VALUES (?s) { (<https://example.org/a>) }", 1
    )  # what was sent before: the value written in, the sub-select's ?s left unbound
    assert _rows(client.query(naive, accept=XML).body) == []
    sent = remote_text(query, substitutions=substitutions)
    assert _rows(client.query(sent, accept=XML).body) == [
        {
            "s": NamedNode("https://example.org/a"),
            "count": Literal("2", datatype=NamedNode(XSD + "integer")),
        }
    ]


def test_departure_sp031_on_a_union_of_bound_and_filtered_groups(
    store: tuple[RemoteStore, str],
) -> None:
    client, graph = store
    branch = (
        f"{{ GRAPH <{graph}> {{ ?s <https://example.org/p> ?x }} "
        "OPTIONAL { ?s <https://example.org/none> ?start } "
        'BIND(COALESCE(?start, ?x) AS ?date) FILTER(BOUND(?date)) BIND("b" AS ?event) }'
    )
    first = f'{{ GRAPH <{graph}> {{ ?s <https://example.org/p> ?date }} BIND("a" AS ?event) BIND(?s AS ?about) }}'
    query = f"SELECT ?event WHERE {{ {first} UNION {branch} }} ORDER BY ?event"
    with pytest.raises(BadRequest, match=virtuoso.SP031):
        client.query(query, accept=XML)
    rows = _rows(client.query(virtuoso.isolate_unions(query), accept=XML).body)
    assert rows == [{"event": Literal("a")}, {"event": Literal("b")}]


def test_departure_the_time_limit_answers_part_of_a_result(
    store: tuple[RemoteStore, str],
) -> None:
    """Given its ``timeout``, Virtuoso stops the query and answers 200 with the rows so
    far (``X-SQL-State: S1TAT``); the client makes that a time-out, on time."""
    client, _ = store
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    with pytest.raises(
        QueryTimeout, match=r"stopped the query at its time limit \(X-SQL-State: S1TAT\)"
    ):
        client.query(query, accept=XML, timeout=1)
    assert time.monotonic() - started < 1 + STORE_GRACE


def test_departure_a_filter_on_a_variable_bound_from_exists_misreads_it(
    store: tuple[RemoteStore, str],
) -> None:
    """Over a dataset, ``BIND(EXISTS {…} AS ?c) FILTER(!?c)`` keeps every row but
    projects ``?c`` as true; with the ``EXISTS`` itself in the filter it is false."""
    client, graph = store
    query = (
        "SELECT ?n ?c WHERE { ?s <https://example.org/n> ?n "
        "BIND(EXISTS { ?s <https://example.org/none> ?x } AS ?c) FILTER(!?c) } ORDER BY ?n"
    )
    integer = NamedNode(XSD + "integer")
    answers = []
    for text in (query, virtuoso.inline_exists(query)):
        body = client.query(text, accept=XML, default_graphs=[graph], named_graphs=[graph]).body
        answers.append([(row["n"], row["c"]) for row in _rows(body)])
    wrong, right = answers
    assert wrong == [
        (Literal("1"), Literal("1", datatype=integer)),
        (Literal("2"), Literal("1", datatype=integer)),
    ]
    assert right == [
        (Literal("1"), Literal("0", datatype=integer)),
        (Literal("2"), Literal("0", datatype=integer)),
    ]


def test_departure_ask_is_answered_as_a_result_set(store: tuple[RemoteStore, str]) -> None:
    client, graph = store
    body = client.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", accept=XML).body
    assert _rows(body) == [{"__ASK_RETVAL": Literal("1", datatype=NamedNode(XSD + "integer"))}]
    assert client.ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}") is True
    assert client.ask(f"ASK {{ GRAPH <{graph}> {{ ?s <https://example.org/none> ?o }} }}") is False

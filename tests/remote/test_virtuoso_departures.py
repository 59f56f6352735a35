"""Virtuoso 7's departures from SPARQL 1.1, each shown on a real Virtuoso and undone by its
adapter (:mod:`policykg.remote.virtuoso`, :mod:`policykg.backend_text`, the client)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from pyoxigraph import (
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Variable,
    parse_query_results,
)

from policykg.backend_text import remote_text
from policykg.errors import BadRequest, QueryTimeout
from policykg.remote import RemoteStore, virtuoso
from policykg.remote.client import STORE_GRACE
from policykg.remote.errors import StoreError
from policykg.settings import Settings

from .servers import RemoteServer

XML = "application/sparql-results+xml"
XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = b"""\
<https://example.org/a> <https://example.org/p> <https://example.org/x> .
<https://example.org/a> <https://example.org/n> "1" .
<https://example.org/a> <https://example.org/n> "2" .
"""


@contextlib.contextmanager
def _own_graph(virtuoso: RemoteServer, data: bytes) -> Iterator[tuple[RemoteStore, str]]:
    """A client of the session's Virtuoso and a graph of ``data`` only one test reads."""
    graph = f"https://example.org/test/{uuid.uuid4().hex}"
    with RemoteStore(virtuoso.endpoint(timeout=60)) as client:
        client.put_graph(graph, data)
        yield client, graph
        client.delete_graph(graph)


@pytest.fixture
def store(virtuoso: RemoteServer) -> Iterator[tuple[RemoteStore, str]]:
    """A graph of ``DATA``."""
    with _own_graph(virtuoso, DATA) as made:
        yield made


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


# -- one-or-more and zero-or-more paths -------------------------------------------------------

EX = "https://example.org/"
#: Two routes from a to c (a b c, a c); c has nothing broader; d only e, which the
#: queries' FILTER refuses.
HIERARCHY = b"""\
<https://example.org/a> <https://example.org/broader> <https://example.org/b> .
<https://example.org/b> <https://example.org/broader> <https://example.org/c> .
<https://example.org/a> <https://example.org/broader> <https://example.org/c> .
<https://example.org/d> <https://example.org/broader> <https://example.org/e> .
<https://example.org/a> <https://example.org/label> "a" .
<https://example.org/b> <https://example.org/label> "b" .
<https://example.org/c> <https://example.org/label> "c" .
<https://example.org/d> <https://example.org/label> "d" .
"""
IN_OPTIONAL = (
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?x ex:label ?l "
    "OPTIONAL { ?x ex:broader+ ?up FILTER(?up != ex:e) } }"
)
FROM_AN_IRI = "PREFIX ex: <https://example.org/> SELECT ?up WHERE { ex:a ex:broader* ?up }"
OUTSIDE_OPTIONAL = (
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?x ex:label ?l . ?x ex:broader+ ?up }"
)


@pytest.fixture
def hierarchy(virtuoso: RemoteServer) -> Iterator[tuple[RemoteStore, str]]:
    """A graph of ``HIERARCHY``."""
    with _own_graph(virtuoso, HIERARCHY) as made:
        yield made


def _on(client: RemoteStore, graph: str, query: str) -> Counter[tuple[str | None, ...]]:
    """The rows Virtuoso answers for ``query`` over ``graph`` (as the API asks: the graph as
    the dataset's default and named graph), each row with how often it comes."""
    body = client.query(query, accept=XML, default_graphs=[graph], named_graphs=[graph]).body
    return _counted(parse_query_results(body, format=QueryResultsFormat.XML))


def _embedded(query: str) -> Counter[tuple[str | None, ...]]:
    """The rows the embedded store (pyoxigraph) answers for ``query`` over ``HIERARCHY``."""
    store = Store()
    store.load(HIERARCHY, format=RdfFormat.N_TRIPLES)
    return _counted(store.query(query))


def _counted(result: object) -> Counter[tuple[str | None, ...]]:
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return Counter(
        tuple(None if s[n] is None else s[n].value.removeprefix(EX) for n in names) for s in result
    )


def test_departure_a_transitive_path_answers_a_row_per_route(
    hierarchy: tuple[RemoteStore, str],
) -> None:
    """``?x ex:broader+ ?up`` inside ``OPTIONAL`` gives a→c once per route and drops the
    rows it does not match (c, and d whose only match the FILTER refuses); from an IRI
    (``ex:a ex:broader* ?up``) it counts routes too. Sent as a ``SELECT DISTINCT`` of its
    ends (:func:`virtuoso.distinct_paths`), both answer the embedded store's rows."""
    client, graph = hierarchy
    assert _on(client, graph, IN_OPTIONAL) == Counter({("a", "b"): 1, ("a", "c"): 2, ("b", "c"): 1})
    assert _embedded(IN_OPTIONAL) == Counter(
        {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1, ("c", None): 1, ("d", None): 1}
    )
    assert _on(client, graph, FROM_AN_IRI) == Counter({("a",): 1, ("b",): 1, ("c",): 2})
    for query in (IN_OPTIONAL, FROM_AN_IRI):
        sent = virtuoso.distinct_paths(query)
        assert sent != query
        assert _on(client, graph, sent) == _embedded(query)


def test_departure_a_transitive_path_needs_its_start_given(
    hierarchy: tuple[RemoteStore, str],
) -> None:
    """A sub-select of a path whose two ends are variables is refused (Virtuoso evaluates
    a transitive path only from a start it is given) outside ``OPTIONAL``, and in an
    ``OPTIONAL`` with nothing on its left in its group. Outside ``OPTIONAL``,
    :func:`virtuoso.distinct_paths` has the sub-select find the starts first (the subjects
    of the path's first step), which Virtuoso accepts and answers as the embedded store
    does; the path in the ``OPTIONAL`` is left as it is, and still counts routes."""
    client, graph = hierarchy
    as_set = "{ SELECT DISTINCT ?x ?up WHERE { ?x ex:broader+ ?up } }"
    first_in_its_group = OUTSIDE_OPTIONAL.replace(
        "?x ex:broader+ ?up", "{ OPTIONAL { ?x ex:broader+ ?up } }"
    )
    for query in (OUTSIDE_OPTIONAL, first_in_its_group):
        with pytest.raises(StoreError, match="transitive start not given"):
            _on(client, graph, query.replace("?x ex:broader+ ?up", as_set))
    routes = Counter({("a", "c"): 1})
    assert _on(client, graph, OUTSIDE_OPTIONAL) == _embedded(OUTSIDE_OPTIONAL) + routes
    sent = virtuoso.distinct_paths(OUTSIDE_OPTIONAL)
    assert sent != OUTSIDE_OPTIONAL
    assert _on(client, graph, sent) == _embedded(OUTSIDE_OPTIONAL)
    assert virtuoso.distinct_paths(first_in_its_group) == first_in_its_group
    assert _on(client, graph, first_in_its_group) == _embedded(first_in_its_group) + routes


def test_a_transitive_path_from_its_starts_is_the_standards_on_virtuoso(
    hierarchy: tuple[RemoteStore, str],
) -> None:
    """Two variable ends outside ``OPTIONAL``, forwards and backwards, beside a variable
    that has the starts' name, and elsewhere in a query (:data:`ELSEWHERE`, in
    ``OPTIONAL`` too): each pair once, as on the embedded store."""
    client, graph = hierarchy
    for path in (
        "ex:broader+",
        "^ex:broader+",
        "<https://example.org/broader>+",
        "(ex:broader|ex:label)+",
    ):
        query = OUTSIDE_OPTIONAL.replace("ex:broader+", path).replace(
            "?x ex:label ?l", "?x ex:label ?policykg_start"
        )
        sent = virtuoso.distinct_paths(query)
        assert "?policykg_start1 }" in sent
        assert _on(client, graph, sent) == _embedded(query), path
    for query in ELSEWHERE:
        sent = virtuoso.distinct_paths(query)
        assert sent != query
        assert _on(client, graph, sent) == _embedded(query), query


#: Two variable ends in other places of a query.
ELSEWHERE = [
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { { ?x ex:label ?l . "
    "?x ex:broader+ ?up } UNION { ?x ex:label 'none' } }",
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?x ex:label ?l . "
    "{ ?x ex:broader+ ?up } }",
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { { SELECT ?x ?up WHERE "
    "{ ?x ex:broader+ ?up } } }",
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?x ex:broader+ ?up . "
    "?up ex:label ?l }",
    "PREFIX ex: <https://example.org/> SELECT (COUNT(*) AS ?n) WHERE { ?x ex:broader+ ?up }",
    # in an OPTIONAL whose left gives neither end, or not directly in it
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?x ex:label ?l OPTIONAL "
    "{ { ?x ex:broader+ ?up } } }",
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?y ex:label ?l "
    "FILTER(?l != 'zz') OPTIONAL { ?x ex:broader+ ?up FILTER(?up != ex:e) } }",
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?x ex:label ?l OPTIONAL "
    "{ ?x ex:label ?m OPTIONAL { ?z ex:label ?n . ?x ex:broader+ ?up } } }",
    "PREFIX ex: <https://example.org/> SELECT ?x ?up WHERE { ?x ex:label ?l OPTIONAL "
    "{ { ?x ex:broader+ ?up } UNION { ?x ex:label 'q' } } }",
]


def test_distinct_paths_sends_the_jurisdictions_path_as_a_set() -> None:
    text = (Settings().queries_dir / "jurisdictions.rq").read_text(encoding="utf-8")
    triple = "?jurisdiction skos:broader+ ?part_of"
    assert text.count(triple) == 1
    assert virtuoso.distinct_paths(text) == text.replace(
        triple,
        "{ SELECT DISTINCT ?jurisdiction ?part_of WHERE { ?jurisdiction skos:broader+ ?part_of } }",
    )


@pytest.mark.parametrize(
    ("pattern", "sent"),
    [
        (  # an IRI at one end: anywhere in the query's own groups
            "<https://e/a> skos:broader* ?up . ?up a ?t",
            "{ SELECT DISTINCT ?up WHERE { <https://e/a> skos:broader* ?up } } . ?up a ?t",
        ),
        (
            "?x a ?t . ?x ^skos:broader+ e:top",
            "?x a ?t . { SELECT DISTINCT ?x WHERE { ?x ^skos:broader+ e:top } }",
        ),
        (  # two variables: directly inside OPTIONAL, with what else is there
            "?x a ?t OPTIONAL { ?up a ?u . ?x (e:p|e:q)* ?up FILTER(?up != ?x) }",
            "?x a ?t OPTIONAL { ?up a ?u . { SELECT DISTINCT ?x ?up WHERE "
            "{ ?x (e:p|e:q)* ?up } } FILTER(?up != ?x) }",
        ),
        (
            "?x a ?t OPTIONAL { ?x <https://e/p>+ $up }",
            "?x a ?t OPTIONAL { { SELECT DISTINCT ?x $up WHERE { ?x <https://e/p>+ $up } } }",
        ),
        (  # two variables outside OPTIONAL: the starts found first, for a one-IRI `+` path
            "?x a ?t . ?x skos:broader+ ?up",
            "?x a ?t . { SELECT DISTINCT ?x ?up WHERE { { SELECT DISTINCT ?x WHERE "
            "{ ?x skos:broader ?policykg_start } } ?x skos:broader+ ?up } }",
        ),
        (  # in an OPTIONAL that does not give an end: the starts found first too
            "?x a ?t OPTIONAL { { ?x skos:broader+ ?up } }",
            "?x a ?t OPTIONAL { { { SELECT DISTINCT ?x ?up WHERE { { SELECT DISTINCT ?x WHERE "
            "{ ?x skos:broader ?policykg_start } } ?x skos:broader+ ?up } } } }",
        ),
        (
            "?y a ?t FILTER(?x) OPTIONAL { ?x skos:broader+ ?up }",
            "?y a ?t FILTER(?x) OPTIONAL { { SELECT DISTINCT ?x ?up WHERE { { SELECT DISTINCT "
            "?x WHERE { ?x skos:broader ?policykg_start } } ?x skos:broader+ ?up } } }",
        ),
        (
            "?x a ?t . ?x (skos:broader|^skos:narrower)+ ?up",
            "?x a ?t . { SELECT DISTINCT ?x ?up WHERE { { SELECT DISTINCT ?x WHERE "
            "{ ?x (skos:broader|^skos:narrower) ?policykg_start } } "
            "?x (skos:broader|^skos:narrower)+ ?up } }",
        ),
        (
            "?x a ?t . ?x ^ <https://e/p> + ?up",
            "?x a ?t . { SELECT DISTINCT ?x ?up WHERE { { SELECT DISTINCT ?x WHERE "
            "{ ?x ^<https://e/p> ?policykg_start } } ?x ^ <https://e/p> + ?up } }",
        ),
    ],
)
def test_distinct_paths_rewrites(pattern: str, sent: str) -> None:
    assert virtuoso.distinct_paths(f"SELECT * WHERE {{ {pattern} }}") == (
        f"SELECT * WHERE {{ {sent} }}"
    )


@pytest.mark.parametrize(
    "pattern",
    [
        "?x a ?t . ?x skos:broader* ?up",  # two variables, zero or more: no start to give
        "?x a ?t . ?x (skos:broader|skos:related)* ?up",  # nor for alternatives under *
        "?x a ?t { OPTIONAL { ?x skos:broader+ ?up } }",  # nothing on the OPTIONAL's left
        "?x a ?t OPTIONAL { ?x skos:broader+ ?up ; a ?u }",  # a predicate list goes on
        "?x a ?t OPTIONAL { ?x skos:broader+ ?up, ?down }",  # an object list goes on
        "?x a ?t OPTIONAL { ?x skos:broader/skos:related+ ?up }",  # a sequence: a multiset
        "?x a ?t OPTIONAL { ?x (skos:broader)/(skos:related)+ ?up }",
        "?x a ?t OPTIONAL { ?x skos:broader ?up }",
        "?x a ?t OPTIONAL { ?x skos:broader* ?x }",  # one variable at both ends
        "<https://e/a> skos:broader+ <https://e/b>",  # no variable
        "?x a ?t OPTIONAL { ?x skos:broader+ [ a ?u ] }",  # a blank node
        "?x a ?t OPTIONAL { ?x skos:broader+ 'top' }",
        "?x a ?t FILTER NOT EXISTS { <https://e/a> skos:broader* ?x }",  # rows not counted
        "?x a ?t MINUS { <https://e/a> skos:broader* ?x }",
        "GRAPH ?g { ?x a ?t OPTIONAL { ?x skos:broader+ ?up } }",  # a sub-select's graph
        "?x a ?t OPTIONAL { ?x ?p ?up } # ?x skos:broader+ ?up\n",  # a comment
        "?x a ?t OPTIONAL { ?x ?p ?up FILTER(?up != '?x skos:broader+ ?up') }",  # a string
    ],
)
def test_distinct_paths_leaves_alone(pattern: str) -> None:
    text = f"SELECT * WHERE {{ {pattern} }}"
    assert virtuoso.distinct_paths(text) == text

"""Property tests (hypothesis): generated SPARQL and RDF never crash the scan, the
protocol or the Graph Store, never reach out, and a refused write changes nothing.

- SPARQL texts come from a grammar-ish strategy: nested groups (OPTIONAL, MINUS, UNION,
  GRAPH, sub-queries, FILTER with nested parentheses), ``SERVICE``/``FROM``/``LOAD`` in odd
  spellings (mixed case, comments and line breaks between keyword and IRI, ``SILENT``), and
  decoys (the same words inside strings, comments and IRIs), plus arbitrary text. The
  generator knows where it put a real ``SERVICE`` or ``FROM``: the scan must then report
  that IRI or refuse the text; it may never let it through unseen.
- Through the protocol (GET, direct POST, form POST) the answers are 200, 400, 403, 413 or
  503, never another 5xx, and the loopback listener named in every SERVICE and FROM sees
  no connection.
- RDF bodies (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) are generated from
  random triples, then sent whole or broken (cut short, a byte changed, junk appended) to
  ``PUT /store``: a valid body is stored exactly (the graph read back is isomorphic), a
  broken one is a 400 and the store's quads are the same before and after.

Runs are derandomised (the same examples every run) and bounded (``max_examples``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from policykg.errors import BadRequest
from policykg.sparql.safety import scan_query, scan_update
from tests.api.apisupport import AUTH

from .conftest import Listener

QUICK = settings(max_examples=60, derandomize=True, deadline=None, database=None)
SLOW = settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WRITES = settings(SLOW, max_examples=8)
#: What the grammar puts where an IRI goes for SERVICE and FROM (replaced by the listener's URL).
TARGET = "http://127.0.0.1:9/"
QJSON = {"Accept": "application/sparql-results+json"}


@dataclass(frozen=True)
class Text:
    """A generated SPARQL text and the remote IRIs it really names as SERVICE / FROM."""

    text: str
    services: tuple[str, ...] = ()
    dataset: tuple[str, ...] = ()

    def __add__(self, other: Text) -> Text:
        return Text(
            self.text + other.text,
            self.services + other.services,
            self.dataset + other.dataset,
        )


def _spelled(word: str) -> st.SearchStrategy[str]:
    """``word`` with each letter in either case."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flips: "".join(
            c.upper() if f else c.lower() for c, f in zip(word, flips, strict=True)
        )
    )


#: What may stand between a keyword and what follows it: spaces, line breaks, comments.
GAP = st.sampled_from([" ", "  ", "\n", "\t", " # SERVICE <http://decoy/>\n", "\r\n", "#\n"])
DECOY = st.sampled_from(
    [
        "?s ?p 'SERVICE <http://decoy/> { }' .",
        '?s ?p """FROM <http://decoy/>""" .',
        "?s <http://e/SERVICE> ?o .",
        "?s ?p ?o . # SERVICE <http://decoy/> { }\n",
        "?from ?service ?load .",
        '?s <http://e/p> "LOAD <http://decoy/>" .',
        "?s prov:wasDerivedFrom ?o .",
    ]
)
TRIPLE = st.sampled_from(["?s ?p ?o .", "?s <http://example.org/name> ?n .", "?a ?b 1 ."])


def _expression(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return st.sampled_from(["1", "?o", "true", "'x'", "?n > 2", "BOUND(?s)"])
    inner = _expression(depth - 1)
    return st.one_of(
        inner,
        inner.map(lambda e: f"({e})"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} && {t[1]})"),
        inner.map(lambda e: f"!({e})"),
    )


@st.composite
def _group(draw: st.DrawFn, depth: int) -> Text:
    """``{ … }`` with up to four elements, each maybe nested further."""
    parts = [Text("{ ")]
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 9 if depth > 0 else 3))
        if choice <= 1:
            parts.append(Text(draw(TRIPLE) + " "))
        elif choice == 2:
            parts.append(Text(draw(DECOY) + " "))
        elif choice == 3:
            parts.append(Text(f"FILTER({draw(_expression(draw(st.integers(0, 6))))}) "))
        elif choice == 4:
            keyword = draw(st.sampled_from(["OPTIONAL", "MINUS", "GRAPH ?g"]))
            parts.append(Text(keyword + " ") + draw(_group(depth - 1)))
        elif choice == 5:
            parts.append(draw(_group(depth - 1)) + Text(" UNION ") + draw(_group(depth - 1)))
        elif choice == 6:
            parts.append(Text("{ SELECT * WHERE ") + draw(_group(depth - 1)) + Text(" } "))
        else:  # a real SERVICE call, spelled oddly
            keyword = draw(_spelled("service"))
            silent = draw(st.sampled_from(["", "SILENT" + draw(GAP), "silent "]))
            head = keyword + draw(GAP) + silent + f"<{TARGET}>" + draw(GAP)
            parts.append(Text(head, (TARGET,)) + draw(_group(depth - 1)))
    return _join(parts) + Text(" } ")


def _join(parts: list[Text]) -> Text:
    out = Text("")
    for part in parts:
        out = out + part
    return out


@st.composite
def queries(draw: st.DrawFn) -> Text:
    """A SELECT or ASK query, maybe with FROM / FROM NAMED, over a nested group."""
    prologue = Text(draw(st.sampled_from(["", "PREFIX prov: <http://www.w3.org/ns/prov#>\n"])))
    form = Text(draw(st.sampled_from(["SELECT * ", "select ?s ", "ASK "])))
    dataset = Text("")
    for _ in range(draw(st.integers(0, 2))):
        keyword = draw(_spelled("from")) + draw(st.sampled_from([" ", " NAMED ", " named "]))
        dataset = dataset + Text(keyword + f"<{TARGET}>" + draw(GAP), dataset=(TARGET,))
    where = Text(draw(st.sampled_from(["WHERE ", "where ", ""])))
    return prologue + form + dataset + where + draw(_group(draw(st.integers(0, 4))))


ANY_TEXT = st.one_of(
    st.text(max_size=300),
    st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace")),
    st.lists(
        st.sampled_from(
            [
                "SERVICE",
                "service",
                "LOAD",
                "FROM",
                "<",
                ">",
                "{",
                "}",
                "(",
                ")",
                "'",
                '"',
                "#",
                "\n",
                "?x",
                "1",
                "SILENT",
                "INTO",
                "GRAPH",
                ":",
                "a:b",
            ]
        ),
        max_size=40,
    ).map(" ".join),
)


def _scan_sound(text: Text, *, update: bool = False) -> None:
    """The scan reports every real SERVICE and FROM target, or refuses the text."""
    try:
        scan = scan_update(text.text) if update else scan_query(text.text)
    except BadRequest:
        return  # refused: nothing runs
    for iri in text.services:
        assert iri in scan.services, text.text
    for iri in text.dataset:
        assert iri in scan.dataset, text.text


@QUICK
@given(queries())
def test_the_scan_sees_every_service_and_from_or_refuses(text: Text) -> None:
    _scan_sound(text)


@QUICK
@given(ANY_TEXT)
def test_the_scan_of_any_text_returns_or_refuses_never_crashes(text: str) -> None:
    try:
        scan_query(text)
        scan_update(text)
    except BadRequest:
        pass


@st.composite
def updates(draw: st.DrawFn) -> Text:
    """An update with LOAD or a SERVICE inside its WHERE, in odd spellings."""
    if draw(st.booleans()):
        load = draw(_spelled("load")) + draw(GAP) + draw(st.sampled_from(["", "SILENT "]))
        into = draw(st.sampled_from(["", " INTO GRAPH <http://e/g>"]))
        return Text(load + f"<{TARGET}>" + into)
    where = draw(_group(draw(st.integers(0, 3))))
    return Text("INSERT { ?s ?p ?o } WHERE ") + where


@QUICK
@given(updates())
def test_the_update_scan_sees_every_load_and_service_or_refuses(text: Text) -> None:
    try:
        scan = scan_update(text.text)
    except BadRequest:
        return
    if text.text.lower().startswith("load"):
        assert TARGET in scan.loads, text.text
    for iri in text.services:
        assert iri in scan.services, text.text


def _sent(text: str, listener: Listener) -> str:
    return text.replace(TARGET, listener.url)


@SLOW
@given(st.one_of(queries(), ANY_TEXT.map(Text)), st.sampled_from(["get", "direct", "form"]))
def test_generated_queries_through_the_protocol_never_5xx_nor_reach_out(
    reader: TestClient, listener: Listener, text: Text, how: str
) -> None:
    before = listener.connections
    query = _sent(text.text, listener)
    if how == "get":
        response = reader.get("/sparql", params={"query": query}, headers=QJSON)
    elif how == "direct":
        headers = {**QJSON, "Content-Type": "application/sparql-query"}
        response = reader.post("/sparql", content=query.encode(), headers=headers)
    else:
        response = reader.post("/sparql", data={"query": query}, headers=QJSON)
    assert response.status_code in (200, 400, 403, 413, 503), response.text
    if response.status_code != 200:
        body = response.json()
        assert body["status"] == response.status_code
        assert set(body) == {
            "error",
            "message",
            "status",
        }
    if text.services or text.dataset:
        assert response.status_code in (400, 403), (query, response.text)
    assert listener.connections == before


# --- RDF bodies through the Graph Store ------------------------------------------------

IRIS = st.sampled_from([f"http://example.org/fuzz/{n}" for n in "abcde"])
LITERALS = st.one_of(
    st.text(max_size=20).filter(lambda t: "\x00" not in t).map(ox.Literal),
    st.integers(-(10**6), 10**6).map(
        lambda i: ox.Literal(
            str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
        )
    ),
    st.sampled_from(["en", "nl", "de-DE"]).map(lambda lang: ox.Literal("tekst", language=lang)),
)
TRIPLES = st.lists(
    st.tuples(IRIS, IRIS, st.one_of(IRIS.map(ox.NamedNode), LITERALS)).map(
        lambda t: ox.Triple(ox.NamedNode(t[0]), ox.NamedNode(t[1]), t[2])
    ),
    min_size=1,
    max_size=8,
)
UPLOAD_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@st.composite
def breakage(draw: st.DrawFn, body: bytes) -> bytes:
    """``body`` made invalid: cut short, a structural byte replaced, or junk appended."""
    how = draw(st.sampled_from(["cut", "byte", "junk"]))
    if how == "cut":
        return body[: draw(st.integers(0, max(0, len(body) - 2)))]
    if how == "byte":
        at = draw(st.integers(0, len(body) - 1))
        return body[:at] + draw(st.sampled_from([b"<", b"{", b'"', b"\xff", b"@"])) + body[at + 1 :]
    return body + draw(st.sampled_from([b" <http://x", b" }}}", b"\xff\xfe", b' "open']))


def _quads(writer: TestClient) -> list[tuple[str, ...]]:
    """Every quad of the store, as sorted rows (the state a refused write must not change)."""
    query = "SELECT ?s ?p ?o ?g { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    response = writer.get("/sparql", params={"query": query, "format": "tsv"})
    assert response.status_code == 200, response.text
    return sorted(tuple(line.split("\t")) for line in response.text.splitlines()[1:])


@WRITES
@given(TRIPLES, st.sampled_from(sorted(UPLOAD_FORMATS)), st.booleans(), st.data())
def test_generated_rdf_is_stored_exactly_or_refused_without_a_trace(
    writer: TestClient, triples: list[ox.Triple], media: str, broken: bool, data: Any
) -> None:
    body = ox.serialize(triples, format=UPLOAD_FORMATS[media])
    assert body is not None
    if broken:
        body = data.draw(breakage(body))
    graph = "http://example.org/fuzz-graph"
    before = _quads(writer)
    response = writer.put(
        "/store", params={"graph": graph}, content=body, headers={**AUTH, "Content-Type": media}
    )
    assert response.status_code in (201, 204, 400, 503), response.text
    if response.status_code in (201, 204):
        stored = writer.get(
            "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}
        )
        expected = Graph().parse(data=body.decode("utf-8", "replace"), format=_rdflib(media))
        assert isomorphic(Graph().parse(data=stored.text, format="nt"), expected)
    else:
        assert not broken or response.status_code != 503
        assert response.json()["status"] == response.status_code
        assert _quads(writer) == before, "a refused write changed the store"
    if not broken:
        assert response.status_code in (201, 204), response.text


def _rdflib(media: str) -> str:
    return {"text/turtle": "turtle", "application/n-triples": "nt",
            "application/ld+json": "json-ld", "application/rdf+xml": "xml"}[media]  # fmt: skip


@pytest.fixture(autouse=True)
def _listener_is_closed_to_nobody(listener: Listener) -> None:
    """Every test here starts with the listener up (a session fixture)."""
    assert listener.port > 0

"""Content negotiation: q-values, wildcards, aliases, format= and 406."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from policykg.errors import NotAcceptable
from policykg.formats import GRAPHS, SOLUTIONS, content_type, negotiate


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("*/*", "json"),
        ("application/json", "json"),
        ("text/*", "csv"),
        ("text/csv;q=0.4, text/tab-separated-values;q=0.5", "tsv"),
        ("application/sparql-results+xml, */*;q=0.1", "xml"),
        ("text/*;q=0, */*;q=0.5", "json"),
        ("text/csv;q=0, text/*", "tsv"),
        ("application/xml", "xml"),
        ("text/csv;q=oops, application/json;q=0.1", "json"),
    ],
)
def test_solutions(accept: str | None, expected: str) -> None:
    assert negotiate(accept, SOLUTIONS).name == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "turtle"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.8", "rdfxml"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_graphs(accept: str | None, expected: str) -> None:
    assert negotiate(accept, GRAPHS).name == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ttl", "turtle"), ("turtle", "turtle"), ("text/turtle", "turtle"), ("NT", "ntriples"),
     ("json-ld", "jsonld"), ("rdf", "rdfxml")],
)  # fmt: skip
def test_format_parameter_wins(name: str, expected: str) -> None:
    chosen = negotiate("application/sparql-results+json", GRAPHS, format_param=name)
    assert chosen.name == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a.ttl", ox.RdfFormat.TURTLE), ("a.TRIG", ox.RdfFormat.TRIG), ("a.nq", ox.RdfFormat.N_QUADS),
     ("a.jsonld", ox.RdfFormat.JSON_LD), ("a.owl", ox.RdfFormat.RDF_XML), ("a.nt", ox.RdfFormat.N_TRIPLES)],
)  # fmt: skip
def test_file_extensions(path: str, expected: ox.RdfFormat) -> None:
    fmt = GRAPHS.for_path(path)
    assert fmt is not None
    assert fmt.rdf == expected
    assert GRAPHS.for_path("a.csv") is None


def test_media_types_and_iris_are_pyoxigraphs() -> None:
    """One table: every entry's media type and extension come from pyoxigraph's format."""
    for fmt in (*SOLUTIONS.formats, *GRAPHS.formats):
        assert fmt.media_type == fmt.syntax.media_type.split(";")[0]
        assert GRAPHS.by_name(fmt.media_type) is fmt or SOLUTIONS.by_name(fmt.media_type) is fmt
    assert [f.media_type for f in SOLUTIONS.formats] == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]


def test_not_acceptable_messages() -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate("text/csv", GRAPHS)
    assert caught.value.message.startswith(
        "none of the accepted media types (text/csv) is available for CONSTRUCT/DESCRIBE results"
    )
    with pytest.raises(NotAcceptable) as caught:
        negotiate(None, SOLUTIONS, format_param="turtle")
    assert caught.value.message == (
        "format 'turtle' is not available for SELECT/ASK results; available: json, xml, csv, tsv"
    )


def test_content_type() -> None:
    assert content_type(GRAPHS.formats[4]) == "application/ld+json"
    assert content_type(GRAPHS.formats[0]) == "text/turtle; charset=utf-8"

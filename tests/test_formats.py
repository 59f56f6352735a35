"""Content negotiation: q-values, wildcards, aliases, format= and 406."""

from __future__ import annotations

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


@pytest.mark.parametrize("name", ["ttl", "turtle", "text/turtle", "NT", "json-ld", "rdf"])
def test_format_parameter_wins(name: str) -> None:
    assert negotiate("application/sparql-results+json", GRAPHS, format_param=name) is not None


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

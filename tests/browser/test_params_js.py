"""params.js, run in Chromium: a named query's defaults become a VALUES block in its WHERE group."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page

from .conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.server]

DATE: dict[str, Any] = {"name": "day", "type": "xsd:date", "default": "2024-10-01", "doc": "a day"}


@pytest.fixture
def page(browser: BrowserContext, server: Server) -> Page:
    page = browser.new_page()
    page.goto(server.url + "/")
    page.wait_for_function("window.PolicykgParams !== undefined")
    return page


def bind(page: Page, sparql: str, params: list[dict[str, Any]]) -> str:
    text: str = page.evaluate(
        "([q, p]) => window.PolicykgParams.withParameters(q, p, 'demo')", [sparql, params]
    )
    return text


def values_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if "VALUES" in line)


def test_block_goes_into_the_outer_where_group(page: Page) -> None:
    sparql = (
        "# title: a { brace } and WHERE in a comment\n"
        "PREFIX a: <http://example.org/x#>\n"
        'SELECT (CONCAT("{", ?s) AS ?t) WHERE {\n'
        "  { SELECT ?s WHERE { ?s a:p ?day } }\n"
        "}\n"
    )
    text = bind(page, sparql, [DATE])
    outer = sparql.index(") WHERE {") + len(") WHERE {")
    assert text.startswith(sparql[:outer] + "\n  # Parameters of the named query")
    assert text.endswith("\n\n  { SELECT ?s WHERE { ?s a:p ?day } }\n}\n")
    assert values_line(text) == (
        'VALUES (?day) { ("2024-10-01"^^<http://www.w3.org/2001/XMLSchema#date>) }'
    )


def test_construct_template_is_not_the_where_group(page: Page) -> None:
    sparql = "PREFIX a: <http://example.org/>\nCONSTRUCT { ?s a:on ?day } WHERE { ?s a:p ?o }"
    text = bind(page, sparql, [DATE])
    assert text.startswith("PREFIX a: <http://example.org/>\nCONSTRUCT { ?s a:on ?day } WHERE {\n")
    assert text.endswith("\n ?s a:p ?o }")


def test_terms_by_type_are_escaped(page: Page) -> None:
    params: list[dict[str, Any]] = [
        {"name": "s", "type": "xsd:string", "default": 'say "hi"\n} DROP ALL'},
        {"name": "org", "type": "iri", "default": "https://example.org/a b>"},
        {"name": "n", "type": "xsd:integer", "default": "12"},
        {"name": "free", "type": "xsd:boolean", "default": None},
    ]
    text = bind(page, "ASK { ?x ?y ?z }", params)
    assert values_line(text) == (
        'VALUES (?s ?org ?n ?free) { ("say \\"hi\\"\\n} DROP ALL" '
        "<https://example.org/a%20b%3E> "
        '"12"^^<http://www.w3.org/2001/XMLSchema#integer> UNDEF) }'
    )


def test_queries_without_parameters_are_unchanged(page: Page) -> None:
    sparql = "SELECT * WHERE { ?s ?p ?o }"
    assert bind(page, sparql, []) == sparql
    assert bind(page, "SELECT * WHERE { ?s ?p ?o }", [DATE]) != sparql

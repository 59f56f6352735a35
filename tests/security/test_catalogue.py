"""A catalogue of hostile requests: each answers an exact status and the JSON error shape.

Cases are grouped as an attacker would try them: outbound requests (SSRF) in every
spelling, with a loopback listener that counts connections (it must see none);
injection through named-query parameters; parser bombs; encodings; headers; access.
No case may answer a 5xx (503 is allowed for time limits, and no case here hits one).
``{L}`` in a case stands for the listener's URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.apisupport import AUTH

from .conftest import Listener

QJSON = {"Accept": "application/sparql-results+json"}
SQ = {"Content-Type": "application/sparql-query"}
SU = {"Content-Type": "application/sparql-update"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TTL = {"Content-Type": "text/turtle"}
XML = {"Content-Type": "application/rdf+xml"}
JSONLD = {"Content-Type": "application/ld+json"}
RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + f']><rdf:RDF {RDF}><rdf:Description rdf:about="http://e/s">'
    "<rdf:value>&i;</rdf:value></rdf:Description></rdf:RDF>"
)
NESTED = "SELECT * { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"


@dataclass
class Case:
    """One hostile request and what it must answer."""

    id: str
    method: str
    path: str
    status: int
    title: str | None = None
    fragment: str | None = None
    params: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: str | bytes | None = None
    writer: bool = False  # sent to the endpoint with updates enabled (with the token)


def q(id: str, query: str, status: int, title: str | None, fragment: str | None) -> Case:
    return Case(id, "GET", "/sparql", status, title, fragment, {"query": query}, QJSON)


def u(id: str, update: str, status: int, title: str | None, fragment: str | None) -> Case:
    return Case(id, "POST", "/sparql", status, title, fragment, None, {**SU, **AUTH}, update,
                writer=True)  # fmt: skip


def p(id: str, params: dict[str, str], status: int, fragment: str | None) -> Case:
    title = "Bad parameter" if status == 400 else None
    return Case(id, "GET", "/queries/typed", status, title, fragment, params, QJSON)


REFUSED = "is refused: this endpoint makes no outbound requests"
NO_GRAPH = "names no graph in this dataset"
UNCHECKED = "could not be checked"
IRI = "must be an absolute IRI"
DATE = "parameter 'day' must be a date (YYYY-MM-DD)"

SSRF = [
    q("service", "SELECT * { SERVICE <{L}> { ?s ?p ?o } }", 403, "Forbidden", REFUSED),
    q("service-lower", "select * { service <{L}> { ?s ?p ?o } }", 403, "Forbidden", REFUSED),
    q(
        "service-silent",
        "SELECT * { SERVICE SILENT <{L}> { ?s ?p ?o } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    q(
        "service-prefixed",
        "PREFIX r: <{L}> SELECT * { SERVICE r: { ?s ?p ?o } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    q(
        "service-base",
        "BASE <{L}> SELECT * { SERVICE <sparql> { ?s ?p ?o } }",
        403,
        "Forbidden",
        "sparql> is refused",
    ),
    q(
        "service-variable",
        "SELECT * { BIND(<{L}> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        403,
        "Forbidden",
        "variable endpoint is refused",
    ),
    q(
        "service-optional",
        "SELECT * { ?s ?p ?o OPTIONAL { SERVICE <{L}> { ?s ?p ?x } } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    q(
        "service-exists",
        "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <{L}> { ?s ?p ?o } } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    q(
        "service-subquery",
        "SELECT * { { SELECT * { SERVICE <{L}> { ?s ?p ?o } } } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    q(
        "service-minus",
        "SELECT * { ?s ?p ?o MINUS { SERVICE <{L}> { ?s ?p ?o } } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    q(
        "service-union",
        "SELECT * { { ?s ?p ?o } UNION { SERVICE <{L}> { ?s ?p ?o } } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    q(
        "service-nested",
        "SELECT * { SERVICE <{L}> { SERVICE <{L}> { ?s ?p ?o } } }",
        400,
        "Bad request",
        "nested too deeply",
    ),
    q(
        "service-comment-trick",
        "SELECT * { ?s ?p ?o } #\nSELECT * { SERVICE <{L}> {} }",
        400,
        None,
        None,
    ),
    q(
        "service-no-space",
        "SELECT * { ?s ?p ?o . 1SERVICE <{L}> { ?s ?p ?o } }",
        400,
        None,
        UNCHECKED,
    ),
    q(
        "service-lateral",
        "SELECT * { ?s ?p ?o LATERAL { SERVICE <{L}> { ?s ?p ?o } } }",
        400,
        None,
        UNCHECKED,
    ),
    q(
        "service-deep",
        "SELECT * { SERVICE <{L}> { ?s ?p ?o FILTER(" + "(" * 40 + "1" + ")" * 40 + ") } }",
        400,
        "Bad request",
        "nested too deeply",
    ),
    q("from", "SELECT * FROM <{L}> { ?s ?p ?o }", 403, "Forbidden", NO_GRAPH),
    q(
        "from-named",
        "SELECT * FROM NAMED <{L}> { GRAPH ?g { ?s ?p ?o } }",
        403,
        "Forbidden",
        NO_GRAPH,
    ),
    q(
        "from-prefixed",
        "PREFIX r: <{L}> SELECT * FROM r:g { ?s ?p ?o }",
        403,
        "Forbidden",
        NO_GRAPH,
    ),
    q(
        "from-lateral",
        "SELECT * FROM <{L}> { ?s ?p ?o LATERAL { ?s ?p ?x } }",
        400,
        "Bad request",
        UNCHECKED,
    ),
    q(
        "from-triple-term",
        "SELECT * FROM <{L}> { ?s ?p <<( ?a ?b ?c )>> }",
        400,
        "Bad request",
        UNCHECKED,
    ),
    q(
        "from-istriple",
        "SELECT * FROM <{L}> { ?s ?p ?o FILTER(isTRIPLE(?o)) }",
        400,
        "Bad request",
        UNCHECKED,
    ),
    q(
        "from-deep",
        "SELECT * FROM <{L}> { FILTER(" + "(" * 40 + "1" + ")" * 40 + ") }",
        400,
        "Bad request",
        "nested too deeply",
    ),
    q(
        "from-long",
        "SELECT * FROM <{L}> { ?s ?p ?o FILTER(?o IN ("  # noqa: S608
        + ",".join(str(i) for i in range(3000))
        + ")) }",
        400,
        "Bad request",
        "longer than 10000 characters",
    ),
    Case(
        "service-post-direct",
        "POST",
        "/sparql",
        403,
        "Forbidden",
        REFUSED,
        None,
        {**SQ, **QJSON},
        "SELECT * { SERVICE <{L}> { ?s ?p ?o } }",
    ),
    Case(
        "service-post-form",
        "POST",
        "/sparql",
        403,
        "Forbidden",
        REFUSED,
        None,
        {**FORM, **QJSON},
        "query=SELECT+*+%7B+SERVICE+%3C{L}%3E+%7B+%3Fs+%3Fp+%3Fo+%7D+%7D",
    ),
    Case(
        "default-graph-uri",
        "GET",
        "/sparql",
        200,
        None,
        None,
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": "{L}"},
        QJSON,
    ),
    Case(
        "named-graph-uri",
        "GET",
        "/sparql",
        200,
        None,
        None,
        {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "{L}"},
        QJSON,
    ),
    Case("store-graph", "GET", "/store", 404, "Not found", "there is no graph", {"graph": "{L}"}),
    u("load", "LOAD <{L}>", 403, "Forbidden", "LOAD <{L}> is refused"),
    u(
        "load-silent-into",
        "LOAD SILENT <{L}> INTO GRAPH <http://e/g>",
        403,
        "Forbidden",
        "is refused",
    ),
    u(
        "update-service",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <{L}> { ?s ?p ?o } }",
        403,
        "Forbidden",
        REFUSED,
    ),
    u(
        "update-using",
        "INSERT { <http://e/s> <http://e/p> 1 } USING <{L}> WHERE { }",
        204,
        None,
        None,
    ),
    Case(
        "load-no-token",
        "POST",
        "/sparql",
        401,
        "Unauthorized",
        "Bearer",
        None,
        SU,
        "LOAD <{L}>",
        writer=True,
    ),
    Case(
        "xxe-system",
        "PUT",
        "/store",
        400,
        "Bad request",
        "DTDs and entities",
        {"graph": "http://e/g"},
        {**XML, **AUTH},
        f'<!DOCTYPE r [<!ENTITY e SYSTEM "{{L}}">]><rdf:RDF {RDF}/>',
        writer=True,
    ),
    Case(
        "jsonld-remote-context",
        "PUT",
        "/store",
        400,
        None,
        None,
        {"graph": "http://e/g"},
        {**JSONLD, **AUTH},
        '{"@context": "{L}", "@id": "http://e/s", "name": "x"}',
        writer=True,
    ),
    Case(
        "turtle-base",
        "PUT",
        "/store",
        201,
        None,
        None,
        {"graph": "http://e/based"},
        {**TTL, **AUTH},
        "@base <{L}> . <s> <p> <o> .",
        writer=True,
    ),
]

PARAMS = [
    p("iri-open-bracket", {"entity": "http://[::1"}, 400, IRI),
    p("iri-bad-escape", {"entity": "a:b%zz"}, 400, IRI),
    p("iri-nul-escape", {"entity": "http://e/%00x"}, 400, IRI),
    p("iri-space", {"entity": "http://e/ x"}, 400, IRI),
    p("iri-nul", {"entity": "http://e/\x00"}, 400, IRI),
    p("iri-injection", {"entity": "http://e/> } ; DROP ALL #"}, 400, IRI),
    p("iri-relative", {"entity": "relative/path"}, 400, IRI),
    p("iri-bad-ipv6", {"entity": "http://[zz]/"}, 400, IRI),
    p("iri-empty", {"entity": ""}, 400, IRI),
    p("iri-huge", {"entity": "http://e/" + "a" * 5000}, 400, IRI),
    p("iri-control", {"entity": "http://e/\x7f"}, 400, IRI),
    p("date-basic", {"day": "20251110"}, 400, DATE),
    p("date-week", {"day": "2025-W45-1"}, 400, DATE),
    p("date-invalid-day", {"day": "2025-02-30"}, 400, DATE),
    p("date-time", {"day": "2025-11-10T00:00"}, 400, DATE),
    p("date-unicode-digits", {"day": "٢٠٢٥-11-10"}, 400, DATE),
    p("int-5000-digits", {"n": "9" * 5000}, 400, "parameter 'n' must be an integer from"),
    p("int-over-64-bits", {"n": str(2**63)}, 400, "parameter 'n' must be an integer from"),
    p("int-exponent", {"n": "1e3"}, 400, "parameter 'n' must be an integer, got '1e3'"),
    p("int-unicode-digits", {"n": "١٢"}, 400, "parameter 'n' must be an integer"),
    p("int-injection", {"n": "1 } ; DROP ALL"}, 400, "parameter 'n' must be an integer"),
    p("decimal-nan", {"x": "NaN"}, 400, "parameter 'x' must be a decimal"),
    p("decimal-huge", {"x": "1e400"}, 400, "parameter 'x' must be a decimal"),
    p("decimal-long", {"x": "1" * 100}, 400, "parameter 'x' must be a decimal"),
    p("boolean-case", {"flag": "TRUE"}, 400, "parameter 'flag' must be true or false"),
    p("unknown-param", {"nope": "1"}, 400, "has no parameter 'nope'"),
    p("string-injection", {"text": '" } ; DROP ALL ; #'}, 200, None),
]

BOMBS = [
    q("nested-10000-get", NESTED, 400, "Bad request", "more than 64 levels deep"),
    Case(
        "nested-10000-post",
        "POST",
        "/sparql",
        400,
        "Bad request",
        "more than 64 levels deep",
        None,
        {**SQ, **QJSON},
        NESTED,
    ),
    q(
        "nested-braces",
        "SELECT * " + "{" * 5000 + "}" * 5000,
        400,
        "Bad request",
        "more than 64 levels deep",
    ),
    q(
        "nested-65",
        "SELECT * { FILTER(" + "(" * 64 + "1" + ")" * 64 + ") }",
        400,
        "Bad request",
        "more than 64 levels deep",
    ),
    q(
        "nested-brackets",
        "SELECT * { ?s ?p " + "[ ?p " * 100 + "1" + " ]" * 100 + " }",
        400,
        "Bad request",
        "more than 64 levels deep",
    ),
    Case(
        "too-long",
        "POST",
        "/sparql",
        413,
        "Payload too large",
        "the limit is 100000",
        None,
        {**SQ, **QJSON},
        "ASK {}" + " " * 100_000,
    ),
    Case(
        "huge-literal",
        "POST",
        "/sparql",
        200,
        None,
        None,
        None,
        {**SQ, **QJSON},
        'ASK { FILTER("' + "a" * 90_000 + '" != "") }',
    ),
    Case(
        "billion-laughs",
        "PUT",
        "/store",
        400,
        "Bad request",
        "DTDs and entities",
        {"graph": "http://e/g"},
        {**XML, **AUTH},
        LAUGHS,
        writer=True,
    ),
    Case(
        "entity-lowercase",
        "PUT",
        "/store",
        400,
        "Bad request",
        "DTDs and entities",
        {"graph": "http://e/g"},
        {**XML, **AUTH},
        f'<!doctype r [<!entity a "x">]><rdf:RDF {RDF}/>',
        writer=True,
    ),
    Case(
        "rdfxml-utf16",
        "PUT",
        "/store",
        400,
        "Bad request",
        "RDF/XML must be UTF-8",
        {"graph": "http://e/g"},
        {**XML, **AUTH},
        f'<!DOCTYPE r [<!ENTITY a "x">]><rdf:RDF {RDF}/>'.encode("utf-16"),
        writer=True,
    ),
    Case(
        "body-too-large",
        "PUT",
        "/store",
        413,
        "Payload too large",
        "the limit is 1048576",
        {"graph": "http://e/g"},
        {**TTL, **AUTH},
        b"#" * 1_100_000,
        writer=True,
    ),
    u(
        "update-nested",
        "INSERT { ?s ?p ?o } WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        400,
        "Bad request",
        "more than 64 levels deep",
    ),
    u(
        "update-second-fails",
        "INSERT DATA { <http://e/x> <http://e/p> 1 } ; DROP GRAPH <http://e/none>",
        400,
        "Bad request",
        "refused and changed nothing",
    ),
    u(
        "update-create-twice",
        "CREATE GRAPH <http://e/twice> ; CREATE GRAPH <http://e/twice>",
        400,
        "Bad request",
        "already exists",
    ),
]

ENCODINGS = [
    Case(
        "get-invalid-utf8",
        "GET",
        "/sparql?query=ASK%20%7B%7D%FF",
        400,
        "Bad request",
        "the query string is not valid UTF-8",
        None,
        QJSON,
    ),
    Case(
        "param-invalid-utf8",
        "GET",
        "/queries/typed?text=%C3%28",
        400,
        "Bad request",
        "the query string is not valid UTF-8",
    ),
    Case(
        "path-invalid-utf8",
        "GET",
        "/queries/%FF",
        400,
        "Bad request",
        "the path is not valid UTF-8",
    ),
    Case(
        "post-invalid-utf8",
        "POST",
        "/sparql",
        400,
        "Bad request",
        "not valid UTF-8",
        None,
        {**SQ, **QJSON},
        b"ASK { FILTER('\xff') }",
    ),
    Case(
        "form-invalid-utf8",
        "POST",
        "/sparql",
        400,
        "Bad request",
        "not valid UTF-8",
        None,
        {**FORM, **QJSON},
        b"query=ASK+%7B%7D\xfe",
    ),
    Case(
        "charset-latin1",
        "POST",
        "/sparql",
        415,
        "Unsupported media type",
        "charset iso-8859-1 is not supported",
        None,
        {"Content-Type": "application/sparql-query; charset=ISO-8859-1"},
        b"ASK {}",
    ),
    q("nul-in-query", "ASK { FILTER(1 = 1) }\x00", 400, None, None),
    Case(
        "turtle-invalid-utf8",
        "PUT",
        "/store",
        400,
        None,
        None,
        {"graph": "http://e/g"},
        {**TTL, **AUTH},
        b'<http://e/s> <http://e/p> "\xff" .',
        writer=True,
    ),
    u("update-invalid-utf8", "INSERT DATA { <http://e/s> <http://e/p> 'ok' }", 204, None, None),
]

HEADERS = [
    Case(
        "accept-huge",
        "GET",
        "/sparql",
        406,
        "Not acceptable",
        "none of the accepted",
        {"query": "ASK {}"},
        {"Accept": "x/" + "y" * 10_000},
    ),
    Case(
        "format-huge",
        "GET",
        "/sparql",
        406,
        "Not acceptable",
        "is not available",
        {"query": "ASK {}", "format": "f" * 10_000},
        {},
    ),
    Case(
        "content-type-huge",
        "POST",
        "/sparql",
        415,
        "Unsupported media type",
        "Content-Type",
        None,
        {"Content-Type": "x/" + "y" * 10_000},
        b"ASK {}",
    ),
    Case(
        "headers-too-large",
        "GET",
        "/healthz",
        431,
        "Request header fields too large",
        "the limit is 16384",
        None,
        {f"x-pad-{i}": "z" * 1000 for i in range(20)},
    ),
    Case(
        "bearer-wrong",
        "PUT",
        "/store",
        401,
        "Unauthorized",
        "Bearer",
        {"graph": "http://e/g"},
        {**TTL, "Authorization": "Bearer nope"},
        "",
        writer=True,
    ),
    Case(
        "basic-auth",
        "PUT",
        "/store",
        401,
        "Unauthorized",
        "Bearer",
        {"graph": "http://e/g"},
        {**TTL, "Authorization": "Basic czNjcmV0LXRva2Vu"},
        "",
        writer=True,
    ),
    Case(
        "bearer-prefix",
        "PUT",
        "/store",
        401,
        "Unauthorized",
        "Bearer",
        {"graph": "http://e/g"},
        {**TTL, "Authorization": AUTH["Authorization"] + "x"},
        "",
        writer=True,
    ),
    Case(
        "no-token",
        "DELETE",
        "/store",
        401,
        "Unauthorized",
        "Bearer",
        {"graph": "http://e/g"},
        writer=True,
    ),
    Case(
        "content-type-missing",
        "PUT",
        "/store",
        415,
        "Unsupported media type",
        "Content-Type none",
        {"graph": "http://e/g"},
        AUTH,
        "x",
        writer=True,
    ),
]

ACCESS = [
    Case(
        "put-readonly",
        "PUT",
        "/store",
        403,
        "Forbidden",
        "updates are disabled",
        {"graph": "http://e/g"},
        {**TTL, **AUTH},
        "",
    ),
    Case(
        "delete-readonly",
        "DELETE",
        "/store",
        403,
        "Forbidden",
        "updates are disabled",
        {"graph": "http://e/g"},
        AUTH,
    ),
    Case(
        "update-readonly",
        "POST",
        "/sparql",
        403,
        "Forbidden",
        "updates are disabled",
        None,
        {**SU, **AUTH},
        "DROP ALL",
    ),
    Case(
        "update-by-get",
        "GET",
        "/sparql",
        400,
        "Bad request",
        "must be sent with POST",
        {"update": "DROP ALL"},
    ),
    Case(
        "patch-sparql",
        "PATCH",
        "/sparql",
        405,
        "Method not allowed",
        "PATCH is not allowed on /sparql",
    ),
    Case(
        "delete-sparql",
        "DELETE",
        "/sparql",
        405,
        "Method not allowed",
        "DELETE is not allowed on /sparql",
    ),
    Case("traversal-root", "GET", "/../../etc/passwd", 404, "Not found", None),
    Case("traversal-static", "GET", "/static/ui/..%2F..%2Fpyproject.toml", 404, "Not found", None),
    Case(
        "traversal-vendor",
        "GET",
        "/static/vendor/yasgui/..%2F..%2Fpackage.json",
        404,
        "Not found",
        None,
    ),
    Case("traversal-query", "GET", "/queries/..%2Fetc%2Fpasswd", 404, "Not found", None),
    Case(
        "cors-preflight-write",
        "OPTIONS",
        "/store",
        400,
        None,
        None,
        None,
        {
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization",
        },
    ),
    Case(
        "graph-param-bad-iri",
        "GET",
        "/store",
        400,
        "Bad request",
        "is not a valid IRI",
        {"graph": "http://[::1"},
    ),
    Case(
        "graph-and-default",
        "GET",
        "/store",
        400,
        "Bad request",
        "not both",
        {"graph": "http://e/g", "default": ""},
    ),
    Case(
        "two-queries",
        "GET",
        "/sparql?query=ASK%7B%7D&query=ASK%7B%7D",
        400,
        "Bad request",
        "give exactly one 'query'",
    ),
]

CASES = SSRF + PARAMS + BOMBS + ENCODINGS + HEADERS + ACCESS


def _fill(value: Any, url: str) -> Any:
    if isinstance(value, str):
        return value.replace("{L}", url)
    if isinstance(value, bytes):
        return value.replace(b"{L}", url.encode())
    if isinstance(value, dict):
        return {k: _fill(v, url) for k, v in value.items()}
    return value


def test_the_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 80
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_case(
    case: Case, reader: TestClient, writer: TestClient, listener: Listener
) -> None:
    client = writer if case.writer else reader
    before = listener.connections
    response = client.request(
        case.method,
        _fill(case.path, listener.url),
        params=_fill(case.params, listener.url),
        headers=_fill(case.headers, listener.url),
        content=_fill(case.content, listener.url),
    )
    assert response.status_code == case.status, response.text[:500]
    assert listener.connections == before == 0  # nothing was fetched, ever
    if case.status < 400 or case.method == "OPTIONS":
        return
    body = response.json()
    assert set(body) == {"error", "message", "status"}
    assert body["status"] == case.status
    assert len(body["message"]) <= 2_001  # nothing huge is echoed back
    if case.title is not None:
        assert body["error"] == case.title
    if case.fragment is not None:
        assert _fill(case.fragment, listener.url) in body["message"]

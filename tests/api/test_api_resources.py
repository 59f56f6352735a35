"""Dereferenceable IRIs on the real policy graph: content negotiation and every RDF form.

Each RDF form of five kinds of resource (an organisation, a claim, a source, a correction,
a named graph) is read back by parsers that are not the one that wrote it: Raptor's
``rapper`` for Turtle, N-Triples, RDF/XML, TriG and N-Quads, pyld for JSON-LD. What they
read must be isomorphic to what the store holds for the resource (its description, by the
stored query run on the store directly; for a named graph, the graph's own quads).
Without ``rapper`` the RDF tests skip, except under ``CI=true`` where they fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import quote, unquote

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app
from pyld import jsonld
from pyoxigraph import NamedNode, RdfFormat, serialize
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.linkeddata.describe import describe, describe_graph
from policykg.settings import Settings

from .apisupport import AUTH

BASE = "https://w3id.org/policykg/"
SOURCE = "source/000_d336fba75509138b"
RESOURCES = {
    "organisation": "id/linkedin",
    "claim": "claim/000/eu-excluded",
    "source": SOURCE,
    "correction": "claim/000/correction-openai",
}
GRAPH = "graph/000_d336fba75509138b"
UPDATE = {"Content-Type": "application/sparql-update", **AUTH}
RAPPER = {
    "turtle": ("ttl", "text/turtle", "turtle"),
    "ntriples": ("nt", "application/n-triples", "ntriples"),
    "rdfxml": ("rdf", "application/rdf+xml", "rdfxml"),
}


@pytest.fixture(scope="module")
def client(built: tuple[Settings, BuildReport]) -> Iterator[TestClient]:
    settings = built[0].model_copy(update={"workers": 1})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def rapper() -> str:
    found = shutil.which("rapper")
    if found is None:
        reason = "rapper (Debian raptor2-utils) is missing; run scripts/install-debian as root"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (required under CI=true)")
        pytest.skip(reason)
    return found


def read_with_rapper(rapper: str, body: bytes, syntax: str) -> str:
    """N-Quads as Raptor reads ``body`` in ``syntax`` (it fails loudly on any error)."""
    done = subprocess.run(
        [rapper, "-q", "-i", syntax, "-o", "nquads", "-", BASE],
        input=body,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def graph_of(nquads: str) -> Graph:
    graph = Graph()
    graph.parse(data=nquads, format="nt")
    return graph


def expected(kg: PolicyGraph, path: str) -> Graph:
    data = serialize(describe(kg.store, BASE + path), format=RdfFormat.N_TRIPLES) or b""
    return graph_of(data.decode())


def no_fetch(url: str, options: dict[str, Any] | None = None) -> Any:
    raise AssertionError(f"pyld tried to fetch {url}: the context must be inline")


# --- content negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/turtle", "text/turtle"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("application/*", "application/n-triples"),
        ("text/*;q=0.5, application/rdf+xml", "application/rdf+xml"),
        ("text/html;q=0, text/*", "text/turtle"),
        ("application/json", "application/ld+json"),
    ],
)
def test_accept_chooses_the_representation(
    client: TestClient, accept: str | None, media_type: str
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/id/linkedin", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["vary"].startswith("Accept, Accept-Language")
    ext = {"text/html": "html", "text/turtle": "ttl", "application/ld+json": "jsonld",
           "application/n-triples": "nt", "application/rdf+xml": "rdf"}[media_type]  # fmt: skip
    assert response.headers["content-location"] == f"/id/linkedin.{ext}"


def test_link_header_names_every_alternate(client: TestClient) -> None:
    response = client.get("/id/linkedin", headers={"Accept": "text/turtle"})
    assert response.headers["link"] == ", ".join(
        [
            '</id/linkedin.html>; rel="alternate"; type="text/html"',
            '</id/linkedin.ttl>; rel="alternate"; type="text/turtle"',
            '</id/linkedin.nt>; rel="alternate"; type="application/n-triples"',
            '</id/linkedin.jsonld>; rel="alternate"; type="application/ld+json"',
            '</id/linkedin.rdf>; rel="alternate"; type="application/rdf+xml"',
        ]
    )
    graph = client.get(f"/{GRAPH}", headers={"Accept": "application/trig"})
    assert f'</{GRAPH}.nq>; rel="alternate"; type="application/n-quads"' in graph.headers["link"]


@pytest.mark.parametrize(
    ("ext", "media_type"),
    [("ttl", "text/turtle"), ("nt", "application/n-triples"), ("jsonld", "application/ld+json"),
     ("rdf", "application/rdf+xml"), ("html", "text/html")],
)  # fmt: skip
def test_extension_overrides_accept(client: TestClient, ext: str, media_type: str) -> None:
    response = client.get(f"/id/linkedin.{ext}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-location"] == f"/id/linkedin.{ext}"


def test_unsupported_type_is_406(client: TestClient) -> None:
    response = client.get("/id/linkedin", headers={"Accept": "image/png, text/csv"})
    assert response.status_code == 406
    assert response.json() == {
        "error": "Not acceptable",
        "message": "none of the accepted media types (image/png, text/csv) is available for "
        "resource results; available: text/html, text/turtle, application/n-triples, "
        "application/ld+json, application/rdf+xml",
        "status": 406,
    }
    quads = client.get("/id/linkedin.nq")
    assert quads.status_code == 406
    assert quads.json()["message"] == (
        "nquads is only available for named graphs; "
        "available: html, turtle, ntriples, jsonld, rdfxml"
    )


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_a_second_request_is_answered_from_the_page_cache(client: TestClient, accept: str) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    path = "/claim/000/on-by-default"
    first = client.get(path, headers={"Accept": accept})
    asked = sum(service.engine.answered.values())
    second = client.get(path, headers={"Accept": accept})
    assert sum(service.engine.answered.values()) == asked  # no query ran
    assert (second.status_code, second.content) == (200, first.content)
    assert second.headers == first.headers
    other = client.get(path, headers={"Accept": accept, "Accept-Language": "nl"})
    assert other.status_code == 200  # a page in another language is another entry
    assert sum(service.engine.answered.values()) == asked + (accept == "text/html")


def test_a_server_taking_updates_keeps_no_pages(writer: TestClient) -> None:
    iri = "http://example.org/cached"
    page = f"/resource?iri={quote(iri, safe='')}&format=ntriples"
    assert writer.app.state.service.pages is None  # type: ignore[attr-defined]
    for value in ("1", "2"):
        update = f"DELETE WHERE {{ <{iri}> ?p ?o }} ; INSERT DATA {{ <{iri}> <{iri}#v> {value} }}"
        response = writer.post("/sparql", content=update, headers=UPDATE)
        assert response.status_code == 204, response.text
        answer = writer.get(page)
        assert answer.status_code == 200
        assert f'"{value}"^^<http://www.w3.org/2001/XMLSchema#integer>' in answer.text


def test_a_huge_accept_is_not_echoed_in_the_406(client: TestClient) -> None:
    accept = "image/" + "x" * 10_000
    response = client.get("/id/linkedin", headers={"Accept": accept})
    assert response.status_code == 406
    assert response.json()["message"] == (
        f"none of the accepted media types ({accept[:100]}…) is available for resource "
        "results; available: text/html, text/turtle, application/n-triples, "
        "application/ld+json, application/rdf+xml"
    )


@pytest.mark.parametrize(
    ("accept", "media_type", "body"),
    [
        ("text/turtle", "text/turtle", "# 404 Not found: this graph says nothing about "
         f"<{BASE}id/no-such-thing>\n"),
        ("application/n-triples", "application/n-triples", "# 404 Not found: this graph says "
         f"nothing about <{BASE}id/no-such-thing>\n"),
        ("application/ld+json", "application/json", None),
        ("application/rdf+xml", "application/json", None),
    ],
)  # fmt: skip
def test_unknown_iri_is_404_in_the_negotiated_format(
    client: TestClient, accept: str, media_type: str, body: str | None
) -> None:
    response = client.get("/id/no-such-thing", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.headers["content-type"].split(";")[0] == media_type
    if body is not None:
        assert response.text == body
    else:
        assert response.json() == {
            "error": "Not found",
            "message": f"this graph says nothing about <{BASE}id/no-such-thing>",
            "status": 404,
        }


def test_unknown_iri_is_an_html_404_for_browsers(client: TestClient) -> None:
    response = client.get("/claim/999/nothing", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f"this graph says nothing about &lt;{BASE}claim/999/nothing&gt;" in response.text
    assert client.get("/ontology/NoSuchTerm", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/ontology.xyz").status_code == 404


def test_resource_parameter_is_checked(client: TestClient) -> None:
    response = client.get("/resource", params={"iri": "not an iri"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Bad parameter",
        "message": "iri: 'not an iri' is not an absolute IRI",
        "status": 400,
    }
    missing = client.get("/resource")
    assert missing.status_code == 400
    assert missing.json()["message"] == "query.iri: Field required"


def test_dpv_term_has_a_page(client: TestClient, kg: PolicyGraph) -> None:
    eu = "https://w3id.org/dpv/loc#EU"
    response = client.get("/resource", params={"iri": eu, "format": "turtle"})
    assert response.status_code == 200
    got = Graph().parse(data=response.text, format="turtle")
    data = serialize(describe(kg.store, eu), format=RdfFormat.N_TRIPLES) or b""
    assert isomorphic(got, graph_of(data.decode()))


def test_head_answers_like_get(client: TestClient) -> None:
    response = client.head("/id/linkedin.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.content == b""


# --- every RDF form, read by independent parsers ---------------------------------------------


@pytest.mark.parametrize("kind", sorted(RESOURCES))
@pytest.mark.parametrize("form", sorted(RAPPER))
def test_rdf_forms_read_by_rapper(
    client: TestClient, kg: PolicyGraph, rapper: str, kind: str, form: str
) -> None:
    path = RESOURCES[kind]
    ext, media_type, syntax = RAPPER[form]
    by_extension = client.get(f"/{path}.{ext}")
    by_accept = client.get(f"/{path}", headers={"Accept": media_type})
    assert by_extension.status_code == by_accept.status_code == 200
    assert by_extension.content == by_accept.content
    got = graph_of(read_with_rapper(rapper, by_extension.content, syntax))
    want = expected(kg, path)
    assert len(want) > 0
    assert isomorphic(got, want)


@pytest.mark.parametrize("kind", sorted(RESOURCES))
def test_jsonld_read_by_pyld(client: TestClient, kg: PolicyGraph, kind: str) -> None:
    path = RESOURCES[kind]
    response = client.get(f"/{path}", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    document = response.json()
    assert isinstance(document["@context"], dict)  # compact, with the project's context
    assert document["@context"]["id"] == BASE + "id/"
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_fetch})
    assert isomorphic(graph_of(nquads), expected(kg, path))


@pytest.mark.parametrize("syntax", ["trig", "nquads"])
def test_named_graph_keeps_its_name(
    client: TestClient, kg: PolicyGraph, rapper: str, syntax: str
) -> None:
    ext = {"trig": "trig", "nquads": "nq"}[syntax]
    response = client.get(f"/{GRAPH}.{ext}")
    assert response.status_code == 200
    read = read_with_rapper(rapper, response.content, syntax)
    got = Dataset()
    got.parse(data=read, format="nquads")
    want = Dataset()
    data = serialize(describe_graph(kg.store, BASE + GRAPH), format=RdfFormat.N_QUADS) or b""
    want.parse(data=data.decode(), format="nquads")
    names = {str(g.identifier) for g in got.graphs() if len(g)}
    assert names == {BASE + GRAPH}
    assert isomorphic(got.graph(BASE + GRAPH), want.graph(BASE + GRAPH))
    # the graph's own quads, read from the store without the stored query
    direct = kg.store.quads_for_pattern(None, None, None, NamedNode(BASE + GRAPH))
    assert len(got.graph(BASE + GRAPH)) == len(list(direct))


def graph_triples(kg: PolicyGraph) -> Graph:
    quads = describe_graph(kg.store, BASE + GRAPH)
    data = serialize([q.triple for q in quads], format=RdfFormat.N_TRIPLES) or b""
    return graph_of(data.decode())


@pytest.mark.parametrize("form", sorted(RAPPER))
def test_named_graph_triples_by_rapper(
    client: TestClient, kg: PolicyGraph, rapper: str, form: str
) -> None:
    ext, media_type, syntax = RAPPER[form]
    response = client.get(f"/{GRAPH}", headers={"Accept": media_type})
    assert response.headers["content-location"] == f"/{GRAPH}.{ext}"
    got = graph_of(read_with_rapper(rapper, response.content, syntax))
    assert isomorphic(got, graph_triples(kg))


def test_named_graph_jsonld_by_pyld(client: TestClient, kg: PolicyGraph) -> None:
    document = client.get(f"/{GRAPH}.jsonld").json()
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": no_fetch})
    assert isomorphic(graph_of(nquads), graph_triples(kg))


def test_ontology_term_in_turtle(client: TestClient, rapper: str) -> None:
    response = client.get("/ontology/Claim.ttl")
    got = graph_of(read_with_rapper(rapper, response.content, "turtle"))
    subjects = {str(s) for s in got.subjects()}
    assert "https://w3id.org/policykg/ontology#Claim" in subjects
    labels = {str(o) for o in got.objects(predicate=None) if getattr(o, "language", None) == "nl"}
    assert "bewering" in labels


def test_description_holds_every_claim_about_the_resource(kg: PolicyGraph) -> None:
    """The organisation's data holds each claim with it as subject or object, whole."""
    rows = kg.select(
        f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT DISTINCT ?claim ?p ?o WHERE {{
          {{ ?claim rdf:subject <{BASE}id/linkedin> }} UNION {{ ?claim rdf:object <{BASE}id/linkedin> }}
          ?claim ?p ?o }}"""
    )
    described = {
        (str(t.subject.value), str(t.predicate.value), t.object)
        for t in describe(kg.store, BASE + "id/linkedin")
    }
    missing = [r for r in rows.terms if (r["claim"].value, r["p"].value, r["o"]) not in described]  # type: ignore[union-attr]
    assert len(rows) > 0
    assert missing == []


def test_jsonld_is_compact_json(client: TestClient) -> None:
    body = client.get("/claim/000/eu-excluded.jsonld").content
    assert json.loads(body)["@context"]["claim"] == BASE + "claim/"


# --- pages --------------------------------------------------------------------------------


def h1(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match, html[:500]
    return unescape(match[1].strip())


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/id/microsoft", "schema:Organization"),
        ("/id/rachel-tobac", "schema:Person"),
        ("/id/linkedin-genai-training", "pkg:DataUsePractice"),
        ("/id/de-la-torre-v-linkedin", "pkg:Lawsuit"),
        ("/id/ap-warning-2025", "pkg:RegulatorAction"),
        ("/claim/000/correction-openai", "pkg:Correction"),
        ("/resource?iri=https%3A%2F%2Fw3id.org%2Fdpv%2Floc%23EU", None),
    ],
)
def test_each_kind_of_page_shows_its_label(
    client: TestClient, kg: PolicyGraph, path: str, kind: str | None
) -> None:
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    iri = BASE + path[1:] if kind else "https://w3id.org/dpv/loc#EU"
    labels = kg.select(
        "SELECT ?l WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label>"
        "|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(LANG(?l) IN ('en', '')) }".replace(
            "?x", f"<{iri}>"
        )
    )
    assert h1(response.text) in {r["l"] for r in labels} | {"claim:000/correction-openai"}
    if kind:
        assert f">{kind}<" in response.text or kind.split(":")[1].lower() in response.text.lower()


@pytest.mark.parametrize(
    ("language", "label"),
    [("de", "Linkedin-Nutzer"), ("nl-BE,nl;q=0.9", "LinkedIn-gebruikers"),
     ("fr, en;q=0.5", "LinkedIn members"), (None, "LinkedIn members"),
     ("en;q=0.4, de;q=0.8", "Linkedin-Nutzer")],
)  # fmt: skip
def test_label_in_the_readers_language(
    client: TestClient, language: str | None, label: str
) -> None:
    headers = {"Accept": "text/html"}
    if language:
        headers["Accept-Language"] = language
    response = client.get("/id/linkedin-members", headers=headers)
    assert h1(response.text) == label


def test_source_page_lists_claims_in_paragraph_order(client: TestClient, kg: PolicyGraph) -> None:
    rows = kg.select(
        f"""SELECT ?claim (MIN(?n) AS ?first) WHERE {{
          ?claim <http://www.w3.org/ns/prov#wasDerivedFrom> <{BASE}{SOURCE}> ;
                 <https://w3id.org/policykg/ontology#paragraph> ?n }}
        GROUP BY ?claim ORDER BY ?first ?claim"""
    )
    html = client.get(f"/{SOURCE}", headers={"Accept": "text/html"}).text
    listed = re.search(r'<ol class="pk-source-claims">(.*?)</ol>', html, re.S)
    assert listed
    shown = re.findall(r'data-claim="([^"]+)"', listed[1])
    assert shown == [r["claim"] for r in rows]


def test_page_links_its_alternates_and_query(client: TestClient) -> None:
    html = client.get("/claim/000/eu-excluded", headers={"Accept": "text/html"}).text
    for ext in ("ttl", "nt", "jsonld", "rdf"):
        assert f'href="/claim/000/eu-excluded.{ext}"' in html
    query = re.search(r'class="pk-query-link" href="/#query=([^"]+)"', html)
    assert query
    text = unquote(unescape(query[1]))
    assert text.endswith(f"VALUES $iri {{ <{BASE}claim/000/eu-excluded> }}\n")


def test_every_iri_on_a_page_links_to_its_page(client: TestClient) -> None:
    html = client.get("/id/linkedin-genai-training", headers={"Accept": "text/html"}).text
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    titled = re.findall(r'<a href="([^"]+)" title="([^"]+)"', html)
    assert titled
    for href, iri in titled:
        iri = unescape(iri)
        if iri.startswith(BASE) and "/ontology" not in iri:
            assert unescape(href) == "/" + iri[len(BASE) :]
        elif iri.startswith("https://w3id.org/policykg/ontology#"):
            assert unescape(href) == "/ontology#" + iri.split("#")[1]
        elif iri.startswith("https://w3id.org/dpv"):
            assert unescape(href) == "/resource?iri=" + quote(iri, safe="")
        else:
            assert unescape(href) == iri
    assert "/ontology#DataUsePractice" in hrefs


def test_ontology_and_shapes_documents(client: TestClient) -> None:
    ontology = client.get("/ontology", headers={"Accept": "text/html"})
    assert ontology.status_code == 200
    assert 'id="Claim"' in ontology.text
    assert 'id="excludesJurisdiction"' in ontology.text
    shapes = client.get("/shapes", headers={"Accept": "text/html"})
    assert 'id="ClaimShape"' in shapes.text
    term = client.get("/ontology/Claim", headers={"Accept": "text/html"})
    assert h1(term.text) == "claim"
    turtle = client.get("/shapes.ttl")
    assert turtle.headers["content-type"] == "text/turtle; charset=utf-8"
    assert "ClaimShape" in turtle.text


def test_home_page(client: TestClient, kg: PolicyGraph) -> None:
    html = client.get("/home").text
    sources = kg.select("SELECT ?s WHERE { ?s a <https://schema.org/NewsArticle> }")
    for row in sources:
        assert f'href="/{str(row["s"])[len(BASE) :]}"' in html
    assert 'href="/id/linkedin"' in html


# --- DESCRIBE -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        f"DESCRIBE <{BASE}id/linkedin>",
        f"PREFIX id: <{BASE}id/>\n# the organisation\nDESCRIBE id:linkedin",
        f"BASE <{BASE}>\nDESCRIBE <id/linkedin>",
    ],
)
def test_describe_answers_the_resources_rdf(client: TestClient, rapper: str, query: str) -> None:
    described = client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert described.status_code == 200, described.text
    own = client.get("/id/linkedin.ttl")
    got = graph_of(read_with_rapper(rapper, described.content, "turtle"))
    want = graph_of(read_with_rapper(rapper, own.content, "turtle"))
    assert isomorphic(got, want)
    posted = client.post(
        "/sparql",
        content=query,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert isomorphic(graph_of(posted.text), want)


def test_other_describe_forms_are_the_stores(client: TestClient, kg: PolicyGraph) -> None:
    query = f"DESCRIBE ?x WHERE {{ VALUES ?x {{ <{BASE}id/linkedin> }} }}"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    got = Graph().parse(data=response.text, format="turtle")
    outgoing = list(kg.store.quads_for_pattern(NamedNode(BASE + "id/linkedin"), None, None))
    assert {str(p) for _, p, _ in got} == {p.predicate.value for p in outgoing}
    unknown = client.get("/sparql", params={"query": "DESCRIBE nope:x"})
    assert unknown.status_code == 400


@pytest.mark.parametrize(
    "path",
    ["/id/a%20b", "/id/a%3Eb", "/graph/a%20b.trig", "/id/x%0D%3Cs%3E%20%3Cp%3E%20%3Co%3E%20."],
)
def test_a_path_no_iri_can_have_is_404(client: TestClient, rapper: str, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.text.count("\n") == 1
    assert response.text.startswith("# 404 Not found: this graph says nothing about <")
    assert read_with_rapper(rapper, response.content, "turtle") == ""


def test_a_description_cut_by_the_row_cap_says_so(
    client: TestClient, built: tuple[Settings, BuildReport]
) -> None:
    assert client.get("/id/linkedin.ttl").headers["x-policykg-truncated"] == "false"
    settings = built[0].model_copy(update={"workers": 1, "max_rows": 5})
    with TestClient(create_app(settings)) as small:
        response = small.get("/id/linkedin.nt")
    assert response.headers["x-policykg-truncated"] == "true"
    assert len(response.text.splitlines()) == 5

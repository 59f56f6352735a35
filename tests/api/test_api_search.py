"""``GET /search``: JSON, the HTML page, CSV and VALUES, and 400s naming the parameter."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.search import search
from policykg.search.query import MAX_CHARS
from policykg.settings import Settings

VERDIER = "https://w3id.org/policykg/id/monique-verdier"


@pytest.fixture(scope="module")
def api(built: tuple[Settings, BuildReport]) -> Iterator[TestClient]:
    settings = Settings(dist=built[0].dist, workers=1, query_timeout=20)
    with TestClient(create_app(settings)) as client:
        yield client


def test_json_is_the_searchers_answer(api: TestClient, built: tuple[Settings, BuildReport]) -> None:
    response = api.get("/search", params={"q": "Verdier", "limit": "100"})
    assert response.status_code == 200
    expected = search(built[0].store_path, "Verdier", limit=100)
    assert response.json() == {
        "query": "Verdier",
        "count": expected.count,
        "hits": [h.to_json() for h in expected.hits],
    }
    claims = [h for h in response.json()["hits"] if h["kind"] == "claim"]
    assert claims
    assert all(h["source"] and h["paragraphs"] for h in claims)


def test_html_groups_hits_by_kind_and_links_them(api: TestClient) -> None:
    response = api.get("/search?q=Verdier", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert page.index("<h2>Claims</h2>") < page.index("<h2>Entities and terms</h2>")
    assert 'href="/id/monique-verdier"' in page
    assert "<mark>Verdier</mark>" in page
    assert re.search(r'from <a href="/source/004_0288313a30b2f017">[^<]+</a>, ¶4', page)
    assert 'name=q value="Verdier"' in page
    empty = api.get("/search", headers={"Accept": "text/html"})
    assert empty.status_code == 200
    assert "<form" in empty.text


def test_csv_and_values_carry_the_iris(
    api: TestClient, built: tuple[Settings, BuildReport]
) -> None:
    expected = [h.iri for h in search(built[0].store_path, "InMail", kind="claim").hits]
    rows = list(csv.DictReader(io.StringIO(api.get("/search?q=InMail&type=claim&format=csv").text)))
    assert [r["iri"] for r in rows] == expected
    values = api.get("/search?q=InMail&type=claim&format=values").text
    assert values == "VALUES ?hit {\n" + "".join(f"  <{i}>\n" for i in expected) + "}\n"


def test_corrected_claims_only_when_asked(api: TestClient) -> None:
    hidden = api.get("/search?q=OpenAI&type=claim").json()["hits"]
    shown = api.get("/search?q=OpenAI&type=claim&include_corrected=true").json()["hits"]
    assert not any(h["corrected"] for h in hidden)
    assert [h for h in shown if h["corrected"]]
    assert {h["iri"] for h in hidden} == {h["iri"] for h in shown if not h["corrected"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=%22InMail", 'q: unbalanced quote: every " needs a closing "'),
        ("q=AND+OR+NOT", "q: OR needs words on both sides"),
        ("q=--+*", "q: the search has no words, only operators or punctuation"),
        (f"q={'a' * (MAX_CHARS + 1)}", f"q: the search is {MAX_CHARS + 1} characters long; at most {MAX_CHARS} are allowed"),
        ("", "q: missing: give the words to search for, e.g. q=InMail"),
        ("q=x&type=person", "type: expected one of claim, entity, source, got 'person'"),
        ("q=x&lang=dutch", "lang: expected one of de, en, nl (in any case), got 'dutch'"),
        ("q=x&lang=FR", "lang: expected one of de, en, nl (in any case), got 'FR'"),
        ("q=x&lang=nl%20", "lang: expected one of de, en, nl (in any case), got 'nl '"),
        ("q=x&limit=0", "limit: expected 1 to 100, got 0"),
        ("q=x&limit=-1", "limit: expected a whole number, got '-1'"),
        ("q=x&include_corrected=yes", "include_corrected: expected true or false, got 'yes'"),
        ("q=x&format=xml", "format: expected one of json, html, csv, values, got 'xml'"),
        ("q=x&query=y", "query: unknown parameter; use q, lang, type, include_corrected, limit, offset, format"),
    ],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_parameter(api: TestClient, query: str, message: str) -> None:
    response = api.get(f"/search?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": "Bad parameter", "message": message, "status": 400}


@pytest.mark.parametrize("lang", ["NL", "Nl", "nl-BE"])
def test_lang_is_case_insensitive(api: TestClient, lang: str) -> None:
    lower = api.get("/search?q=gebruiker&lang=nl&limit=100").json()
    assert lower["hits"]
    assert all(h["lang"].startswith("nl") for h in lower["hits"])
    assert api.get(f"/search?q=gebruiker&lang={lang}&limit=100").json() == lower


def test_data_files_have_no_index(client: TestClient) -> None:
    response = client.get("/search?q=x")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "Not found"
    assert body["message"].startswith("no search index at ")
    assert body["message"].endswith(
        "run `policykg build` (search needs the policy graph built by this version, not --data files)"
    )


def test_the_readmes_join_runs_on_the_values_block(api: TestClient, kg: PolicyGraph) -> None:
    readme = (Settings().root / "README.md").read_text(encoding="utf-8")
    query = re.search(
        r"```sparql\n(.*?VALUES \?hit \{ … the block from /search … \}.*?)```", readme, re.S
    )
    assert query
    block = api.get("/search?q=InMail&type=claim&format=values").text.strip()
    rows = kg.sparql(query[1].replace("VALUES ?hit { … the block from /search … }", block))
    expected = kg.sparql(
        """PREFIX pkg: <https://w3id.org/policykg/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?source ?stance (COUNT(DISTINCT ?hit) AS ?claims) WHERE {
          ?hit a pkg:Claim ; prov:wasDerivedFrom ?source ; pkg:stance ?stance .
          { ?hit pkg:quote ?t } UNION { ?hit skos:note ?t }
          FILTER (REGEX(?t, "\\\\binmail\\\\b", "i"))
          FILTER NOT EXISTS { ?hit prov:wasInvalidatedBy ?c }
        } GROUP BY ?source ?stance"""
    )
    key = lambda r: (r["source"], r["stance"])  # noqa: E731
    assert sorted(rows.records, key=key) == sorted(expected.records, key=key)
    assert len(rows) > 1


def test_the_search_named_query_answers_the_searchers_hits(
    api: TestClient, built: tuple[Settings, BuildReport]
) -> None:
    expected = search(built[0].store_path, "gebruiker", lang="nl", kind="claim").hits
    assert expected
    response = api.get(
        "/queries/search", params={"q": "gebruiker", "lang": "NL", "type": "claim", "format": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(dict.fromkeys((r["rank"], r["hit"]) for r in rows)) == [
        (str(i), h.iri) for i, h in enumerate(expected, start=1)
    ]
    assert {r["source"] for r in rows} == {h.source for h in expected}


def test_the_search_named_query_page_shows_the_hits(
    api: TestClient, built: tuple[Settings, BuildReport]
) -> None:
    expected = search(built[0].store_path, "InMail", kind="claim").hits
    response = api.get("/queries/search?q=InMail&type=claim", headers={"Accept": "text/html"})
    assert response.status_code == 200
    for hit in expected:
        assert hit.iri.removeprefix("https://w3id.org/policykg/") in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=%22InMail", "parameter 'q': unbalanced quote: every \" needs a closing \""),
        ("q=InMail&lang=fr", "parameter 'lang' must be any or one of de, en, nl (in any case), got 'fr'"),
        ("q=InMail&limit=500", "parameter 'limit' must be from 1 to 100, got 500"),
    ],
)  # fmt: skip
def test_the_search_named_query_names_a_bad_parameter(
    api: TestClient, query: str, message: str
) -> None:
    response = api.get(f"/queries/search?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": "Bad parameter", "message": message, "status": 400}

"""GET /network, /network/paths, /network/stats and /timeline.json on the real policy graph,
run through the server's query workers."""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient
from policykg.api.app import create_app

from policykg.graph.build import BuildReport
from policykg.kg import PolicyGraph
from policykg.network.analysis import stats
from policykg.network.build import network
from policykg.network.filters import Filters
from policykg.network.paths import find_paths
from policykg.network.timeline import build_timeline, fetch_timeline
from policykg.network.views import to_cytoscape, to_node_link
from policykg.settings import Settings

ID = "https://w3id.org/policykg/id/"
TWEAKERS = "000_d336fba75509138b"


@pytest.fixture(scope="module")
def api(built: tuple[Settings, BuildReport]) -> Iterator[TestClient]:
    settings = Settings(dist=built[0].dist, workers=1, query_timeout=20)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize(
    "query",
    ["", "as_of=2024-10-01", "as_of=2025-11-10", f"source={TWEAKERS}", "include_corrected=true&stance=reported",
     "focus=id:openai&depth=1", "type=practice&type=jurisdiction&jurisdiction=loc:US"],
)  # fmt: skip
def test_network_is_the_builders_view(api: TestClient, kg: PolicyGraph, query: str) -> None:
    response = api.get(f"/network?{query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    filters = Filters.parse([tuple(p.split("=", 1)) for p in query.split("&") if p])  # type: ignore[misc]
    assert response.json() == to_cytoscape(network(kg, filters), filters)


def test_the_eu_edge_appears_between_the_two_dates(api: TestClient) -> None:
    edge = f"{ID}linkedin-genai-training-eu|https://w3id.org/dpv#hasJurisdiction|https://w3id.org/dpv/loc#EU"
    before = {
        e["data"]["id"] for e in api.get("/network?as_of=2024-10-01").json()["elements"]["edges"]
    }
    after = {
        e["data"]["id"] for e in api.get("/network?as_of=2025-11-10").json()["elements"]["edges"]
    }
    assert edge not in before
    assert edge in after


def test_node_link_format(api: TestClient, kg: PolicyGraph) -> None:
    response = api.get("/network?format=node-link&include_corrected=true")
    assert response.json() == to_node_link(network(kg, Filters(include_corrected=True)))


@pytest.mark.parametrize(("fmt", "media", "read"), [
    ("graphml", "application/graphml+xml", lambda b: nx.read_graphml(b, force_multigraph=True)),
    ("gexf", "application/gexf+xml", nx.read_gexf),
])  # fmt: skip
def test_graph_files_of_a_filtered_view(
    api: TestClient, fmt: str, media: str, read: object
) -> None:
    query = f"source={TWEAKERS}&as_of=2024-10-01"
    counts = api.get(f"/network?{query}").json()["counts"]
    response = api.get(f"/network?{query}&format={fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"] == media
    graph = read(io.BytesIO(response.content))  # type: ignore[operator]
    assert {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()} == counts


def test_paths(api: TestClient, kg: PolicyGraph) -> None:
    response = api.get("/network/paths?from=id:openai&to=id:linkedin-members&k=3&as_of=2025-11-10")
    assert response.status_code == 200
    view = network(kg, Filters.parse([("as_of", "2025-11-10")]))
    assert response.json() == {"paths": find_paths(view, ID + "openai", ID + "linkedin-members", 3)}
    assert [s["label"] for s in response.json()["paths"][0]["steps"]] == [
        "excludesRecipient",
        "hasDataSubject",
    ]
    none = api.get("/network/paths?from=id:openai&to=id:linkedin-members&type=organisation")
    assert none.json() == {"paths": []}


def test_stats_and_timeline(api: TestClient, kg: PolicyGraph) -> None:
    assert api.get("/network/stats?as_of=2025-11-10").json() == stats(
        network(kg, Filters.parse([("as_of", "2025-11-10")]))
    )
    assert api.get("/timeline.json").json() == build_timeline(fetch_timeline(kg.store))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/network?as_of=2024-02-30", "parameter 'as_of': expected a date YYYY-MM-DD"),
        (
            "/network?format=csv",
            "parameter 'format': expected one of cytoscape, node-link, compact, graphml, gexf",
        ),
        ("/network?format=gexf&format=graphml", "parameter 'format': given more than once"),
        (
            "/network?stance=maybe",
            "parameter 'stance': expected one of asserted, reported, alleged, denied, inferred",
        ),
        (
            "/network?include_corrected=TRUE",
            "parameter 'include_corrected': expected true or false",
        ),
        (
            "/network?source=999_0000000000000000",
            "parameter 'source': no source <https://w3id.org/policykg/source/999_0000000000000000> in the graph",
        ),
        (
            "/network?focus=id:nobody",
            "parameter 'focus': no node <https://w3id.org/policykg/id/nobody> in the graph",
        ),
        (
            "/network?colour=red",
            "unknown parameter 'colour'; /network takes: format, as_of, source, type, jurisdiction, stance, include_corrected, focus, depth",
        ),
        (
            "/network/paths?to=id:openai",
            "parameter 'from': required: an IRI or a curie like id:openai",
        ),
        (
            "/network/paths?from=openai&to=id:openai",
            "parameter 'from': expected an IRI or a curie like id:openai",
        ),
        (
            "/network/paths?from=id:openai&to=id:nobody",
            "parameter 'to': no node <https://w3id.org/policykg/id/nobody> in the graph",
        ),
        (
            "/network/paths?from=id:openai&to=id:linkedin&k=0",
            "parameter 'k': expected an integer from 1 to 10",
        ),
        (
            "/network/stats?k=2",
            "unknown parameter 'k'; /network/stats takes: as_of, source, type, jurisdiction, stance, include_corrected, focus, depth",
        ),
        ("/timeline.json?as_of=2024-10-01", "unknown parameter 'as_of'; /timeline.json takes none"),
    ],
)
def test_bad_parameters_are_400_naming_them(api: TestClient, url: str, message: str) -> None:
    response = api.get(url)
    assert response.status_code == 400
    assert response.json() == {"error": "Bad request", "message": message, "status": 400}


def test_the_cache_is_bounded(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from policykg.api.routers import network as router

    monkeypatch.setattr(router, "CACHE_SIZE", 2)
    for day in ("2024-09-18", "2024-09-19", "2024-09-20"):
        assert api.get(f"/network?as_of={day}").status_code == 200
    assert len(router._cache) == 2


# The view of OpenAI's organisations and practices one step away on 2024-09-20, before
# Tweakers corrected its claim that LinkedIn shares the data with OpenAI (30 September).
SMALL = "focus=id:openai&depth=1&type=organisation&type=practice&as_of=2024-09-20"
OPENAI, PRACTICE, MICROSOFT = ID + "openai", ID + "linkedin-genai-training", ID + "microsoft"
RECIPIENT = "https://w3id.org/dpv#hasRecipient"
EXCLUDES = "https://w3id.org/policykg/ontology#excludesRecipient"
STAKE = "https://w3id.org/policykg/ontology#hasStakeIn"


def test_the_compact_view_of_a_small_filter(api: TestClient) -> None:
    response = api.get(f"/network?{SMALL}&format=compact")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "nodes": [
            [MICROSOFT, "Microsoft", "organisation", {"en": "Microsoft"}],
            [OPENAI, "OpenAI", "organisation", {"en": "OpenAI"}],
            [PRACTICE, "LinkedIn trains generative-AI models on member data (2024)", "practice",
             {"en": "LinkedIn trains generative-AI models on member data (2024)"}],
        ],
        "properties": [
            {"iri": STAKE, "label": "hasStakeIn"},
            {"iri": RECIPIENT, "label": "hasRecipient"},
            {"iri": EXCLUDES, "label": "excludesRecipient"},
        ],
        "edges": [
            [0, 1, 0, 1, False, False, ["asserted"]],
            [2, 0, 1, 3, False, False, ["asserted", "reported"]],
            [2, 1, 1, 1, False, False, ["asserted"]],
            [2, 1, 2, 2, False, False, ["reported"]],
        ],
        "filters": {
            "as_of": "2024-09-20", "source": [], "type": ["organisation", "practice"],
            "jurisdiction": None, "stance": [], "include_corrected": False, "focus": OPENAI,
            "depth": 1,
        },
        "counts": {"nodes": 3, "edges": 4},
    }  # fmt: skip


def _without_claims(view: dict[str, Any]) -> dict[str, Any]:
    """The Cytoscape.js view as the compact form says it: each edge's stances, no claims."""
    nodes = [n["data"] for n in view["elements"]["nodes"]]
    index = {n["id"]: i for i, n in enumerate(nodes)}
    properties: list[dict[str, str]] = []
    edges = []
    for edge in (e["data"] for e in view["elements"]["edges"]):
        prop = {"iri": edge["property"], "label": edge["label"]}
        if prop not in properties:
            properties.append(prop)
        edges.append([index[edge["source"]], index[edge["target"]], properties.index(prop),
                      edge["count"], edge["disputed"], edge["corrected"],
                      sorted({c["stance"] for c in edge["claims"]})])  # fmt: skip
    return {
        "nodes": [[n["iri"], n["label"], n["type"], n["labels"]] for n in nodes],
        "properties": properties,
        "edges": edges,
        "filters": view["filters"],
        "counts": view["counts"],
    }


@pytest.mark.parametrize(
    "query", ["", "as_of=2025-11-10", "include_corrected=true", f"source={TWEAKERS}", SMALL]
)
def test_the_compact_view_is_the_cytoscape_view_without_claims(api: TestClient, query: str) -> None:
    full = api.get(f"/network?{query}").json()
    compact = api.get(f"/network?{query}&format=compact").json()
    assert compact == _without_claims(full)


def test_claims_of_edges_and_nodes_are_those_of_the_full_view(api: TestClient) -> None:
    full = {
        e["data"]["id"]: e["data"] for e in api.get(f"/network?{SMALL}").json()["elements"]["edges"]
    }
    shared = f"{PRACTICE}|{RECIPIENT}|{OPENAI}"
    assert full[shared]["claims"][0]["quote"]  # the corrected claim, not yet corrected that day
    one = api.get(f"/network/claims?{SMALL}&edge={urllib.parse.quote(shared)}")
    assert one.status_code == 200
    assert one.json() == {"edges": {shared: full[shared]["claims"]}}
    near = api.get(f"/network/claims?{SMALL}&node=id:microsoft").json()
    assert near == {
        "edges": {
            k: e["claims"] for k, e in full.items() if MICROSOFT in (e["source"], e["target"])
        }
    }
    assert 0 < len(near["edges"]) < len(full)
    every = api.get(f"/network/claims?{SMALL}").json()
    assert every == {"edges": {k: e["claims"] for k, e in full.items()}}


def test_the_catalogue_lists_what_the_whole_graph_holds(api: TestClient) -> None:
    whole = api.get("/network?include_corrected=true").json()
    nodes = [n["data"] for n in whole["elements"]["nodes"]]
    claims = [c for e in whole["elements"]["edges"] for c in e["data"]["claims"]]
    labels = {n["id"]: n["label"] for n in nodes}
    sources = {c["source"]: c["source_label"] for c in claims}
    places = {n["id"]: n["label"] for n in nodes if n["type"] == "jurisdiction"}
    places |= {c["jurisdiction"]: labels[c["jurisdiction"]] for c in claims if c["jurisdiction"]}
    response = api.get("/network/catalogue")
    assert response.status_code == 200

    def by_label(names: dict[str, str]) -> list[dict[str, str]]:
        listed = [{"iri": i, "label": n} for i, n in names.items()]
        return sorted(listed, key=lambda x: (x["label"], x["iri"]))

    assert response.json() == {
        "sources": by_label(sources),
        "jurisdictions": by_label(places),
        "nodes": [[n["iri"], n["label"], n["type"], n["labels"]] for n in nodes],
    }
    assert {s["label"] for s in response.json()["sources"]} >= {"Tweakers, 2024-09-18"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/network?format=compactly",
            "parameter 'format': expected one of cytoscape, node-link, compact, graphml, gexf",
        ),
        (
            f"/network/claims?{SMALL}&edge=a|b|c",
            "parameter 'edge': no edge 'a|b|c' in this view",
        ),
        (
            f"/network/claims?{SMALL}&node=id:linkedin",
            "parameter 'node': no node <https://w3id.org/policykg/id/linkedin> in this view",
        ),
        (
            "/network/claims?node=linkedin",
            "parameter 'node': expected an IRI or a curie like id:linkedin",
        ),
        ("/network/claims?as_of=yesterday", "parameter 'as_of': expected a date YYYY-MM-DD"),
        (
            "/network/claims?claim=x",
            "unknown parameter 'claim'; /network/claims takes: edge, node, as_of, source, type, jurisdiction, stance, include_corrected, focus, depth",
        ),
        (
            "/network/catalogue?as_of=2024-10-01",
            "unknown parameter 'as_of'; /network/catalogue takes none",
        ),
    ],
)
def test_bad_values_of_the_lighter_views_are_400_naming_them(
    api: TestClient, url: str, message: str
) -> None:
    response = api.get(url)
    assert response.status_code == 400
    assert response.json() == {"error": "Bad request", "message": message, "status": 400}

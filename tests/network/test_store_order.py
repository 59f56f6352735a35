"""A network view does not depend on the order a store holds its quads in: where a claim has
several quotes or jurisdictions, or a source several publishers' names, the same one is
shown however the store was filled (a build writes the dumps' network from its canonical
N-Quads, the server from its own copies), and a claim holding for several jurisdictions is
in the view of each."""

from __future__ import annotations

import json

import networkx as nx
from pyoxigraph import Literal, NamedNode, Quad, Store

from policykg.kg import PolicyGraph
from policykg.network.build import network
from policykg.network.filters import Filters

from .support import CLAIM, LOC, SRC, TWEAKERS

OWNED = NamedNode(CLAIM + "000/linkedin-owned-by-microsoft")
GRAPH = NamedNode(SRC + TWEAKERS)
QUOTE = NamedNode("https://w3id.org/policykg/ontology#quote")
SPATIAL = NamedNode("http://purl.org/dc/terms/spatial")
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PUBLISHER = NamedNode("https://schema.org/publisher")


def _quads(kg: PolicyGraph) -> list[Quad]:
    """The seed graph's quads, with a second and third quote, two jurisdictions and a
    publisher with one more name."""
    publisher = next(kg.store.quads_for_pattern(GRAPH, PUBLISHER, None, None)).object
    extra = [
        Quad(OWNED, QUOTE, Literal("een dienst van Microsoft", language="nl"), GRAPH),
        Quad(OWNED, QUOTE, Literal("A service of Microsoft", language="en"), GRAPH),
        Quad(OWNED, SPATIAL, NamedNode(LOC + "NL"), GRAPH),
        Quad(OWNED, SPATIAL, NamedNode(LOC + "DE"), GRAPH),
        Quad(publisher, LABEL, Literal("Aaa Tweakers", language="de"), GRAPH),  # type: ignore[arg-type]
    ]
    return [*kg.store, *extra]


def _view(quads: list[Quad], kg: PolicyGraph, filters: Filters) -> str:
    store = Store()
    store.extend(quads)
    graph = network(PolicyGraph(store, kg.library), filters)
    return json.dumps(nx.node_link_data(graph, edges="links"), sort_keys=True)


def _owned_claim(view: str) -> dict[str, object]:
    for link in json.loads(view)["links"]:
        for claim in link["claims"]:
            if claim["iri"] == OWNED.value:
                return dict(claim)
    raise AssertionError("the claim is not in the view")


def test_the_view_is_the_same_whatever_the_stores_order(kg: PolicyGraph) -> None:
    quads = _quads(kg)
    forward = _view(quads, kg, Filters())
    assert forward == _view(quads[::-1], kg, Filters())
    assert forward == _view(sorted(quads, key=str), kg, Filters())
    claim = _owned_claim(forward)
    # the first of the three quotes by code point, with its own language
    assert (claim["quote"], claim["quote_lang"]) == ("A service of Microsoft", "en")
    assert claim["jurisdiction"] == LOC + "DE"
    assert claim["source_label"] == "Aaa Tweakers, 2024-09-18"


def test_a_claim_for_two_jurisdictions_is_in_the_view_of_each(kg: PolicyGraph) -> None:
    quads = _quads(kg)
    for place in ("NL", "DE"):
        view = _view(quads, kg, Filters(jurisdiction=LOC + place))
        assert _owned_claim(view)["iri"] == OWNED.value
    view = _view(quads, kg, Filters(jurisdiction=LOC + "US"))
    assert OWNED.value not in view

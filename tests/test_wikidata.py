"""Every Wikidata link in the graph has its evidence in docs/wikidata.md, and every entity without
one says why, consistently: an item or a status, never both, and never neither for an
organisation or a person."""

from __future__ import annotations

import re
from collections import Counter

from policykg.kg import PolicyGraph
from policykg.namespaces import PKG, PREFIXES, all_prefixes
from policykg.settings import Settings

SKOS = PREFIXES["skos"]
WD = PREFIXES["wd"]
STATUS = {"not verified": PKG + "WikidataItemNotVerified", "no item": PKG + "NoWikidataItem"}
LINK = re.compile(r"^\| `([a-z-]+:[^`]+)` \| (exactMatch|closeMatch) \| `wd:(Q\d+)` \| (.*) \|$")
NO_LINK = re.compile(r"^\| `([a-z-]+:[^`]+)` \| (not verified|no item) \| (.+) \|$")


def expand(curie: str, settings: Settings) -> str:
    prefix, _, local = curie.partition(":")
    return all_prefixes(settings.base_iri)[prefix] + local


def documentation() -> list[str]:
    return (Settings().root / "docs" / "wikidata.md").read_text(encoding="utf-8").splitlines()


def documented_links() -> dict[tuple[str, str, str], str]:
    """(entity IRI, SKOS property IRI, Wikidata item IRI) -> the evidence cell."""
    settings = Settings()
    rows = [m for m in map(LINK.match, documentation()) if m]
    keys = [(expand(m[1], settings), SKOS + m[2], WD + m[3]) for m in rows]
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    return {key: m[4] for key, m in zip(keys, rows, strict=True)}


def graph_links(kg: PolicyGraph) -> set[tuple[str, str, str]]:
    rows = kg.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?e ?p ?item WHERE { GRAPH ?g { ?e ?p ?item } "
        "VALUES ?p { skos:exactMatch skos:closeMatch } "
        "FILTER STRSTARTS(STR(?item), 'http://www.wikidata.org/entity/') }"
    )
    return {(str(r["e"]), str(r["p"]), str(r["item"])) for r in rows}


def test_every_link_in_the_graph_is_documented_with_its_evidence_and_vice_versa(
    kg: PolicyGraph,
) -> None:
    assert set(documented_links()) == graph_links(kg)


def test_every_documented_link_has_two_pieces_of_evidence_at_least() -> None:
    links = documented_links()
    assert links
    thin = [key for key, cell in links.items() if len(set(re.findall(r"\*\*E\d+\*\*", cell))) < 2]
    assert thin == []


def test_every_status_in_the_graph_is_documented_with_what_was_tried_and_vice_versa(
    kg: PolicyGraph,
) -> None:
    settings = Settings()
    rows = [m for m in map(NO_LINK.match, documentation()) if m]
    documented = Counter((expand(m[1], settings), STATUS[m[2]]) for m in rows)
    assert [k for k, n in documented.items() if n > 1] == []
    in_graph = kg.select(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "SELECT ?e ?status WHERE { ?e pkg:wikidataStatus ?status }"
    )
    assert set(documented) == {(str(r["e"]), str(r["status"])) for r in in_graph}


def test_no_entity_has_both_an_item_and_a_status(kg: PolicyGraph) -> None:
    both = kg.select(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT DISTINCT ?e WHERE { ?e pkg:wikidataStatus ?s ; skos:exactMatch ?item "
        "FILTER STRSTARTS(STR(?item), 'http://www.wikidata.org/entity/') }"
    )
    assert [str(r["e"]) for r in both] == []


def test_every_organisation_and_person_has_an_item_or_a_status(kg: PolicyGraph) -> None:
    neither = kg.select(
        "PREFIX pkg: <https://w3id.org/policykg/ontology#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX schema: <https://schema.org/> "
        "SELECT DISTINCT ?e WHERE { VALUES ?class { schema:Organization schema:Person } "
        "?e a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?class "
        "FILTER NOT EXISTS { ?e pkg:wikidataStatus ?s } "
        "FILTER NOT EXISTS { ?e skos:exactMatch ?item "
        "FILTER STRSTARTS(STR(?item), 'http://www.wikidata.org/entity/') } }"
    )
    assert [str(r["e"]) for r in neither] == []


def test_an_entity_has_one_exact_wikidata_item_at_most(kg: PolicyGraph) -> None:
    exact = Counter(e for e, p, _ in graph_links(kg) if p == SKOS + "exactMatch")
    assert [e for e, n in exact.items() if n > 1] == []

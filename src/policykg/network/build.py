"""Build the claims network: entities as nodes, one edge per (subject, property, object).

Each edge holds every claim behind it (its source, stance, quote, paragraph, period and
jurisdiction), how many there are, whether sources disagree on it (``disputed``) and
whether all of them were corrected. Filters on time and correction are applied by the
claims query; sources, stances, jurisdiction, node types and the neighbourhood of a focus
node are applied here.

>>> from policykg.kg import PolicyGraph
>>> g = network(PolicyGraph.load(), Filters())
>>> g.nodes["https://w3id.org/policykg/id/linkedin"]["type"]
'organisation'
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..errors import BadRequest
from ..namespaces import PKG, PREFIXES, PROV
from .filters import STANCES, Filters
from .rows import NetworkRows, Record, fetch

if TYPE_CHECKING:
    from ..kg import PolicyGraph

__all__ = [
    "build_network",
    "edge_id",
    "network",
    "node_table",
    "node_type",
    "short_name",
    "source_labels",
]

DPV = PREFIXES["dpv"]
SCHEMA = PREFIXES["schema"]
_GDPR = PREFIXES["eu-gdpr"]

#: The first rule whose classes meet a node's types gives its type key.
_TYPE_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("practice", frozenset({PKG + "DataUsePractice"})),
    ("lawsuit", frozenset({PKG + "Lawsuit"})),
    ("regulator-action", frozenset({PKG + "RegulatorAction"})),
    ("correction", frozenset({PKG + "Correction"})),
    ("source", frozenset({SCHEMA + "NewsArticle"})),
    ("setting", frozenset({PKG + "PrivacySetting"})),
    (
        "person",  # people, and groups of people whose data is used (data subjects)
        frozenset(
            {
                SCHEMA + "Person",
                PROV + "Person",
                DPV + "DataSubject",
                DPV + "User",
                DPV + "Customer",
            }
        ),
    ),
    ("data", frozenset({DPV + "PersonalData"})),
    ("purpose", frozenset({DPV + "Purpose"})),
    ("jurisdiction", frozenset({DPV + "Country", DPV + "SupraNationalUnion"})),
    (
        "organisation",
        frozenset(
            {
                SCHEMA + "Organization",
                SCHEMA + "GovernmentOrganization",
                SCHEMA + "NewsMediaOrganization",
                PROV + "Organization",
                DPV + "Organisation",
                DPV + "NonProfitOrganisation",
                DPV + "DataProtectionAuthority",
                DPV + "Recipient",
                DPV + "ThirdParty",
                _GDPR + "DataProtectionAuthority",
            }
        ),
    ),
    (
        "product",
        frozenset(
            {
                PKG + "AIFeature",
                SCHEMA + "Service",
                SCHEMA + "WebSite",
                PREFIXES["ai"] + "GPAIModel",
                DPV + "Technology",
            }
        ),
    ),
)
#: Terms that are data categories by name (DPV declares them as classes, not instances).
_DATA_TERMS = frozenset(
    {DPV + "PersonalData", DPV + "SensitivePersonalData", DPV + "SpecialCategoryPersonalData"}
)
#: Properties on which sources listing values for the same subject may disagree.
_LISTED = frozenset({PKG + "excludesJurisdiction"})
_LANGS = ("en", "nl", "de")


def short_name(iri: str) -> str:
    """The local name of an IRI: ``hasDataController`` for ``dpv:hasDataController``.

    >>> short_name("https://w3id.org/dpv#hasDataController"), short_name("https://schema.org/worksFor")
    ('hasDataController', 'worksFor')
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if iri.rsplit("#", 1)[-1] else iri


def edge_id(subject: str, predicate: str, obj: str) -> str:
    """An edge's id: ``<subject IRI>|<predicate IRI>|<object IRI>``."""
    return f"{subject}|{predicate}|{obj}"


def node_type(iri: str, types: set[str]) -> str:
    """The type key of a node from its rdf:types (and, for DPV terms, its IRI).

    >>> node_type("https://w3id.org/dpv/loc#EU", {"https://w3id.org/dpv#SupraNationalUnion"})
    'jurisdiction'
    >>> node_type("https://w3id.org/dpv/pd#Location", {"https://w3id.org/dpv#PersonalData"})
    'data'
    """
    for key, classes in _TYPE_RULES:
        if types & classes:
            return key
    if iri in _DATA_TERMS or iri.startswith(PREFIXES["pd"]):
        return "data"
    if iri.startswith(PREFIXES["loc"]):
        return "jurisdiction"
    return "other"


def node_table(rows: list[Record]) -> dict[str, dict[str, Any]]:
    """Each node's data: iri, label, labels per language, type."""
    types: dict[str, set[str]] = defaultdict(set)
    names: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: {"label": {}, "alt": {}})
    for row in rows:
        node, kind, value = row["node"], row["kind"], row["value"]
        assert node is not None
        types[node]  # every node, typed or not
        if kind == "type" and value:
            types[node].add(value)
        elif kind in ("label", "alt") and value is not None:
            names[node][kind].setdefault(row["lang"] or "", value)
    nodes = {}
    for node, classes in types.items():
        pref, alt = names[node]["label"], names[node]["alt"]
        labels = {
            lang: pref.get(lang) or alt[lang] for lang in _LANGS if lang in pref or lang in alt
        }
        label = next(
            (v for v in (pref.get("en"), pref.get(""), *pref.values(), *labels.values()) if v),
            short_name(node),
        )
        nodes[node] = {"id": node, "iri": node, "label": label, "labels": labels,
                       "type": node_type(node, classes)}  # fmt: skip
    return nodes


def source_labels(rows: list[Record]) -> dict[str, str]:
    """``Tweakers, 2024-09-18``: the publisher (or the seed id) and the date, if stated."""
    labels = {}
    for row in rows:
        source = row["source"]
        assert source is not None
        who = row["publisher_label"] or row["identifier"] or short_name(source)
        labels[source] = f"{who}, {row['issued'] or 'undated'}"
    return labels


def _stance(iri: str | None) -> str:
    for key, term in STANCES.items():
        if term == iri:
            return key
    return short_name(iri or "").lower()


def _jurisdictions(row: Record) -> list[str]:
    """The jurisdictions a claim holds for, by code point (none: it states none)."""
    return sorted((row["jurisdictions"] or "").split())


def _claim(row: Record, labels: dict[str, str]) -> dict[str, Any]:
    paragraphs = sorted(int(p) for p in (row["paragraphs"] or "").split())
    held = _jurisdictions(row)
    start, end = row["period_start"], row["period_end"]
    source = row["source"] or ""
    return {
        "iri": row["claim"],
        "source": source,
        "source_label": labels.get(source, short_name(source)),
        "stance": _stance(row["stance"]),
        "quote": row["quote"] or None,  # "" where a claim has none (Virtuoso's STRAFTER)
        "quote_lang": row["quote_lang"] or None,
        "paragraph": paragraphs[0] if paragraphs else None,
        "corrected": row["corrected"] == "true",
        "period": {"start": start, "end": end} if start or end else None,
        "jurisdiction": held[0] if held else None,
    }


def _keep(row: Record, filters: Filters) -> bool:
    if filters.sources and row["source"] not in filters.sources:
        return False
    if filters.stances and _stance(row["stance"]) not in filters.stances:
        return False
    jurisdiction = filters.jurisdiction
    held = _jurisdictions(row)  # a claim may hold for several
    return jurisdiction is None or not held or jurisdiction in held


def _disputed(claims: list[Record]) -> set[str]:
    """Edges on which sources disagree.

    For listed properties (the excluded jurisdictions), sources that list values for a
    subject disagree on every value some of them leave out; and a triple some source
    denies while another does not is disputed.
    """
    listing: dict[tuple[str, str], set[str]] = defaultdict(set)
    naming: dict[str, set[str]] = defaultdict(set)
    stances: dict[str, set[bool]] = defaultdict(set)
    for row in claims:
        s, p, o, source = (
            row["subject"] or "",
            row["predicate"] or "",
            row["object"] or "",
            row["source"] or "",
        )
        key = edge_id(s, p, o)
        stances[key].add(row["stance"] == STANCES["denied"])
        if p in _LISTED and row["corrected"] != "true":
            listing[(s, p)].add(source)
            naming[key].add(source)
    disputed = {key for key, kinds in stances.items() if len(kinds) > 1}
    for key, sources in naming.items():
        s, p, _ = key.split("|")
        if sources != listing[(s, p)]:
            disputed.add(key)
    return disputed


def build_network(rows: NetworkRows, filters: Filters) -> nx.MultiDiGraph:
    """The filtered network from fetched rows (see :func:`network` to fetch and build)."""
    nodes = node_table(rows.nodes)
    labels = source_labels(rows.sources)
    for source in filters.sources:
        if source not in labels:
            raise BadRequest(f"parameter 'source': no source <{source}> in the graph")
    if filters.focus is not None and filters.focus not in nodes:
        raise BadRequest(f"parameter 'focus': no node <{filters.focus}> in the graph")
    kept = [row for row in rows.claims if _keep(row, filters)]
    disputed = _disputed(kept)
    edges: dict[str, list[Record]] = defaultdict(list)
    for row in kept:
        edges[edge_id(row["subject"] or "", row["predicate"] or "", row["object"] or "")].append(
            row
        )
    graph = nx.MultiDiGraph()
    for key in sorted(edges):
        claims = sorted(edges[key], key=lambda r: (r["source"] or "", r["claim"] or ""))
        subject, predicate, obj = (claims[0][c] or "" for c in ("subject", "predicate", "object"))
        for node in (subject, obj):
            if node not in graph:
                graph.add_node(node, **(nodes.get(node) or _bare(node)))
        detail = [_claim(r, labels) for r in claims]
        graph.add_edge(
            subject,
            obj,
            key=key,
            id=key,
            property=predicate,
            label=short_name(predicate),
            count=len(detail),
            disputed=key in disputed,
            corrected=all(c["corrected"] for c in detail),
            claims=detail,
        )
    if filters.types:
        graph = _restrict(graph, {n for n, t in graph.nodes(data="type") if t in filters.types})
    if filters.focus is not None:
        if filters.focus not in graph:
            return nx.MultiDiGraph()
        near = nx.single_source_shortest_path_length(
            graph.to_undirected(as_view=True), filters.focus, cutoff=filters.hops
        )
        graph = _restrict(graph, set(near))
    return graph


def _restrict(graph: nx.MultiDiGraph, keep: set[str]) -> nx.MultiDiGraph:
    """The part of ``graph`` on the nodes in ``keep``, nodes and edges in ``graph``'s order.

    (A networkx subgraph view iterates the set of nodes it was given, so its order would
    change with Python's string hashing from one process to the next.)
    """
    out = nx.MultiDiGraph()
    out.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if n in keep)
    out.add_edges_from(
        (u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True) if u in keep and v in keep
    )
    return out


def _bare(node: str) -> dict[str, Any]:
    return {
        "id": node,
        "iri": node,
        "label": short_name(node),
        "labels": {},
        "type": node_type(node, set()),
    }


def network(graph: PolicyGraph, filters: Filters) -> nx.MultiDiGraph:
    """Fetch the rows from an in-process graph and build the filtered network."""
    return build_network(fetch(graph.store, filters), filters)

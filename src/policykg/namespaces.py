"""The graph's IRIs: the base namespace, the ontology's and the prefixes every output uses.

>>> all_prefixes("http://example.org/")["claim"]
'http://example.org/claim/'
>>> PKG + "Claim"
'https://w3id.org/policykg/ontology#Claim'
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_BASE",
    "PKG",
    "PREFIXES",
    "PROV",
    "RDF",
    "all_prefixes",
    "dump_prefixes",
]

#: The namespace every policykg IRI starts with, unless overridden (``POLICYKG_BASE_IRI``).
DEFAULT_BASE = "https://w3id.org/policykg/"

#: The ontology keeps its own namespace whatever the base IRI.
PKG = "https://w3id.org/policykg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"

#: Prefixes of the vocabularies the graph uses (dumps, terminal tables, JSON-LD context).
PREFIXES = {
    "pkg": PKG,
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "ai": "https://w3id.org/dpv/ai#",
    "tech": "https://w3id.org/dpv/tech#",
    "loc": "https://w3id.org/dpv/loc#",
    "legal-nl": "https://w3id.org/dpv/legal/nl#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "prov": PROV,
    "schema": "https://schema.org/",
    "dct": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": RDF,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
}

#: The graph's own namespaces, as paths under the base IRI.
OWN = {"id": "id/", "src": "source/", "kg": "graph/", "claim": "claim/"}


def all_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """PREFIXES plus the graph's own namespaces (id:, src:, kg:, claim:) under ``base``."""
    return {**PREFIXES, **{name: base + path for name, path in OWN.items()}}


def dump_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes of the Turtle-family dumps: all but ``claim:``.

    Claim local names hold a slash (claim/000/x), which Turtle must escape
    (``claim:000\\/x``); full IRIs read better there.

    >>> "claim" in dump_prefixes()
    False
    """
    prefixes = all_prefixes(base)
    del prefixes["claim"]
    return prefixes

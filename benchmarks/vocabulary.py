"""The vocabulary of the synthetic graph: namespaces, jurisdictions, data categories,
purposes, languages and claim predicates, and how terms are written in N-Quads.

>>> iri(org_iri("org", 17)), lit("2025-01-01", XSD + "date")[:13]
('<https://w3id.org/policykg/id/org/org-00017>', '"2025-01-01"^')
"""

from __future__ import annotations

__all__ = [
    "BASE", "DATA_CATEGORIES", "DCT", "DPV", "JURISDICTIONS", "LANGUAGES", "LOC", "PKG",
    "PREDICATES", "PROV", "PURPOSES", "RDF", "SCHEMA", "SKOS", "TIME", "XSD", "iri", "lit",
    "org_iri",
]  # fmt: skip

BASE = "https://w3id.org/policykg/"
PKG = f"{BASE}ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
TIME = "http://www.w3.org/2006/time#"
SCHEMA = "https://schema.org/"
DPV = "https://w3id.org/dpv#"
LOC = "https://w3id.org/dpv/loc#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

_EU = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)  # fmt: skip
_OTHER = ("GB", "CH", "NO", "IS", "US", "CA", "BR", "IN", "JP", "KR", "AU", "CN", "SG", "ZA")
_REGIONS = (
    ("US", ("CA", "NY", "TX", "IL", "CO", "VA", "WA")),
    ("DE", ("BY", "BE", "HH")),
    ("FR", ("IDF", "ARA")),
    ("CA", ("QC", "ON", "BC")),
)

#: Jurisdiction code -> broader jurisdiction code (``None`` for the top).
JURISDICTIONS: dict[str, str | None] = {
    "EU": None,
    **dict.fromkeys(_EU, "EU"),
    **dict.fromkeys(_OTHER),
    **{f"{country}-{sub}": country for country, subs in _REGIONS for sub in subs},
}

DATA_CATEGORIES = (
    "public-posts", "photos", "videos", "private-messages", "voice-recordings", "location",
    "contacts", "browsing-history", "purchase-history", "search-queries", "biometric",
    "health", "financial", "age", "children", "profile-data", "comments", "likes",
    "livestreams", "support-chats",
)  # fmt: skip
PURPOSES = (
    "model-training", "model-evaluation", "personalisation", "advertising", "safety",
    "research", "product-improvement", "fraud-prevention", "analytics", "content-moderation",
)  # fmt: skip
LANGUAGES = ("en",) * 7 + ("de", "fr", "es", "nl", "it")

#: Claim predicate (local name in pkg:) and its weight.
PREDICATES: tuple[tuple[str, int], ...] = (
    ("trainsOn", 30),
    ("usesDataFor", 15),
    ("appliesIn", 20),
    ("excludes", 10),
    ("offersOptOut", 15),
    ("retentionPeriod", 10),
)


def iri(x: str) -> str:
    """An IRI as an N-Quads term."""
    return f"<{x}>"


def lit(value: str, datatype: str | None = None) -> str:
    """A literal as an N-Quads term (no escaping: the generator writes plain values)."""
    return f'"{value}"^^<{datatype}>' if datatype else f'"{value}"'


def org_iri(kind: str, i: int) -> str:
    """The IRI of company ``org-NNNNN`` or publisher ``pub-NNNN``.

    >>> org_iri("org", 17)
    'https://w3id.org/policykg/id/org/org-00017'
    """
    return f"{BASE}id/org/{kind}-{i:05d}" if kind == "org" else f"{BASE}id/org/{kind}-{i:04d}"

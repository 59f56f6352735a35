"""``DESCRIBE <iri>`` answered with the resource's description (see :mod:`.describe`).

A query that is only ``DESCRIBE`` of one IRI (after PREFIX and BASE declarations) is
answered with the stored ``RESOURCE`` query, the IRI bound: the concise bounded description
with the reified claims, the same triples as the resource's own RDF. Any other DESCRIBE
(several IRIs, variables, a WHERE clause, FROM) is left to the store, which describes each
resource by its outgoing triples. The prologue is read here (no SPARQL parser is needed for
so small a form); a query that fits no part of it is left to the store.

>>> described_iri("PREFIX id: <https://w3id.org/policykg/id/>\\nDESCRIBE id:linkedin")
'https://w3id.org/policykg/id/linkedin'
>>> described_iri("DESCRIBE <linkedin>", "https://w3id.org/policykg/id/")
'https://w3id.org/policykg/id/linkedin'
>>> described_iri("DESCRIBE ?x WHERE { ?x a ?c }") is None
True
>>> described_iri("DESCRIBE <http://e/a> <http://e/b>") is None
True
>>> described_iri("DESCRIBE foo:bar") is None  # undeclared prefix: the store says so
True
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

__all__ = ["described_iri"]

_IRI = r"<([^<>\"{}|^`\\\s]*)>"
_GAP = r"(?:\s|#[^\n]*(?:\n|$))*"
_DECLARATION = re.compile(rf"{_GAP}(?:PREFIX\s+([A-Za-z][\w.-]*)?:\s*{_IRI}|BASE\s+{_IRI})", re.I)
_DESCRIBE = re.compile(
    rf"{_GAP}DESCRIBE\s+(?:{_IRI}|(?:([A-Za-z][\w.-]*)?:([\w][\w.:%/-]*)?)){_GAP}", re.I
)


def described_iri(text: str, base: str | None = None) -> str | None:
    """The IRI of a query that is exactly ``DESCRIBE <iri>``, else None.

    Only PREFIX and BASE declarations may come first; a prefix the query does not declare,
    a relative IRI without a base, or anything else leaves the query to the store.
    """
    if len(text) > 10_000:
        return None
    prefixes: dict[str, str] = {}
    position = 0
    while match := _DECLARATION.match(text, position):
        name, namespace, new_base = match.groups()
        if new_base is not None:
            base = urljoin(base, new_base) if base else new_base
        else:
            prefixes[name or ""] = urljoin(base, namespace) if base else namespace
        position = match.end()
    match = _DESCRIBE.fullmatch(text, position)
    if match is None:
        return None
    iri, prefix, local = match.groups()
    if iri is None:
        namespace = prefixes.get(prefix or "")
        if namespace is None or (local or "").endswith("."):
            return None
        iri = namespace + (local or "")
    elif base:
        iri = urljoin(base, iri)
    return iri if re.match(r"^[A-Za-z][\w+.-]*:", iri) and "://" in iri else None

"""IRIs as users type them (full IRIs or curies like ``id:openai``) and as the server links them.

>>> expand("id:openai")
'https://w3id.org/policykg/id/openai'
>>> expand("loc:EU")
'https://w3id.org/dpv/loc#EU'
>>> expand("https://w3id.org/policykg/id/linkedin")
'https://w3id.org/policykg/id/linkedin'
>>> expand("openai") is None
True
>>> resource_path("https://w3id.org/policykg/id/linkedin")
'/id/linkedin'
>>> resource_path("https://w3id.org/dpv/loc#EU") is None
True
"""

from __future__ import annotations

import re

from ..namespaces import DEFAULT_BASE, all_prefixes

__all__ = ["expand", "resource_path"]

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|\\^`]+$")
_CURIE = re.compile(
    r"^(?P<prefix>[A-Za-z][A-Za-z0-9_-]*):(?P<local>[^\s<>\"{}|\\^`/][^\s<>\"{}|\\^`]*)$"
)


def expand(text: str, base: str = DEFAULT_BASE) -> str | None:
    """The full IRI of an absolute IRI or a curie with a known prefix, else None."""
    if _ABSOLUTE.match(text):
        return text
    match = _CURIE.match(text)
    if match is None:
        return None
    namespace = all_prefixes(base).get(match["prefix"])
    return None if namespace is None else namespace + match["local"]


def resource_path(iri: str, base: str = DEFAULT_BASE) -> str | None:
    """The path of a graph IRI's page on this server (``/id/linkedin``), or None if not ours."""
    if not iri.startswith(base):
        return None
    return "/" + iri[len(base) :]

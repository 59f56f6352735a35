"""IRIs of the graph and the server paths they answer at, mapped from the configured base IRI.

Every IRI the graph mints starts with the base (``POLICYKG_BASE_IRI``, by default
``https://w3id.org/policykg/``); the rest of it is the server path: ``id/linkedin`` is
served at ``/id/linkedin``, whatever host the server runs on, so the same server answers
behind a redirect from w3id.org. The ontology and the shapes keep their own namespaces
(``…/ontology#Term``, ``…/shapes#Shape``): their terms are fragments of the documents
``/ontology`` and ``/shapes``. Any other IRI the graph describes (DPV concepts, Wikidata
items) has its page at ``/resource?iri=…``.

>>> iris = Iris("https://w3id.org/policykg/")
>>> iris.path("https://w3id.org/policykg/claim/000/eu-excluded")
'/claim/000/eu-excluded'
>>> iris.path("https://w3id.org/policykg/ontology#Claim")
'/ontology#Claim'
>>> iris.path("https://w3id.org/dpv/loc#EU")
'/resource?iri=https%3A%2F%2Fw3id.org%2Fdpv%2Floc%23EU'
>>> iris.iri("/id/linkedin")
'https://w3id.org/policykg/id/linkedin'
>>> split_extension("linkedin.ttl"), split_extension("linkedin"), split_extension("v1.2")
(('linkedin', 'turtle'), ('linkedin', None), ('v1.2', None))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote

from policykg.namespaces import PKG

__all__ = ["DESCRIBED", "EXTENSIONS", "ONTOLOGY", "SHAPES", "Iris", "split_extension"]

#: The ontology document and the shapes document (fixed namespaces, not under the base).
ONTOLOGY = PKG.rstrip("#")
SHAPES = "https://w3id.org/policykg/shapes"

#: File extensions that choose a representation, and the format each names.
EXTENSIONS = {
    "html": "html",
    "ttl": "turtle",
    "nt": "ntriples",
    "jsonld": "jsonld",
    "rdf": "rdfxml",
    "trig": "trig",
    "nq": "nquads",
}

#: Namespaces of others whose terms the graph describes (DPV, declared in ontology/dpv.ttl).
DESCRIBED = ("https://w3id.org/dpv#", "https://w3id.org/dpv/")

#: The path prefixes under the base IRI that the graph mints IRIs in.
MINTED = ("id/", "claim/", "source/", "graph/")


def split_extension(name: str) -> tuple[str, str | None]:
    """A last path segment without a known extension, and the format that extension names."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and ext in EXTENSIONS:
        return stem, EXTENSIONS[ext]
    return name, None


@dataclass(frozen=True)
class Iris:
    """Maps between the graph's IRIs (under ``base``) and this server's paths."""

    base: str

    def iri(self, path: str) -> str:
        """The IRI a server path stands for."""
        return self.base + path.lstrip("/")

    def is_local(self, iri: str) -> bool:
        """Whether the IRI has a page on this server under its own path."""
        return self._local(iri) is not None

    def _local(self, iri: str) -> str | None:
        return _local_path(self.base, iri)

    def path(self, iri: str) -> str:
        """The server path of the page for ``iri``: its own path, else ``/resource?iri=``."""
        local = self._local(iri)
        return local if local is not None else "/resource?iri=" + quote(iri, safe="")

    def href(self, iri: str) -> str:
        """Where a page links ``iri``: its page here if the graph mints or describes it
        (its own IRIs, DPV terms declared in ``ontology/dpv.ttl``), else the IRI itself.

        >>> Iris("https://w3id.org/policykg/").href("http://www.wikidata.org/entity/Q2283")
        'http://www.wikidata.org/entity/Q2283'
        """
        if self.is_local(iri) or iri.startswith(DESCRIBED):
            return self.path(iri)
        return iri


@functools.lru_cache(maxsize=1 << 16)
def _local_path(base: str, iri: str) -> str | None:
    """The server path of ``iri`` when it is one of the graph's (see :meth:`Iris.path`)."""
    for document in (ONTOLOGY, SHAPES):
        if iri == document or iri.startswith(document + "#"):
            return "/" + document.rsplit("/", 1)[1] + iri[len(document) :]
    if iri.startswith(base) and iri[len(base) :].startswith(MINTED):
        return "/" + iri[len(base) :]
    return None

"""The home page's contents: the sources and the main entities by kind, from ``describe.HOME``."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import NamedNode, Triple

from policykg.namespaces import PKG

from .iris import Iris
from .page import ARTICLE, SCHEMA, Source, Term, _Index, _source

__all__ = ["KINDS", "home_sections"]

#: The sections of the home page: a title and the classes whose members it lists.
KINDS = (
    ("Organisations", (SCHEMA + "Organization", SCHEMA + "GovernmentOrganization")),
    ("Publishers", (SCHEMA + "NewsMediaOrganization",)),
    ("People", (SCHEMA + "Person",)),
    ("Data-use practices", (PKG + "DataUsePractice",)),
    ("Jurisdictions", ("https://w3id.org/dpv#Location",)),
    ("Lawsuits", (PKG + "Lawsuit",)),
    ("Regulator actions", (PKG + "RegulatorAction",)),
    ("Corrections", (PKG + "Correction",)),
)


def home_sections(
    triples: Iterable[Triple], iris: Iris, language: str
) -> tuple[list[Source], list[tuple[str, list[Term]]]]:
    """The sources (by date) and, per kind, its members sorted by label."""
    index = _Index(triples, iris, language)
    sources = [
        s for node in index.out
        if ARTICLE in index.types(node) and (s := _source(index, node)) is not None
    ]  # fmt: skip
    sources.sort(key=lambda s: s.term.iri or "")
    sections = []
    for title, classes in KINDS:
        members = [
            index.term(node) for node in index.out
            if isinstance(node, NamedNode) and index.types(node) & set(classes)
        ]  # fmt: skip
        if members:
            sections.append((title, sorted(members, key=lambda t: t.text.lower())))
    return sources, sections

"""Counts read straight from the source files, so tests never retype numbers the data decides."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, parse

from policykg.settings import Settings

TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CLAIM = NamedNode("https://w3id.org/policykg/ontology#Claim")


def source_paths() -> list[Path]:
    return sorted((Settings().root / "graph" / "sources").glob("*.trig"))


def claims_in(paths: Iterable[Path]) -> int:
    """How many distinct pkg:Claim subjects the TriG files declare."""
    return len(
        {
            q.subject
            for path in paths
            for q in parse(path=str(path), format=RdfFormat.TRIG)
            if q.predicate == TYPE and q.object == CLAIM
        }
    )

"""The synthetic graph as TriG *source files*, laid out like the project's own sources.

``policykg build`` reads ``ontology/*.ttl``, ``graph/entities.trig`` and one
``graph/sources/<id>.trig`` per article (see ``policykg.graph.sources``). This writes the
same layout for a synthetic graph, so builds, validation and ``policykg check`` can be
measured at 10k, 100k and 1M claims::

    python benchmarks/generate.py --size 100k --sources /tmp/root100k
    POLICYKG_ROOT=/tmp/root100k POLICYKG_DIST=/tmp/dist100k policykg build

The files hold the quads of :func:`generate.generate_quads` (one file per named graph, in
the order generated), plus what the project's shapes (``ontology/shapes.ttl``, copied with
the rest of ``ontology/``) require and the N-Quads dump leaves out: a claim's
``pkg:paragraph``, its period's ``a time:Interval`` and an organisation's ``rdfs:label``
with a language tag. So a generated root conforms, and a build of it validates the same
shapes as a build of the real sources.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

from generate import Counts, generate_quads
from vocabulary import BASE, DCT, PKG, RDF, SCHEMA, TIME, XSD

__all__ = ["SourceCounts", "extra_lines", "write_sources"]

_ENTITIES = f"<{BASE}graph/entities>"
_TYPE = f" <{RDF}type> "
_CLAIM = f"{_TYPE}<{PKG}Claim>"
_ORG = f"{_TYPE}<{SCHEMA}Organization>"
_TEMPORAL = f" <{DCT}temporal> "
_NAME = f" <{SCHEMA}name> "
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_ABOUT = f" <{RDF}subject> "
_DENIED = f" <{PKG}stance> <{PKG}Denied>"


@dataclass(frozen=True)
class SourceCounts:
    """What a generated root holds: the dump's counts and how many files and quads were written."""

    counts: Counts
    files: int
    quads: int


def _split(line: str) -> tuple[str, str]:
    """An N-Quads line as (graph, N-Triples statement)."""
    at = line.rindex("<", 0, -2)
    return line[at:-3], line[:at].rstrip() + " .\n"


def extra_lines(triple: str, said_by: dict[str, str]) -> Iterator[str]:
    """What a source needs beside ``triple`` to conform to the project's shapes.

    ``said_by`` remembers each claim's ``rdf:subject``: a denial is said by the company
    it is about (a denied claim must name its ``pkg:speaker``).

    >>> c = '<https://w3id.org/policykg/claim/s0/c0>'
    >>> list(extra_lines(f'{c} <http://purl.org/dc/terms/temporal> _:i0x0 .\\n', {}))
    ['_:i0x0 <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/2006/time#Interval> .\\n']
    """
    subject = triple.split(" ", 1)[0]
    if _CLAIM in triple:
        yield f'{subject} <{PKG}paragraph> "1"^^<{XSD}integer> .\n'
    elif _TEMPORAL in triple:
        yield f"{_object(triple, _TEMPORAL)}{_TYPE}<{TIME}Interval> .\n"
    elif _NAME in triple and triple.startswith(f"<{BASE}id/"):
        yield f"{subject} {_LABEL} {_object(triple, _NAME)}@en .\n"
    elif _ABOUT in triple:
        said_by[subject] = _object(triple, _ABOUT)
    elif _DENIED in triple:
        yield f"{subject} <{PKG}speaker> {said_by.pop(subject)} .\n"


def _object(triple: str, predicate: str) -> str:
    return triple.split(predicate, 1)[1].rsplit(" .", 1)[0]


def _graphs(lines: Iterable[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    """The generated lines grouped by named graph (each graph's lines are contiguous):
    the graph, its N-Quads lines, and the statements of its source file."""
    graph, quads, body = "", [], []
    said_by: dict[str, str] = {}
    for line in lines:
        g, triple = _split(line)
        if g != graph and body:
            yield graph, quads, body
            quads, body = [], []
        graph = g
        quads.append(line)
        body.append(triple)
        body.extend(extra_lines(triple, said_by))
    if body:
        yield graph, quads, body


def write_sources(claims: int, root: Path, ontology: Path, seed: int = 42) -> SourceCounts:
    """Write ``root/ontology`` (a copy of ``ontology``), ``root/graph/entities.trig`` and
    ``root/graph/sources/<id>.trig``; record the counts in ``root/manifest.json``."""
    if root.exists():
        shutil.rmtree(root)
    (root / "graph" / "sources").mkdir(parents=True)
    shutil.copytree(ontology, root / "ontology")
    totals = [0] * len(astuple(Counts.for_lines([])))
    files = quads = 0
    for graph, lines, body in _graphs(generate_quads(claims, seed)):
        name = graph.rsplit("/", 1)[1].rstrip(">")
        where = root / "graph" / ("entities.trig" if graph == _ENTITIES else f"sources/{name}.trig")
        where.write_text(f"{graph} {{\n{''.join(body)}}}\n", encoding="utf-8")
        files += 1
        quads += len(body)
        for i, value in enumerate(astuple(Counts.for_lines(lines))):
            totals[i] += value
    claims_n, sources, orgs, juris, _, dump_quads = totals
    counts = Counts(claims_n, sources, orgs, juris, files, dump_quads)
    result = SourceCounts(counts, files, quads)
    manifest = {"claims_requested": claims, "seed": seed, **asdict(result)}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return result

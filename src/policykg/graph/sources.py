"""Reading the sources: ontology, entities and one TriG file per article, into one set of quads.

Parsing is done by pyoxigraph, whose errors name the file, line and column. Every file is
read even when an earlier one fails, so a curator sees all syntax errors at once.

>>> from policykg.settings import Settings
>>> data = load(source_files(Settings().root))
>>> len(data.files) >= 7, data.origin["https://w3id.org/policykg/claim/000/eu-excluded"].name
(True, '000_d336fba75509138b.trig')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, parse

from policykg.errors import BuildError
from policykg.formats import GRAPHS
from policykg.namespaces import DEFAULT_BASE

__all__ = [
    "ONTOLOGY_GRAPH",
    "SHAPE_FILES",
    "Loaded",
    "load",
    "ontology_files",
    "rebase",
    "resolved",
    "source_files",
    "term_key",
]

#: The named graph the ontology, declared vocabulary and shapes-free term list go into.
ONTOLOGY_GRAPH = DEFAULT_BASE + "graph/ontology"

#: Sources are written in the Turtle family (the ontology in Turtle, articles in TriG).
_SOURCE_FORMATS = frozenset({"turtle", "trig", "ntriples", "nquads"})

#: Shapes graphs in ontology/: checked against, never loaded as data.
#: The ontology folder's shapes graphs: read by validation, not loaded as data.
SHAPE_FILES = ("shapes.ttl", "advice.ttl")


@dataclass
class Loaded:
    """The quads of a set of files, and the file each subject was first written in."""

    quads: list[Quad] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    origin: dict[str, Path] = field(default_factory=dict)


def term_key(term: Any) -> str:
    """The string a term is known by in ``Loaded.origin``: its IRI, blank-node id or value."""
    value = getattr(term, "value", None)
    return str(term) if value is None else str(value)


def ontology_files(root: Path) -> list[Path]:
    """The ontology files a build reads first (not the shapes graphs), by name."""
    return sorted(p for p in (root / "ontology").glob("*.ttl") if p.name not in SHAPE_FILES)


def source_files(root: Path) -> list[Path]:
    """The files a full build reads: the ontology (not the shapes graphs), entities, then sources in order."""
    graph = root / "graph"
    return [
        *ontology_files(root),
        graph / "entities.trig",
        *sorted((graph / "sources").glob("*.trig")),
    ]


def resolved(paths: Iterable[Path]) -> list[Path]:
    """``p.resolve()`` for each path, each folder resolved once (a file that is not a
    link resolves to its resolved folder and its name): with 100,000 source files, a
    check spent most of its time resolving them one by one."""
    folders: dict[Path, Path] = {}
    out = []
    for path in paths:
        if path.name in ("", ".", "..") or path.is_symlink():
            out.append(path.resolve())
            continue
        if path.parent not in folders:
            folders[path.parent] = path.parent.resolve()
        out.append(folders[path.parent] / path.name)
    return out


def load(paths: Sequence[Path], *, base: str = DEFAULT_BASE) -> Loaded:
    """Parse ``paths`` into quads; raise BuildError listing every file that fails to parse.

    Turtle files (the ontology) land in the ontology graph. TriG files must put every triple
    in a named graph, so that each source's claims stay apart.
    """
    loaded = Loaded()
    problems: list[str] = []
    for path in paths:
        fmt = GRAPHS.for_path(path)
        if fmt is None or fmt.name not in _SOURCE_FORMATS:
            problems.append(f"{path}: unknown RDF file type {path.suffix!r}; use .ttl or .trig")
            continue
        try:
            quads = list(parse(path=str(path), format=fmt.rdf))
        except SyntaxError as err:
            message = re.sub(
                r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ",
                "",
                err.msg,
            )
            problems.append(f"{path}:{err.lineno}:{err.offset}: {message}")
            continue
        except OSError as err:
            problems.append(f"{path}: cannot read: {err.strerror or err}")
            continue
        if not fmt.rdf.supports_datasets:  # Turtle, N-Triples: the ontology
            quads = [
                Quad(q.subject, q.predicate, q.object, NamedNode(ONTOLOGY_GRAPH)) for q in quads
            ]
        stray = next((q for q in quads if isinstance(q.graph_name, DefaultGraph)), None)
        if stray is not None:
            problems.append(
                f"{path}: the triple about {stray.subject} is outside any named graph; "
                "put every triple of a source file inside its GRAPH block"
            )
            continue
        loaded.files.append(path)
        for subject in {quad.subject for quad in quads}:  # each once: 1.2M quads, 0.4M subjects
            loaded.origin.setdefault(term_key(subject), path)
        loaded.quads.extend(quads)
    if problems:
        raise BuildError(f"{len(problems)} file(s) could not be read", problems)
    if base != DEFAULT_BASE:
        loaded.quads = list(rebase(loaded.quads, base))
    return loaded


def rebase(quads: Iterable[Quad], base: str) -> Iterable[Quad]:
    """Move the graph's own IRIs (entities, claims, sources, graphs) from the default namespace to ``base``.

    The ontology's terms keep their IRIs: they are the vocabulary, not this dataset's data.

    >>> q = Quad(NamedNode(DEFAULT_BASE + "id/x"), NamedNode("http://e/p"), NamedNode("http://e/o"),
    ...          NamedNode(DEFAULT_BASE + "graph/g"))
    >>> next(iter(rebase([q], "http://example.org/kg/"))).subject
    <NamedNode value=http://example.org/kg/id/x>
    """

    def move(term: Any) -> Any:
        if (
            isinstance(term, NamedNode)
            and term.value.startswith(DEFAULT_BASE)
            and not term.value.startswith(DEFAULT_BASE + "ontology")
        ):
            return NamedNode(base + term.value[len(DEFAULT_BASE) :])
        return term

    for q in quads:
        yield Quad(move(q.subject), move(q.predicate), move(q.object), move(q.graph_name))

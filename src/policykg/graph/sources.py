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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad, RdfFormat, Store, parse

from policykg.errors import BuildError
from policykg.formats import GRAPHS
from policykg.namespaces import DEFAULT_BASE

__all__ = [
    "ONTOLOGY_GRAPH",
    "SHAPE_FILES",
    "Loaded",
    "Sources",
    "load",
    "ontology_files",
    "read",
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
    origin: Mapping[str, Path] = field(default_factory=dict)


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


def _format(path: Path) -> tuple[RdfFormat | None, str]:
    """The RDF format of a source file, or None and why it cannot be read."""
    fmt = GRAPHS.for_path(path)
    if fmt is None or fmt.name not in _SOURCE_FORMATS:
        return None, f"{path}: unknown RDF file type {path.suffix!r}; use .ttl or .trig"
    return fmt.rdf, ""


def _unreadable(path: Path, err: SyntaxError | OSError) -> str:
    """A file's syntax or reading error, as a curator reads it: file, line and column."""
    if isinstance(err, OSError):
        return f"{path}: cannot read: {err.strerror or err}"
    message = re.sub(
        r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ",
        "",
        err.msg,
    )
    return f"{path}:{err.lineno}:{err.offset}: {message}"


def _stray(path: Path, subject: object) -> str:
    return (
        f"{path}: the triple about {subject} is outside any named graph; "
        "put every triple of a source file inside its GRAPH block"
    )


def load(paths: Sequence[Path], *, base: str = DEFAULT_BASE) -> Loaded:
    """Parse ``paths`` into quads; raise BuildError listing every file that fails to parse.

    Turtle files (the ontology) land in the ontology graph. TriG files must put every triple
    in a named graph, so that each source's claims stay apart. (A build reads its sources
    into a store instead: :func:`read`.)
    """
    loaded = Loaded()
    origin: dict[str, Path] = {}
    problems: list[str] = []
    for path in paths:
        fmt, why = _format(path)
        if fmt is None:
            problems.append(why)
            continue
        try:
            quads = list(parse(path=str(path), format=fmt))
        except (SyntaxError, OSError) as err:
            problems.append(_unreadable(path, err))
            continue
        if not fmt.supports_datasets:  # Turtle, N-Triples: the ontology
            quads = [
                Quad(q.subject, q.predicate, q.object, NamedNode(ONTOLOGY_GRAPH)) for q in quads
            ]
        stray = next((q for q in quads if isinstance(q.graph_name, DefaultGraph)), None)
        if stray is not None:
            problems.append(_stray(path, stray.subject))
            continue
        loaded.files.append(path)
        for subject in {quad.subject for quad in quads}:  # each once: 1.2M quads, 0.4M subjects
            origin.setdefault(term_key(_moved(subject, base)), path)
        loaded.quads.extend(quads)
    if problems:
        raise BuildError(f"{len(problems)} file(s) could not be read", problems)
    loaded.origin = origin
    if base != DEFAULT_BASE:
        loaded.quads = list(rebase(loaded.quads, base))
    return loaded


@dataclass
class Sources:
    """Source files read into a store in memory: what a build validates and writes.

    The store holds each file's quads (blank nodes are the file's own: two files never share
    one); :attr:`origin` says which file each subject was first written in.
    """

    store: Store
    files: list[Path]
    base: str = DEFAULT_BASE

    @cached_property
    def origin(self) -> Mapping[str, Path]:
        """The file each subject (by :func:`term_key`) was first written in; the files are
        read again for it, so a build that finds nothing to report never pays for it."""
        return _Origins(self)


class _Origins(Mapping[str, Path]):
    """:attr:`Sources.origin`: an IRI's first file, from reading the files again in order;
    a blank node's, the first file that wrote into the graph it is described in (the store
    gave it its label, so the files cannot name it). Iterating it lists the IRIs: a blank
    node is looked up, never listed."""

    def __init__(self, sources: Sources) -> None:
        self._sources = sources

    @cached_property
    def _tables(self) -> tuple[dict[str, Path], dict[str, Path]]:
        subjects: dict[str, Path] = {}
        graphs: dict[str, Path] = {}
        ontology = NamedNode(ONTOLOGY_GRAPH)
        base = self._sources.base
        for path in self._sources.files:
            fmt, _ = _format(path)
            assert fmt is not None  # the file was read
            for quad in parse(path=str(path), format=fmt):
                graph = quad.graph_name if fmt.supports_datasets else ontology
                graphs.setdefault(term_key(_moved(graph, base)), path)
                if isinstance(quad.subject, NamedNode):
                    subjects.setdefault(term_key(_moved(quad.subject, base)), path)
        return subjects, graphs

    def _find(self, key: str) -> Path | None:
        subjects, graphs = self._tables
        if key in subjects:
            return subjects[key]
        try:
            node = BlankNode(key)
        except ValueError:
            return None
        quad = next(iter(self._sources.store.quads_for_pattern(node, None, None, None)), None)
        return None if quad is None else graphs.get(term_key(quad.graph_name))

    def __getitem__(self, key: str) -> Path:
        found = self._find(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables[0])

    def __len__(self) -> int:
        return len(self._tables[0])


def read(paths: Sequence[Path], *, base: str = DEFAULT_BASE) -> Sources:
    """Read ``paths`` into a store in memory, as :func:`load` parses them (the same files
    refused, with the same messages), without making a Python object of every quad."""
    store = Store()
    files: list[Path] = []
    problems: list[str] = []
    ontology = NamedNode(ONTOLOGY_GRAPH)
    for path in paths:
        fmt, why = _format(path)
        if fmt is None:
            problems.append(why)
            continue
        into = None if fmt.supports_datasets else ontology
        try:
            store.load(path=str(path), format=fmt, to_graph=into)  # all or nothing
        except (SyntaxError, OSError) as err:
            problems.append(_unreadable(path, err))
            continue
        stray = next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None)
        if stray is not None:
            problems.append(_stray(path, stray.subject))
            store.clear_graph(DefaultGraph())
            continue
        files.append(path)
    if problems:
        raise BuildError(f"{len(problems)} file(s) could not be read", problems)
    if base != DEFAULT_BASE:
        moved = Store()
        moved.bulk_extend(rebase(store, base))
        store = moved
    return Sources(store, files, base)


def rebase(quads: Iterable[Quad], base: str) -> Iterable[Quad]:
    """Move the graph's own IRIs (entities, claims, sources, graphs) from the default namespace to ``base``.

    The ontology's terms keep their IRIs: they are the vocabulary, not this dataset's data.

    >>> q = Quad(NamedNode(DEFAULT_BASE + "id/x"), NamedNode("http://e/p"), NamedNode("http://e/o"),
    ...          NamedNode(DEFAULT_BASE + "graph/g"))
    >>> next(iter(rebase([q], "http://example.org/kg/"))).subject
    <NamedNode value=http://example.org/kg/id/x>
    """

    for q in quads:
        yield Quad(
            _moved(q.subject, base),
            _moved(q.predicate, base),
            _moved(q.object, base),
            _moved(q.graph_name, base),
        )


def _moved(term: Any, base: str) -> Any:
    """``term`` with the default namespace moved to ``base``, if it is one of the graph's own
    IRIs (see :func:`rebase`)."""
    if (
        base != DEFAULT_BASE
        and isinstance(term, NamedNode)
        and term.value.startswith(DEFAULT_BASE)
        and not term.value.startswith(DEFAULT_BASE + "ontology")
    ):
        return NamedNode(base + term.value[len(DEFAULT_BASE) :])
    return term

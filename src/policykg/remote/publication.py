"""The control graph: which version of the policy graph a store serves, and which it keeps.

A version is named by the build's digest (the first 16 hex digits of the SHA-256 of
``dist/policykg.nq``, as ``policykg build`` names its store). Its graphs are stored beside
the public ones, each public graph ``G`` of version ``V`` in
``<BASE>graph/publication/V/N`` (N numbering the version's graphs), and described in the
control graph ``<BASE>graph/publication``::

    <BASE>graph/publication>  pub:current <BASE>graph/publication/V> .
    <BASE>graph/publication/V> a pub:Version ; pub:id "V" ; pub:status "staged"|"complete" ;
        pub:serial 3 ; pub:created "…"^^xsd:dateTime ; pub:graph <BASE>graph/publication/V/0>, … .
    <BASE>graph/publication/V/0> pub:public <G> ; pub:quads 185 .

(``pub:`` is ``https://w3id.org/policykg/publication#``; ``pub:serial`` orders the versions
by when they were published.) A version is ``staged`` while it
loads and ``complete`` once verified; only a complete version is ever made current.

IRIs are written into SPARQL only as checked N-Triples terms (:func:`iri`), never pasted.

>>> iri("https://example.org/g")
'<https://example.org/g>'
>>> iri("https://example.org/a b")
Traceback (most recent call last):
...
policykg.errors.BadRequest: not an IRI: 'https://example.org/a b'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from policykg.errors import BadRequest
from policykg.remote.client import RemoteStore

__all__ = [
    "PUB",
    "GraphCopy",
    "State",
    "Version",
    "control_graph",
    "iri",
    "literal",
    "read_state",
    "state_from_rows",
    "state_query",
    "version_iri",
]

PUB = "https://w3id.org/policykg/publication#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_VERSION = re.compile(r"^[0-9a-f]{16}$")


def iri(value: str) -> str:
    """``value`` as a SPARQL IRI term, checked (a BadRequest when it is not an IRI)."""
    try:
        return str(NamedNode(value))
    except ValueError:
        raise BadRequest(f"not an IRI: {value[:100]!r}") from None


def literal(value: str | int, datatype: str | None = None) -> str:
    """``value`` as a SPARQL literal term, escaped by pyoxigraph."""
    if isinstance(value, int):
        return str(Literal(str(value), datatype=NamedNode(XSD + "integer")))
    if datatype is not None:
        return str(Literal(value, datatype=NamedNode(datatype)))
    return str(Literal(value))


def check_version(version: str) -> str:
    if not _VERSION.match(version):
        raise BadRequest(f"not a version (16 hex digits): {version[:100]!r}")
    return version


def control_graph(base: str) -> str:
    return base + "graph/publication"


def version_iri(base: str, version: str) -> str:
    return f"{control_graph(base)}/{check_version(version)}"


@dataclass(frozen=True)
class GraphCopy:
    """One graph of a version: the public IRI, where the version keeps it, its quad count."""

    public: str
    stored: str
    quads: int


@dataclass(frozen=True)
class Version:
    id: str
    status: str
    serial: int
    created: str
    graphs: tuple[GraphCopy, ...]


@dataclass(frozen=True)
class State:
    """What the control graph says: the current version's id and every version described."""

    current: str | None
    versions: tuple[Version, ...]  # oldest first

    def get(self, version: str) -> Version | None:
        return next((v for v in self.versions if v.id == version), None)

    @property
    def complete(self) -> tuple[Version, ...]:
        return tuple(v for v in self.versions if v.status == "complete")


def state_query(base: str) -> str:
    """The one query that reads the control graph (so one consistent answer)."""
    control = iri(control_graph(base))
    return f"""PREFIX pub: <{PUB}>
SELECT ?current ?id ?status ?serial ?created ?copy ?public ?quads WHERE {{
  GRAPH {control} {{
    {{ {control} pub:current ?current }}
    UNION
    {{ ?version a pub:Version ; pub:id ?id ; pub:status ?status ;
         pub:serial ?serial ; pub:created ?created .
       OPTIONAL {{ ?version pub:graph ?copy . ?copy pub:public ?public ; pub:quads ?quads }} }}
  }}
}}"""


def read_state(store: RemoteStore, base: str) -> State:
    """Read the control graph (in one query, so one consistent answer)."""
    return state_from_rows(store.select(state_query(base)))


def state_from_rows(rows: Iterable[Mapping[str, object]]) -> State:
    """The state the rows of :func:`state_query` describe."""
    current: str | None = None
    found: dict[str, tuple[str, int, str, list[GraphCopy]]] = {}
    for row in rows:
        if row.get("current") is not None:
            current = str(getattr(row["current"], "value", "")).rsplit("/", 1)[-1]
            continue
        version = str(getattr(row["id"], "value", ""))
        status = str(getattr(row["status"], "value", ""))
        serial = int(str(getattr(row["serial"], "value", "0")))
        created = str(getattr(row["created"], "value", ""))
        *_, copies = found.setdefault(version, (status, serial, created, []))
        if row.get("copy") is not None:
            copies.append(
                GraphCopy(
                    public=str(getattr(row["public"], "value", "")),
                    stored=str(getattr(row["copy"], "value", "")),
                    quads=int(str(getattr(row["quads"], "value", "0"))),
                )
            )
    versions = [
        Version(v, status, serial, created, tuple(sorted(copies, key=lambda c: c.stored)))
        for v, (status, serial, created, copies) in found.items()
    ]
    versions.sort(key=lambda v: (v.serial, v.id))
    return State(current=current, versions=tuple(versions))

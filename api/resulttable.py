"""A query result as a table of cells for the HTML page of a named query.

SELECT results come as SPARQL JSON, CONSTRUCT/DESCRIBE results as N-Triples (subject,
predicate, object columns), ASK as one ``boolean`` cell. An IRI under the graph's base IRI
links to its local path (the base replaced by ``/``), so a result opens the server's own page
for it; other IRIs link to themselves. IRIs are shown with the graph's prefixes.

>>> cell({"type": "uri", "value": "https://w3id.org/policykg/id/linkedin"}, "https://w3id.org/policykg/")
Cell(text='id:linkedin', href='/id/linkedin', title='https://w3id.org/policykg/id/linkedin', note='')
>>> cell({"type": "literal", "value": "ja", "xml:lang": "nl"}, "https://w3id.org/policykg/").note
'@nl'
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from policykg.namespaces import all_prefixes

__all__ = ["Cell", "Table", "cell", "local_path", "table"]


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    title: str = ""
    note: str = ""


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Cell | None]] = field(default_factory=list)
    total: int = 0


def local_path(iri: str, base_iri: str) -> str:
    """Where an IRI is served: its path under ``/`` for the graph's own IRIs, else the IRI."""
    return "/" + iri[len(base_iri) :] if iri.startswith(base_iri) else iri


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    best = max(
        ((name, ns) for name, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
        key=lambda item: len(item[1]),
        default=None,
    )
    return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri


def cell(term: dict[str, str], base_iri: str) -> Cell:
    """A cell for one SPARQL JSON term."""
    kind, value = term.get("type"), term.get("value", "")
    if kind == "uri":
        return Cell(_compact(value, all_prefixes(base_iri)), local_path(value, base_iri), value)
    if kind == "bnode":
        return Cell(f"_:{value}")
    note = ""
    if "xml:lang" in term:
        note = "@" + term["xml:lang"]
    elif "datatype" in term:
        note = _compact(term["datatype"], all_prefixes(base_iri))
    return Cell(value, note=note)


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        else:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def table(kind: str, body: bytes, base_iri: str, max_rows: int) -> Table:
    """The table of a result (``kind`` "solutions"/"boolean" as JSON, "graph" as N-Triples)."""
    if kind == "graph":
        columns = ["subject", "predicate", "object"]
        triples = list(parse(body, format=RdfFormat.N_TRIPLES))
        out = Table(columns, total=len(triples))
        for t in triples[:max_rows]:
            terms = (t.subject, t.predicate, t.object)
            out.rows.append([cell(_term_json(x), base_iri) for x in terms])
        return out
    data = json.loads(body)
    if "boolean" in data:
        return Table(["boolean"], [[Cell("true" if data["boolean"] else "false")]], 1)
    columns = list(data["head"]["vars"])
    bindings = data["results"]["bindings"]
    out = Table(columns, total=len(bindings))
    for row in bindings[:max_rows]:
        out.rows.append([cell(row[c], base_iri) if c in row else None for c in columns])
    return out

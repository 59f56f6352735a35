"""Rendering query results for the terminal: table, CSV, TSV, JSON or Markdown.

CSV, JSON, table and Markdown hold plain values (IRIs, lexical forms); TSV is SPARQL 1.1
TSV, RDF terms in N-Triples syntax, byte for byte what ``/sparql`` answers for
``text/tab-separated-values``.

>>> rows = Rows(["org"], [{"org": "https://w3id.org/policykg/id/linkedin"}])
>>> print(render(rows, "markdown"))
| org |
| --- |
| id:linkedin |
>>> print(render(rows, "csv"), end="")
org
https://w3id.org/policykg/id/linkedin
"""

from __future__ import annotations

import csv
import io
import json

from pyoxigraph import QueryResultsFormat, RdfFormat, Triple, parse_query_results, serialize
from rich.console import Console
from rich.table import Table

from policykg.kg import Rows
from policykg.namespaces import all_prefixes

__all__ = ["FORMATS", "compact", "render"]

FORMATS = ("table", "csv", "tsv", "json", "markdown")

_PREFIXES = sorted(all_prefixes().items(), key=lambda item: -len(item[1]))


def compact(value: str | None) -> str:
    """A prefixed name for IRIs under a known namespace; other values unchanged."""
    if value is None:
        return ""
    for prefix, ns in _PREFIXES:
        if value.startswith(ns) and len(value) > len(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


def _sparql_tsv(rows: Rows) -> str:
    """SPARQL 1.1 TSV, as pyoxigraph writes it for the server (terms in N-Triples syntax).

    >>> from pyoxigraph import Literal, NamedNode
    >>> rows = Rows(["s", "n"])
    >>> rows.terms.append({"s": NamedNode("http://e/a"), "n": Literal("x", language="en")})
    >>> _sparql_tsv(rows)
    '?s\\t?n\\n<http://e/a>\\t"x"@en\\n'
    """
    lines = ["\t".join("?" + c for c in rows.columns)]
    for terms in rows.terms:
        lines.append("\t".join("" if terms[c] is None else str(terms[c]) for c in rows.columns))
    text = ("\n".join(lines) + "\n").encode("utf-8")
    parsed = parse_query_results(text, QueryResultsFormat.TSV)
    return (parsed.serialize(format=QueryResultsFormat.TSV) or b"").decode("utf-8")


def render(rows: Rows | bool | list[Triple], fmt: str, *, width: int | None = None) -> str:
    """Text for ``rows``, an ASK answer, or CONSTRUCT/DESCRIBE triples (as Turtle, or N-Triples
    when a line-based format is asked for) in one of FORMATS."""
    if isinstance(rows, list):
        rdf = RdfFormat.N_TRIPLES if fmt in ("csv", "tsv") else RdfFormat.TURTLE
        prefixes = {} if rdf == RdfFormat.N_TRIPLES else dict(_PREFIXES)
        data = serialize(rows, format=rdf, prefixes=prefixes)
        return data.decode("utf-8") if data else ""
    if isinstance(rows, bool):
        return json.dumps({"boolean": rows}) if fmt == "json" else str(rows).lower()
    if fmt == "tsv":
        return _sparql_tsv(rows)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(rows.columns)
        for record in rows:
            writer.writerow(["" if record[c] is None else record[c] for c in rows.columns])
        return out.getvalue()
    if fmt == "json":
        return json.dumps(
            {"columns": rows.columns, "rows": rows.records}, ensure_ascii=False, indent=2
        )
    if fmt == "markdown":
        lines = ["| " + " | ".join(rows.columns) + " |", "|" + " --- |" * len(rows.columns)]
        for record in rows:
            cells = (
                compact(record[c]).replace("|", "\\|").replace("\n", " ") for c in rows.columns
            )
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)
    if fmt == "table":
        table = Table(*rows.columns, show_lines=False)
        for record in rows:
            table.add_row(*(compact(record[c]) for c in rows.columns))
        console = Console(file=io.StringIO(), width=width or 160, force_terminal=False)
        console.print(table)
        console.print(f"{len(rows)} row(s)")
        out_file = console.file
        assert isinstance(out_file, io.StringIO)
        return out_file.getvalue().rstrip("\n")
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")

"""``policykg search``: full-text search of claims, entities and sources, as a table or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from policykg.errors import PolicyKGError

__all__ = ["register", "search"]


def search(
    words: Annotated[
        list[str],
        typer.Argument(help='Words, "phrases", prefix*, -excluded, OR (quote them for the shell).'),
    ],
    lang: Annotated[
        str | None, typer.Option("--lang", help="Only texts in this language (nl, de, en, …).")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--type", help="Only claims, entities or sources: claim|entity|source.")
    ] = None,
    include_corrected: Annotated[
        bool, typer.Option("--include-corrected", help="Also corrected claims.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="At most this many hits (1-100).")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON GET /search returns.")] = False,
) -> None:  # fmt: skip
    """Search quotes, notes, speakers, labels and titles by words, in Dutch, German and English."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from policykg.cli.tables import compact
    from policykg.kg import PolicyGraph
    from policykg.search import search as run_search
    from policykg.settings import Settings

    settings = Settings()
    try:
        if not settings.store_path.exists():
            PolicyGraph.open(settings)  # builds the graph (and its index) first
        results = run_search(
            settings.store_path, " ".join(words), lang=lang, kind=kind,
            include_corrected=include_corrected, limit=limit,
        )  # fmt: skip
    except PolicyKGError as err:
        typer.echo(f"policykg search: {err.message}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        body = {"query": results.query, "count": results.count}
        typer.echo(
            json.dumps(
                {**body, "hits": [h.to_json() for h in results.hits]}, indent=2, ensure_ascii=False
            )
        )
        return
    table = Table(title=f"{len(results.hits)} of {results.count} hit(s) for {results.query}")
    for column in ("kind", "resource", "text", "lang", "source", "¶"):
        table.add_column(column, overflow="fold")
    for hit in results.hits:
        text, at = "", 0
        for start, end in hit.spans:
            text += escape(hit.text[at:start]) + f"[bold]{escape(hit.text[start:end])}[/bold]"
            at = end
        text += escape(hit.text[at:])
        if hit.role not in ("quote", "label", "title"):
            text = f"({hit.role}) {text}"
        if hit.corrected:
            text += " [italic](corrected)[/italic]"
        table.add_row(
            hit.kind, compact(hit.iri), text, hit.lang, compact(hit.source),
            ", ".join(map(str, hit.paragraphs)),
        )  # fmt: skip
    Console(width=160).print(table)


def register(app: typer.Typer) -> None:
    """Add ``search`` to the ``policykg`` CLI."""
    app.command()(search)

"""The ``policykg`` command: build, check, stats, query, sparql, serve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .settings import Settings

__all__ = ["app"]

app = typer.Typer(
    help="policykg: facts with provenance on how companies use people's data to train AI.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option(help="Serve these RDF files instead of the policy graph (repeatable)."),
    ] = None,
) -> None:
    """Serve the graph over HTTP: SPARQL endpoint, named queries and a query page."""
    overrides = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    settings = Settings(**overrides)
    from .api.server import run  # imported late: the web stack is not needed to build

    run(settings, data=data or [])

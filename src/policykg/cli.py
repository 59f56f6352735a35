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
    store: Annotated[
        Path | None, typer.Option(help="Folder holding dist/store (default: ./dist).")
    ] = None,
    timeout: Annotated[float | None, typer.Option(help="Per-query time limit, seconds.")] = None,
    workers: Annotated[int | None, typer.Option(help="Query worker processes.")] = None,
    max_rows: Annotated[int | None, typer.Option(help="Result row cap.")] = None,
    enable_update: Annotated[
        bool, typer.Option("--enable-update", help="Allow SPARQL Update and Graph Store writes.")
    ] = False,
    update_token: Annotated[
        str | None,
        typer.Option(envvar="POLICYKG_UPDATE_TOKEN", help="Bearer token required for updates."),
    ] = None,
    allow_service: Annotated[
        list[str] | None,
        typer.Option(help="An IRI that SERVICE and LOAD may reach (repeatable)."),
    ] = None,
) -> None:
    """Serve the graph over HTTP: SPARQL endpoint, named queries and a query page."""
    options = {
        "host": host,
        "port": port,
        "dist": store,
        "query_timeout": timeout,
        "workers": workers,
        "max_rows": max_rows,
        "update_token": update_token,
        "service_allowlist": allow_service,
    }
    overrides = {k: v for k, v in options.items() if v is not None}
    if enable_update:
        overrides["enable_update"] = True
    settings = Settings(**overrides)
    from .api.server import run  # imported late: the web stack is not needed to build
    from .errors import PolicyKGError

    try:
        run(settings, data=data or [])
    except PolicyKGError as exc:
        typer.echo(f"policykg serve: {exc.message}", err=True)
        raise typer.Exit(1) from None

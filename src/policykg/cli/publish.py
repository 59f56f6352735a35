"""``policykg publish`` and ``policykg rollback``: the build onto a remote store, and back.

The store is ``--to URL`` (publish) or ``--store URL`` (rollback), else
``POLICYKG_REMOTE_URL``; its other URLs, user, kind and time limit come from the options or
``POLICYKG_REMOTE_*``; the password only from ``POLICYKG_REMOTE_PASSWORD`` (never an option,
which other users could read from the process list).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policykg.errors import PolicyKGError

if TYPE_CHECKING:
    from policykg.remote.client import RemoteStore

__all__ = ["register"]

_Url = Annotated[str | None, typer.Option(help="Update URL, if not the server's usual one.")]
_Store = Annotated[
    str | None, typer.Option(help="Graph Store Protocol URL, if not the server's usual one.")
]
_User = Annotated[str | None, typer.Option(help="User name (password: POLICYKG_REMOTE_PASSWORD).")]
_Kind = Annotated[
    str | None, typer.Option(help="oxigraph, virtuoso or generic (default: guessed).")
]
_Timeout = Annotated[float | None, typer.Option(help="Seconds each request may take.")]


def _progress(message: str) -> None:
    typer.echo(message, err=True)


def _store(
    url: str | None,
    update_url: str | None,
    graph_store_url: str | None,
    user: str | None,
    kind: str | None,
    timeout: float | None,
) -> RemoteStore:
    from policykg.remote import Endpoint, RemoteStore
    from policykg.settings import RemoteSettings

    settings = RemoteSettings()
    overrides = {
        "update_url": update_url,
        "graph_store_url": graph_store_url,
        "username": user,
        "kind": kind,
        "timeout": timeout,
    }
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    return RemoteStore(Endpoint.from_settings(settings, url))


def publish(
    to: Annotated[str | None, typer.Option(help="The store: sparql+http://host:port/path.")] = None,
    dist: Annotated[
        Path | None, typer.Option(help="The build's folder (default: POLICYKG_DIST, dist/).")
    ] = None,
    keep: Annotated[int, typer.Option(min=1, help="Versions kept for rollback.")] = 3,
    update_url: _Url = None,
    graph_store_url: _Store = None,
    user: _User = None,
    kind: _Kind = None,
    timeout: _Timeout = None,
) -> None:
    """Load the validated build into a remote store and switch to it atomically."""
    from policykg.remote.publish import publish as run_publish
    from policykg.remote.publish import read_build
    from policykg.settings import Settings

    settings = Settings()
    try:
        build = read_build(dist or settings.dist)
        store = _store(to, update_url, graph_store_url, user, kind, timeout)
        with store:
            report = run_publish(
                store,
                build,
                settings.base_iri,
                keep=keep,
                progress=_progress,
                announce=settings.remote.recheck,
            )
    except PolicyKGError as err:
        typer.echo(f"policykg publish: {err.message}", err=True)
        raise typer.Exit(1) from None
    if report.unchanged:
        typer.echo(f"version {report.version} is already current")
    else:
        typer.echo(
            f"published {report.version} ({report.graphs} graphs, {report.quads} quads); "
            f"previous: {report.previous or 'none'}"
        )


def rollback(
    to: Annotated[
        str | None, typer.Option(help="The kept version to serve (default: the one before).")
    ] = None,
    store: Annotated[
        str | None, typer.Option(help="The store: sparql+http://host:port/path.")
    ] = None,
    update_url: _Url = None,
    graph_store_url: _Store = None,
    user: _User = None,
    kind: _Kind = None,
    timeout: _Timeout = None,
) -> None:
    """Serve a kept earlier version again (switched atomically, as publish does)."""
    from policykg.remote.publish import rollback as run_rollback
    from policykg.settings import Settings

    settings = Settings()
    try:
        client = _store(store, update_url, graph_store_url, user, kind, timeout)
        with client:
            report = run_rollback(client, settings.base_iri, to, progress=_progress)
    except PolicyKGError as err:
        typer.echo(f"policykg rollback: {err.message}", err=True)
        raise typer.Exit(1) from None
    if report.unchanged:
        typer.echo(f"version {report.version} is already current")
    else:
        typer.echo(f"rolled back from {report.previous} to {report.version}")


def register(app: typer.Typer) -> None:
    app.command()(publish)
    app.command()(rollback)

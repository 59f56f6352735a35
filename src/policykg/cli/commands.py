"""The ``policykg`` command: serve, build, check, stats, query, sparql, queries, docs, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from policykg.errors import PolicyKGError
from policykg.settings import RemoteSettings, Settings

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
    union_default_graph: Annotated[
        bool,
        typer.Option(
            "--union-default-graph",
            help="With --data: the default graph is the union of all graphs.",
        ),
    ] = False,
    store: Annotated[
        str | None,
        typer.Option(
            help="Folder holding dist/store (default: ./dist), or a remote triplestore: "
            "sparql+http://host:port/path (its query URL)."
        ),
    ] = None,
    query_url: Annotated[
        str | None, typer.Option(help="A remote store's query URL (as --store URL).")
    ] = None,
    update_url: Annotated[str | None, typer.Option(help="A remote store's update URL.")] = None,
    graph_store_url: Annotated[
        str | None, typer.Option(help="A remote store's Graph Store Protocol URL.")
    ] = None,
    store_kind: Annotated[
        str | None, typer.Option(help="oxigraph, virtuoso or generic (default: from the URL).")
    ] = None,
    store_user: Annotated[
        str | None,
        typer.Option(help="User name for the remote store (password: POLICYKG_REMOTE_PASSWORD)."),
    ] = None,
    timeout: Annotated[float | None, typer.Option(help="Per-query time limit, seconds.")] = None,
    workers: Annotated[int | None, typer.Option(help="Query worker processes.")] = None,
    max_rows: Annotated[int | None, typer.Option(help="Result row cap.")] = None,
    on_disk: Annotated[
        bool,
        typer.Option(
            "--on-disk",
            help="Query the on-disk store read-only instead of an in-memory copy per worker.",
        ),
    ] = False,
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
    remote = query_url or (store if store is not None and "://" in store else None)
    given: dict[str, Any] = {
        "host": host, "port": port, "query_timeout": timeout,
        "dist": Path(store) if store is not None and remote is None else None,
        "workers": workers, "max_rows": max_rows, "update_token": update_token,
        "service_allowlist": allow_service, "enable_update": enable_update or None,
        "on_disk": on_disk or None, "union_default_graph": union_default_graph or None,
    }  # fmt: skip
    remote_given = {
        "url": remote, "update_url": update_url, "graph_store_url": graph_store_url,
        "kind": store_kind, "username": store_user,
    }  # fmt: skip
    given["remote"] = _remote_settings(remote_given)
    settings = Settings(**{k: v for k, v in given.items() if v is not None})
    if enable_update and not data and store is None and settings.remote.url is None:
        _fail(
            PolicyKGError(
                "--enable-update needs --data FILE (writes go to a temporary copy and are lost "
                "when the server stops) or --store DIR (writes are kept in DIR/store)"
            ),
            "serve",
        )
    if settings.remote.url is not None:  # a remote store's URLs are checked before starting
        from policykg.backend_remote import endpoint_for

        try:
            endpoint_for(settings)
        except PolicyKGError as err:
            _fail(err, "serve")
    from policykg.api.server import run  # imported late: the web stack is not needed to build

    try:
        run(settings, data=data or [])
    except PolicyKGError as err:
        _fail(err, "serve")


def _remote_settings(given: dict[str, Any]) -> RemoteSettings | None:
    """``POLICYKG_REMOTE_*`` with the options given on top (None: none given; the values
    are checked by ``endpoint_for`` before the server starts)."""
    options = {k: v for k, v in given.items() if v is not None}
    return RemoteSettings().model_copy(update=options) if options else None


# --- Building and checking -----------------------------------------------------------------


def _fail(err: PolicyKGError, command: str) -> NoReturn:
    typer.echo(f"policykg {command}: {err.message}", err=True)
    for problem in getattr(err, "problems", []):
        typer.echo(f"  {problem}", err=True)
    raise typer.Exit(1)


@app.command()
def build(
    full_validation: Annotated[
        bool,
        typer.Option(
            "--full-validation",
            help="Run pyshacl over the whole graph, not only where Oxigraph finds a node may violate.",
        ),
    ] = False,
) -> None:
    """Validate the sources and write dist/store, dist/policykg.trig, dist/policykg.nq and dist/dumps."""
    from policykg.graph.build import build as run_build
    from policykg.progress import Steps

    settings = Settings()
    if full_validation:
        settings = settings.model_copy(update={"full_validation": True})
    with Steps() as steps:
        try:
            report = run_build(settings, progress=steps)
        except PolicyKGError as err:
            _fail(err, "build")
        steps.done("built")
    for warning in report.warnings:
        typer.echo(f"  {warning}", err=True)
    typer.echo(
        f"built: {report.sources} sources, {report.claims} claims, {report.triples} quads "
        f"in {report.graphs} graphs, {len(report.warnings)} warnings → {settings.dist}"
    )


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Source files (TriG) to check.")],
    full: Annotated[
        bool, typer.Option("--full", help="Read and validate every source, not the built graph.")
    ] = False,
) -> None:
    """Check source files (syntax and shapes) in the context of the whole graph, writing nothing."""
    from policykg.graph.build import check as run_check
    from policykg.graph.increment import check_against_build
    from policykg.graph.sources import resolved, source_files
    from policykg.graph.validate import advise

    settings = Settings()
    chosen = [f.resolve() for f in files]
    try:
        if not full and settings.store_path.exists():
            loaded, report = check_against_build(chosen, settings)
        else:
            context = resolved(source_files(settings.root))  # every source: only here
            loaded, report = run_check(
                [*context, *(f for f in chosen if f not in context)], settings, focus=chosen
            )
    except PolicyKGError as err:
        _fail(err, "check")
    for problem in report.problems:
        if problem.severity == "warning":
            typer.echo(f"  {problem}", err=True)
    advice = advise(
        loaded, settings.root / "ontology" / "advice.ttl", about=[str(f) for f in chosen]
    )
    for item in advice:
        typer.echo(f"  {item}", err=True)
    typer.echo(
        f"ok: {len(chosen)} file(s) checked: {report.sources} sources, {report.claims} claims, "
        f"{len(report.warnings)} warnings, {len(advice)} advice"
    )


@app.command()
def stats() -> None:
    """Counts of sources, claims, stances and corrections in the built graph."""
    from policykg.cli.tables import render
    from policykg.kg import PolicyGraph

    graph = PolicyGraph.open()
    typer.echo(render(graph.query("source-summary"), "table"))


# --- Querying ------------------------------------------------------------------------------

FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="table, csv, tsv, json or markdown. csv, json, table and markdown hold plain "
        'values; tsv is SPARQL 1.1 TSV (RDF terms: <iri>, "text"@en), as /sparql sends it.',
    ),
]


def _params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--param")
        params[key] = value
    return params


def _show(result: object, fmt: str) -> None:
    from policykg.cli.tables import FORMATS, render

    if fmt not in FORMATS:
        raise typer.BadParameter(f"use one of {', '.join(FORMATS)}", param_hint="--format")
    text = render(result, fmt)  # type: ignore[arg-type]
    typer.echo(text, nl=not text.endswith("\n"))


@app.command()
def query(
    name: Annotated[
        str, typer.Argument(help="A named query from queries/ (see `policykg queries`).")
    ],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="KEY=VALUE.")] = None,
    fmt: FormatOption = "table",
) -> None:
    """Run a named query with typed parameters."""
    from policykg.kg import PolicyGraph

    try:
        result = PolicyGraph.open().run_named(
            name, _params(param or []), listed_by="`policykg queries`"
        )
    except PolicyKGError as err:
        _fail(err, "query")
    _show(result, fmt)


@app.command()
def sparql(
    text: Annotated[str, typer.Argument(help="A SPARQL query, or the path of a .rq file.")],
    fmt: FormatOption = "table",
) -> None:
    """Run your own read-only SPARQL query on the graph."""
    from policykg.kg import PolicyGraph

    path = Path(text)
    source = path.read_text(encoding="utf-8") if path.suffix == ".rq" and path.exists() else text
    try:
        result = PolicyGraph.open().sparql(source)
    except PolicyKGError as err:
        _fail(err, "sparql")
    _show(result, fmt)


@app.command("queries")
def list_queries() -> None:
    """List the named queries with their questions and parameters."""
    from policykg.sparql.queries import QueryLibrary

    for named in QueryLibrary.load(Settings().queries_dir):
        params = " ".join(f"{p.name}:{p.type}={p.default}" for p in named.params)
        typer.echo(f"{named.name}\t{named.question}" + (f"\t[{params}]" if params else ""))


@app.command()
def docs() -> None:
    """Regenerate queries/README.md from the query headers and their results on the graph."""
    from policykg.cli.querydocs import write_readme
    from policykg.kg import PolicyGraph

    settings = Settings()
    path = write_readme(PolicyGraph.open(settings), settings.queries_dir / "README.md")
    typer.echo(f"wrote {path}")


@app.command()
def export(
    path: Annotated[Path, typer.Argument(help="Output file; its ending picks the format.")],
    include_corrected: Annotated[
        bool, typer.Option(help="Also draw corrected claims (GraphML, GEXF).")
    ] = False,
) -> None:
    """Write the graph as RDF (.trig .nq .jsonld .ttl .nt .rdf) or for graph tools (.graphml .gexf)."""
    from policykg.graph.export import export as run_export
    from policykg.kg import PolicyGraph

    try:
        written = run_export(PolicyGraph.open(), path, include_corrected=include_corrected)
    except PolicyKGError as err:
        _fail(err, "export")
    typer.echo(f"wrote {written}")


# --- The claims network (paths, centrality, components, draw) --------------------------------

from policykg.cli.network import register as _register_network  # noqa: E402

_register_network(app)

# --- Full-text search --------------------------------------------------------------------------

from policykg.cli.search import register as _register_search  # noqa: E402

_register_search(app)

# --- Publishing to a remote store ----------------------------------------------------------------

from policykg.cli.publish import register as _register_publish  # noqa: E402

_register_publish(app)

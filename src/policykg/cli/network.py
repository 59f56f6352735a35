"""The network commands of the ``policykg`` CLI: paths, centrality, components, draw.

They take the same filters as ``GET /network`` (``--as-of``, ``--source``, ``--type``,
``--jurisdiction``, ``--stance``, ``--include-corrected``, ``--focus``, ``--depth``), checked
by the same code. Heavy imports happen inside the commands.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from policykg.errors import PolicyKGError

if TYPE_CHECKING:
    import networkx as nx

    from policykg.network.filters import Filters

__all__ = ["register"]

AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Only claims holding on this day (YYYY-MM-DD).")
]
Source = Annotated[
    list[str] | None,
    typer.Option("--source", help="Only this source's claims: seed id or IRI (repeatable)."),
]
Type = Annotated[
    list[str] | None,
    typer.Option("--type", help="Only nodes of this type, e.g. organisation (repeatable)."),
]
Jurisdiction = Annotated[
    str | None,
    typer.Option("--jurisdiction", help="Only claims for this jurisdiction (e.g. loc:NL) or none."),
]
Stance = Annotated[
    list[str] | None,
    typer.Option("--stance", help="asserted, reported, alleged, denied or inferred (repeatable)."),
]
Corrected = Annotated[bool, typer.Option("--include-corrected", help="Also corrected claims.")]
Focus = Annotated[
    str | None, typer.Option("--focus", help="Only the neighbourhood of this node (IRI or curie).")
]
Depth = Annotated[int | None, typer.Option("--depth", help="Hops around --focus (1-5, default 2).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the JSON the HTTP API returns.")]


def _fail(err: PolicyKGError, command: str) -> NoReturn:
    typer.echo(f"policykg {command}: {err.message}", err=True)
    raise typer.Exit(1)


def _filters(
    as_of: str | None, source: list[str] | None, type_: list[str] | None, jurisdiction: str | None,
    stance: list[str] | None, include_corrected: bool, focus: str | None, depth: int | None,
) -> Filters:  # fmt: skip
    from policykg.network.filters import Filters
    from policykg.settings import Settings

    values: dict[str, list[str]] = {
        "as_of": [as_of] if as_of is not None else [],
        "source": source or [],
        "type": type_ or [],
        "jurisdiction": [jurisdiction] if jurisdiction is not None else [],
        "stance": stance or [],
        "include_corrected": ["true"] if include_corrected else [],
        "focus": [focus] if focus is not None else [],
        "depth": [str(depth)] if depth is not None else [],
    }
    return Filters.from_values({k: v for k, v in values.items() if v}, Settings().base_iri)


def _network(filters: Filters) -> nx.MultiDiGraph:
    from policykg.kg import PolicyGraph
    from policykg.network.build import network

    return network(PolicyGraph.open(), filters)


def _curie(iri: str) -> str:
    from policykg.namespaces import all_prefixes
    from policykg.settings import Settings

    for prefix, namespace in sorted(
        all_prefixes(Settings().base_iri).items(), key=lambda p: -len(p[1])
    ):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def paths(
    start: Annotated[str, typer.Argument(metavar="A", help="From: an IRI or a curie like id:openai.")],
    end: Annotated[str, typer.Argument(metavar="B", help="To: an IRI or a curie like id:linkedin-members.")],
    k: Annotated[int, typer.Option("--k", help="How many shortest paths (1-10).")] = 1,
    as_of: AsOf = None, source: Source = None, type_: Type = None, jurisdiction: Jurisdiction = None,
    stance: Stance = None, include_corrected: Corrected = False, focus: Focus = None, depth: Depth = None,
    as_json: AsJson = False,
) -> None:  # fmt: skip
    """How is A connected to B? The k shortest paths through claims, with sources and quotes."""
    from policykg.network.filters import Filters, bad, integer
    from policykg.network.iris import expand
    from policykg.network.paths import MAX_K, find_paths
    from policykg.settings import Settings

    try:
        base = Settings().base_iri
        ends = []
        for name, raw in (("from", start), ("to", end)):
            iri = expand(raw, base)
            if iri is None:
                raise bad(name, "expected an IRI or a curie like id:openai")
            ends.append(iri)
        count = integer("k", str(k), 1, MAX_K)
        filters = _filters(
            as_of, source, type_, jurisdiction, stance, include_corrected, focus, depth
        )
        known = set(_network(Filters(include_corrected=True)))
        found = find_paths(_network(filters), ends[0], ends[1], count, known=known)
    except PolicyKGError as err:
        _fail(err, "paths")
    if as_json:
        typer.echo(json.dumps({"paths": found}, ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(f"no path from {_curie(ends[0])} to {_curie(ends[1])} in this view")
    for number, path in enumerate(found, start=1):
        typer.echo(f"path {number} ({path['length']} steps):")
        for step in path["steps"]:
            arrow = (
                f"-[{step['label']}]->"
                if step["direction"] == "forward"
                else f"<-[{step['label']}]-"
            )
            typer.echo(f"  {_curie(step['from'])} {arrow} {_curie(step['to'])}")
            for claim in step["claims"]:
                quote = f' "{claim["quote"]}"' if claim["quote"] else ""
                corrected = ", corrected" if claim["corrected"] else ""
                typer.echo(
                    f"    {_curie(claim['iri'])} ({claim['source_label']}, {claim['stance']}{corrected}){quote}"
                )


def _table(rows: list[dict[str, Any]], title: str) -> None:
    typer.echo(title)
    for rank, row in enumerate(rows, start=1):
        typer.echo(f"{rank:>3}  {row['value']:.4f}  {row['label']}  {_curie(row['iri'])}")


def centrality(
    top: Annotated[int, typer.Option("--top", help="How many nodes to list.")] = 20,
    as_of: AsOf = None, source: Source = None, type_: Type = None, jurisdiction: Jurisdiction = None,
    stance: Stance = None, include_corrected: Corrected = False, focus: Focus = None, depth: Depth = None,
    as_json: AsJson = False,
) -> None:  # fmt: skip
    """The most central entities: degree and betweenness centrality (0 to 1)."""
    from policykg.network.analysis import centrality as rank

    try:
        filters = _filters(
            as_of, source, type_, jurisdiction, stance, include_corrected, focus, depth
        )
        ranked = rank(_network(filters), max(top, 1))
    except PolicyKGError as err:
        _fail(err, "centrality")
    if as_json:
        typer.echo(json.dumps(ranked, ensure_ascii=False, indent=2))
        return
    _table(ranked["degree"], "degree centrality (share of other entities linked by a claim):")
    _table(ranked["betweenness"], "betweenness centrality (share of shortest paths through it):")


def components(
    as_of: AsOf = None, source: Source = None, type_: Type = None, jurisdiction: Jurisdiction = None,
    stance: Stance = None, include_corrected: Corrected = False, focus: Focus = None, depth: Depth = None,
    as_json: AsJson = False,
) -> None:  # fmt: skip
    """Groups of entities that claims connect (ignoring direction), largest first."""
    from policykg.network.analysis import components as find

    try:
        filters = _filters(
            as_of, source, type_, jurisdiction, stance, include_corrected, focus, depth
        )
        graph = _network(filters)
    except PolicyKGError as err:
        _fail(err, "components")
    groups = find(graph)
    if as_json:
        typer.echo(json.dumps(groups, indent=2))
        return
    for number, group in enumerate(groups, start=1):
        names = ", ".join(sorted(graph.nodes[n]["label"] for n in group))
        typer.echo(f"component {number} ({len(group)} entities): {names}")


def draw(
    out: Annotated[Path, typer.Option("--out", help="The figure: FILE.svg, FILE.png or FILE.pdf.")],
    title: Annotated[str | None, typer.Option("--title", help="A title above the figure.")] = None,
    as_of: AsOf = None, source: Source = None, type_: Type = None, jurisdiction: Jurisdiction = None,
    stance: Stance = None, include_corrected: Corrected = False, focus: Focus = None, depth: Depth = None,
) -> None:  # fmt: skip
    """Render the (filtered) network as a static figure for a paper: SVG, PNG or PDF."""
    from policykg.network.draw import draw as render

    try:
        filters = _filters(
            as_of, source, type_, jurisdiction, stance, include_corrected, focus, depth
        )
        written = render(_network(filters), out, title=title)
    except PolicyKGError as err:
        _fail(err, "draw")
    typer.echo(f"wrote {written}")


def register(app: typer.Typer) -> None:
    """Add the network commands to the ``policykg`` CLI."""
    for command in (paths, centrality, components, draw):
        app.command()(command)

"""The Python API for notebooks: open the graph, run named or ad-hoc queries, get a networkx view.

>>> kg = PolicyGraph.load()  # validated sources, in memory; PolicyGraph.open() reads dist/store
>>> rows = kg.query("excluded-jurisdictions")
>>> sorted(r["jurisdiction"] for r in rows if r["source"].endswith("/000_d336fba75509138b"))
['https://w3id.org/dpv/loc#CH', 'https://w3id.org/dpv/loc#EU']
>>> kg.ask("ASK { ?c a <https://w3id.org/policykg/ontology#Claim> }")
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    QueryTriples,
    Store,
    Triple,
    Variable,
)

from policykg.errors import BadRequest, QuerySyntaxError
from policykg.namespaces import all_prefixes
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary
from policykg.sparql.syntax import describe, update_keyword

__all__ = ["PolicyGraph", "Rows", "term_value"]

Term = NamedNode | BlankNode | Literal
_VALUED = (NamedNode, Literal)


def term_value(term: object) -> str | None:
    """The plain value of an RDF term: an IRI, a literal's lexical form, ``_:id`` for blank nodes."""
    if term is None:
        return None
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, _VALUED):
        return str(term.value)
    return str(term)


@dataclass
class Rows:
    """SELECT results: column names and one dict per row (``records``), and the RDF terms."""

    columns: list[str]
    records: list[dict[str, str | None]] = field(default_factory=list)
    terms: list[dict[str, Term | None]] = field(default_factory=list, repr=False)

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict[str, str | None]:
        return self.records[index]


class PolicyGraph:
    """The policy graph in an Oxigraph store; the default graph is the union of all named graphs.

    ``prefixes`` (default: the graph's, as in ``/context.jsonld``) are predeclared for
    every query; a query's own ``PREFIX`` lines win.
    """

    def __init__(
        self, store: Store, library: QueryLibrary, prefixes: Mapping[str, str] | None = None
    ) -> None:
        self.store = store
        self.library = library
        #: The built store whose search index ``search`` parameters use (None in memory).
        self.search_store: Path | None = None
        self.prefixes = dict(
            prefixes if prefixes is not None else all_prefixes(Settings().base_iri)
        )

    @classmethod
    def open(cls, settings: Settings | None = None) -> PolicyGraph:
        """Open the built store read-only, building it first if there is none."""
        settings = settings or Settings()
        if not settings.store_path.exists():
            from policykg.graph.build import build

            build(settings)
        opened = settings.store_path.resolve()  # the build the link points at now
        store = Store.read_only(str(opened))
        kg = cls(store, QueryLibrary.load(settings.queries_dir), all_prefixes(settings.base_iri))
        kg.search_store = opened
        return kg

    @classmethod
    def load(cls, settings: Settings | None = None) -> PolicyGraph:
        """Read and validate the sources into an in-memory store, writing nothing to disk."""
        from policykg.graph.build import asserted_statements, check
        from policykg.graph.sources import source_files

        settings = settings or Settings()
        loaded, _ = check(source_files(settings.root), settings)
        store = Store()
        store.extend(loaded.quads)
        store.extend(asserted_statements(store, NamedNode(settings.base_iri + "graph/asserted")))
        return cls(store, QueryLibrary.load(settings.queries_dir), all_prefixes(settings.base_iri))

    def _run(self, sparql: str, substitutions: Mapping[Variable, Term] | None = None) -> Any:
        try:
            return self.store.query(
                sparql,
                use_default_graph_as_union=True,
                prefixes=self.prefixes,
                substitutions=dict(substitutions or {}),
            )
        except SyntaxError as err:
            if (keyword := update_keyword(sparql)) is not None:
                raise BadRequest(
                    f"this is a SPARQL Update ({keyword}) and the graph is read-only here; "
                    "to change data, serve a copy with `policykg serve --data FILE "
                    "--enable-update --update-token T` and send updates to /update"
                ) from None
            raise QuerySyntaxError(f"SPARQL syntax error: {describe(sparql, str(err))}") from None

    def sparql(self, sparql: str) -> Rows | bool | list[Triple]:
        """Run any read-only query: rows for SELECT, a bool for ASK, triples for CONSTRUCT/DESCRIBE."""
        return _collect(self._run(sparql))

    def select(self, sparql: str) -> Rows:
        result = self.sparql(sparql)
        if not isinstance(result, Rows):
            raise BadRequest("expected a SELECT query")
        return result

    def ask(self, sparql: str) -> bool:
        result = self.sparql(sparql)
        if not isinstance(result, bool):
            raise BadRequest("expected an ASK query")
        return result

    def query(self, name: str, **params: str) -> Rows:
        """Run a named query from queries/ with its parameters bound (never spliced)."""
        result = self.run_named(name, params)
        if not isinstance(result, Rows):
            raise BadRequest(f"query {name!r} is not a SELECT query; use run_named()")
        return result

    def run_named(
        self, name: str, params: Mapping[str, str], *, listed_by: str = "kg.library"
    ) -> Rows | bool | list[Triple]:
        """Run a named query; an unknown name is answered with the closest one and
        ``listed_by``, where the list of names is."""
        named = self.library.get(name, listed_by=listed_by)
        hook = None
        if self.search_store is not None:
            from policykg.search.binding import hook as search_hook

            hook = search_hook(self.search_store)
        return _collect(self._run(named.sparql, named.bind(params, search=hook)))

    def to_networkx(self, *, include_corrected: bool = False) -> nx.MultiDiGraph:
        """The claims network (:mod:`policykg.network`): entities as nodes, one edge per
        subject, property and object, holding its claims with their provenance."""
        from .network.build import network
        from .network.filters import Filters

        return network(self, Filters(include_corrected=include_corrected))


def _collect(result: Any) -> Rows | bool | list[Triple]:
    if isinstance(result, QueryBoolean):
        return bool(result)
    if isinstance(result, QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = Rows(columns)
        for solution in result:
            terms = {c: solution[c] for c in columns}
            rows.terms.append(terms)
            rows.records.append({c: term_value(t) for c, t in terms.items()})
        return rows
    if isinstance(result, QueryTriples):
        return list(result)
    raise TypeError(f"unexpected query result {type(result).__name__}")

"""One adapter per server: where each departs from the SPARQL 1.1 standards.

The client speaks the standard protocols; an adapter only says what differs for its server:

- **Oxigraph** (``oxigraph serve``): queries at ``/query``, updates at ``/update``, the Graph
  Store Protocol at ``/store``; standard otherwise (its default graph is its own unless the
  server runs with ``--union-default-graph``).
- **Virtuoso 7**: one ``/sparql`` path for queries and, once the SPARQL user is granted it,
  updates; with credentials ``/sparql-auth`` under HTTP *digest* authentication; the Graph
  Store Protocol at ``/sparql-graph-crud`` (``/sparql-graph-crud-auth`` with credentials)
  rather than a path of the operator's choosing; its default graph is the union of **all**
  graphs, its own system graphs included (so a query meant for one dataset names its
  graphs); its SPARQL JSON results type literals as ``"typed-literal"`` (SPARQL 1.0's
  draft form, which strict parsers refuse), so the client asks it for XML results when it
  reads them itself; an ``ASK`` answers a one-row result set (variable ``__ASK_RETVAL``,
  1, or no row for false) rather than a boolean, in every result format; an update answers with a result
  set rather than an empty body; a query sent as a direct ``application/sparql-query``
  POST body is not answered, so the client always sends the protocol's form post; an update
  request runs as one transaction that readers see only once it ends, but when one of its
  operations fails, the operations before it **stay applied** (Oxigraph applies all or
  nothing), so a request that must not be left half done is made of operations that cannot
  fail and is run again if it does (see :mod:`policykg.remote.publish`).
- **generic**: any other SPARQL 1.1 server, given its URLs.

>>> adapter_for(None, "http://127.0.0.1:7878/query").kind
'oxigraph'
>>> adapter_for(None, "http://127.0.0.1:8890/sparql").kind
'virtuoso'
>>> adapter_for(None, "http://example.org/ds/sparql2").kind
'generic'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Adapter", "Kind", "adapter_for", "infer_kind"]

Kind = Literal["oxigraph", "virtuoso", "generic"]
AuthScheme = Literal["basic", "digest"]

JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"


@dataclass(frozen=True)
class Urls:
    """The three URLs a client talks to (``graph_store`` is None when the server has none)."""

    query: str
    update: str
    graph_store: str | None


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


@dataclass(frozen=True)
class Adapter:
    """What one kind of server does its own way."""

    kind: Kind
    #: How the server checks credentials.
    auth_scheme: AuthScheme = "basic"
    #: The default graph is the union of every graph in the store (not the standard's own).
    default_graph_is_union: bool = False
    #: The result format the client asks for when it reads SELECT results itself.
    select_accept: str = JSON_RESULTS
    #: An ASK answers a one-row result set (``__ASK_RETVAL`` 1 or 0), not a boolean.
    ask_is_result_set: bool = False
    #: A failed update request leaves nothing of itself applied.
    update_all_or_nothing: bool = True
    #: Booleans the query computes come back as the integers 0 and 1
    #: (:mod:`policykg.remote.virtuoso`).
    integer_booleans: bool = False
    #: ``EXISTS`` bound to a variable is evaluated wrongly (or very slowly) when a
    #: ``FILTER`` tests that variable, unless the filter tests the ``EXISTS`` itself.
    exists_values_misread: bool = False
    #: A one-or-more or zero-or-more path answers a row per route (and, inside OPTIONAL,
    #: drops the rows it does not match) unless sent as a ``SELECT DISTINCT`` of its ends.
    path_routes_counted: bool = False
    #: Some unions fail to compile (SP031) unless each branch is a sub-select.
    union_compile_errors: bool = False
    #: The query parameter that gives the server a time limit (milliseconds), if any.
    #: Virtuoso's ``timeout`` makes it stop the query at that time and answer **200 with
    #: the rows found so far**, saying so only in ``X-SQL-State: S1TAT``; the client turns
    #: that answer into a time-out (never serves part of a result).
    timeout_parameter: str | None = None

    def urls(self, query_url: str, *, credentials: bool) -> Urls:
        """The server's usual URLs, from the query URL the user gave."""
        path = urlsplit(query_url).path
        if self.kind == "oxigraph":
            base = path.removesuffix("/query").rstrip("/")
            return Urls(
                query=_with_path(query_url, base + "/query"),
                update=_with_path(query_url, base + "/update"),
                graph_store=_with_path(query_url, base + "/store"),
            )
        if self.kind == "virtuoso":
            suffix = "-auth" if credentials else ""
            return Urls(
                query=_with_path(query_url, "/sparql"),
                update=_with_path(query_url, "/sparql" + suffix),
                graph_store=_with_path(query_url, "/sparql-graph-crud" + suffix),
            )
        return Urls(query=query_url, update=query_url, graph_store=None)


OXIGRAPH = Adapter(kind="oxigraph")
VIRTUOSO = Adapter(
    kind="virtuoso",
    auth_scheme="digest",
    default_graph_is_union=True,
    select_accept=XML_RESULTS,
    ask_is_result_set=True,
    update_all_or_nothing=False,
    integer_booleans=True,
    exists_values_misread=True,
    path_routes_counted=True,
    union_compile_errors=True,
    timeout_parameter="timeout",
)
GENERIC = Adapter(kind="generic")
_ADAPTERS: dict[Kind, Adapter] = {"oxigraph": OXIGRAPH, "virtuoso": VIRTUOSO, "generic": GENERIC}


def infer_kind(query_url: str) -> Kind:
    """Guess the server from its query path: ``/query`` Oxigraph, ``/sparql`` Virtuoso."""
    path = urlsplit(query_url).path.rstrip("/")
    if path == "" or path.endswith("/query"):
        return "oxigraph"
    if path in ("/sparql", "/sparql-auth"):
        return "virtuoso"
    return "generic"


def adapter_for(kind: Kind | None, query_url: str) -> Adapter:
    """The adapter for ``kind``, or for the server the query URL looks like."""
    return _ADAPTERS[kind if kind is not None else infer_kind(query_url)]

"""Safety scan of SPARQL text: no outbound requests on a user's behalf.

pyoxigraph really fetches ``SERVICE`` endpoints and ``LOAD`` sources, so a query or
update naming them must be refused unless the target is allow-listed. The scan must
not be fooled by comments, strings or IRIs, so it uses a real SPARQL grammar:
rdflib's parser (``rdflib.plugins.sparql.parser``), used for this check only, never
to evaluate. Parsing with rdflib is slow (milliseconds), so it runs only when the text
contains one of the letters-sequences that could start a relevant keyword (``service``,
``load``, ``from``, ``using``, ``with``, case-insensitive; pyoxigraph does not decode
``\\u`` escapes outside strings, so a keyword cannot hide behind one). If the text
mentions SERVICE or LOAD and rdflib cannot parse it, the request is refused: we never
run what we could not check.

>>> scan_query("SELECT * { ?s ?p 'SERVICE <http://x> {}' } # SERVICE <http://y> {}").services
()
>>> scan_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").services
('http://example.org/sparql',)
>>> enforce(scan_query("SELECT * { SERVICE ?x {} }"), allowlist=[])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
policykg.errors.Forbidden: SERVICE with a variable endpoint is refused: ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import BadRequest, Forbidden

__all__ = ["Scan", "enforce", "scan_query", "scan_update"]

_RISKY = re.compile(r"service|load", re.IGNORECASE)
_RELEVANT = re.compile(r"service|load|from|using|with", re.IGNORECASE)


@dataclass(frozen=True)
class Scan:
    """What a query or update asks for beyond the local store.

    ``services`` holds ``None`` for ``SERVICE ?var``; ``dataset`` the FROM and FROM NAMED
    IRIs; ``own_dataset`` is true when an update has a USING or WITH clause.
    """

    services: tuple[str | None, ...] = ()
    loads: tuple[str, ...] = ()
    dataset: tuple[str, ...] = ()
    own_dataset: bool = False


def scan_query(text: str, base_iri: str | None = None) -> Scan:
    """Scan a query; raise BadRequest if it mentions SERVICE but cannot be checked."""
    return _scan(text, base_iri, parseQuery)


def scan_update(text: str, base_iri: str | None = None) -> Scan:
    """Scan an update (LOAD, SERVICE, USING/WITH)."""
    return _scan(text, base_iri, parseUpdate)


def enforce(scan: Scan, allowlist: Iterable[str]) -> None:
    """Raise Forbidden for any SERVICE or LOAD target not in the allow-list."""
    allowed = set(allowlist)
    for service in scan.services:
        if service is None:
            raise Forbidden(
                "SERVICE with a variable endpoint is refused: this endpoint makes no "
                "outbound requests on a user's behalf"
            )
        if service not in allowed:
            raise Forbidden(
                f"SERVICE <{service}> is refused: this endpoint makes no outbound requests "
                "on a user's behalf unless the target is in its allow-list"
            )
    for source in scan.loads:
        if source not in allowed:
            raise Forbidden(
                f"LOAD <{source}> is refused: this endpoint makes no outbound requests "
                "on a user's behalf unless the target is in its allow-list"
            )


def _scan(text: str, base_iri: str | None, parse: Any) -> Scan:
    if not _RELEVANT.search(text):
        return Scan()
    try:
        tree = parse(text)
    except (ParseException, ValueError, TypeError, KeyError) as exc:
        if _RISKY.search(text):
            raise BadRequest(
                "this request mentions SERVICE or LOAD, which are refused unless the target "
                f"is allow-listed, and it could not be checked: {exc}"
            ) from None
        return Scan()  # pyoxigraph will report its own syntax error, if any
    nodes = list(_walk(tree))
    prefixes: dict[str, str] = {}
    base = base_iri
    for node in nodes:
        if node.name == "PrefixDecl":
            prefixes[str(node["prefix"]) if "prefix" in node else ""] = str(node["iri"])
        elif node.name == "Base":
            base = urljoin(base or "", str(node["iri"]))

    def iri(term: Any) -> str | None:
        if isinstance(term, CompValue) and term.name == "pname":
            prefix = str(term["prefix"]) if "prefix" in term else ""
            if prefix not in prefixes:
                raise BadRequest(f"undeclared prefix {prefix!r}")
            return prefixes[prefix] + (str(term["localname"]) if "localname" in term else "")
        if term is None or type(term).__name__ == "Variable":
            return None
        return urljoin(base or "", str(term))

    services, loads, dataset, own = [], [], [], False
    for node in nodes:
        if node.name == "ServiceGraphPattern":
            services.append(iri(node["term"]))
        elif node.name == "Load":
            loads.append(iri(node["iri"]) or "")
        elif node.name == "DatasetClause":
            key = "default" if "default" in node else "named"
            dataset.append(iri(node[key]) or "")
        elif node.name == "Modify" and ("withClause" in node or "using" in node):
            own = True
    return Scan(tuple(services), tuple(loads), tuple(dataset), own)


def _walk(node: Any) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
        for item in node:
            yield from _walk(item)

"""Safety scan of SPARQL text: no outbound requests on a user's behalf.

pyoxigraph really fetches ``SERVICE`` endpoints and ``LOAD`` sources, so a query or
update naming them must be refused unless the target is allow-listed. The scan must
not be fooled by comments, strings or IRIs, so the final word is a real SPARQL grammar:
rdflib's parser (``rdflib.plugins.sparql.parser``), used for this check only, never
to evaluate. Parsing with rdflib takes milliseconds, so a tokenizer decides first
whether it is needed at all: it skips IRIs ``<…>``, strings in all four quote forms,
comments, variables and the local part of prefixed names (``prov:wasDerivedFrom``),
and asks for the parse only when ``SERVICE``, ``LOAD``, ``FROM``, ``USING`` or
``WITH`` may occur as a keyword. It errs on the side of parsing:

- Oxigraph's grammar needs no word boundary around a keyword (``1SERVICE <x> {}`` and
  ``SERVICE:x {}`` are SERVICE calls), so a bare word *containing* a keyword counts, and
  so does a prefix (``service:x``); a local name counts only when it *is* a keyword.
- ``<`` is an IRI or the less-than operator depending on the grammar's context, which a
  tokenizer does not know. Reading an operator as an IRI hides only the IRI's characters,
  and none of them can make a keyword construct (those need ``{``, ``<`` or white space
  before the ``>``), except a quote, which would start a string in the wrong place
  (``FILTER(?x<'a>') SERVICE …``): an IRI holding a quote makes the scan fall back to
  parsing whenever a keyword's letters occur anywhere in the text.
- Text the tokenizer cannot read (an unterminated string, say) falls back the same way;
  pyoxigraph does not decode ``\\u`` escapes outside strings and IRIs, so a keyword
  cannot hide behind one.

If a request may use SERVICE, LOAD or FROM and rdflib cannot parse it (syntax only
Oxigraph knows, such as ``LATERAL`` or triple terms, or nesting deeper than rdflib's
recursive parser can follow), it is refused with a 400: we never run what we could not
check. Texts that need the parse may be at most ``PARSE_MAX_CHARS`` long, and no text may
nest brackets more than ``MAX_DEPTH`` deep (pyoxigraph's parser is recursive too; ten
thousand nested parentheses would overflow a worker's stack). Results are cached per
text (a bounded LRU), and :func:`scan_query_async` / :func:`scan_update_async` run all
but the shortest scans off the event loop.

>>> scan_query("SELECT * { ?s ?p 'SERVICE <http://x> {}' } # SERVICE <http://y> {}").services
()
>>> scan_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").services
('http://example.org/sparql',)
>>> sorted(keyword_tokens("SELECT * { ?c prov:wasDerivedFrom ?from } # FROM"))
[]
>>> sorted(keyword_tokens("SELECT * FROM <g> { ?s ?p 1SERVICE <x> {} }"))
['from', 'service']
>>> nesting_depth("SELECT * { FILTER((1)) }")
3
>>> enforce(scan_query("SELECT * { SERVICE ?x {} }"), allowlist=[])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
policykg.errors.Forbidden: SERVICE with a variable endpoint is refused: ...
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from policykg.errors import BadRequest, Forbidden
from policykg.sparql.tokens import IRI_PATTERN, STRING_PATTERN

__all__ = [
    "MAX_DEPTH",
    "PARSE_MAX_CHARS",
    "Scan",
    "enforce",
    "keyword_tokens",
    "nesting_depth",
    "scan_query",
    "scan_query_async",
    "scan_update",
    "scan_update_async",
]

_KEYWORDS = ("service", "load", "from", "using", "with")
_RISKY = frozenset({"service", "load"})
_ANY_KEYWORD = re.compile("|".join(_KEYWORDS), re.IGNORECASE)
_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<space>\s+)",
            r"(?P<comment>#[^\n\r]*)",
            f"(?P<iri>{IRI_PATTERN})",
            f"(?P<string>{STRING_PATTERN})",
            r"(?P<open>['\"])",  # a quote that starts no complete string
            r"(?P<variable>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)",
            r"(?P<local>(?<=:)[\w\-]+)",  # right after a prefix's colon
            r"(?P<word>[\w\-]+)",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)
#: Deepest bracket nesting accepted (parentheses, braces and square brackets together).
MAX_DEPTH = 64
#: Longest text that is parsed for the check; a longer one that needs it is refused.
PARSE_MAX_CHARS = 10_000
_ON_LOOP_CHARS = 2_000  # shorter texts needing no parse are scanned on the event loop
_OPENERS, _CLOSERS = frozenset("({["), frozenset(")}]")
_CHECKED = frozenset({"service", "load", "from"})  # refused when the parse fails
_CACHE_SIZE = 1024
_CACHE_CHARS = 20_000  # longer texts are scanned every time, never kept

_Key = tuple[str, str, str | None, tuple[tuple[str, str], ...]]


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


class _LRU:
    """A small thread-safe LRU map of scan outcomes (parses also run in threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[_Key, Scan | BadRequest] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: _Key) -> Scan | BadRequest | None:
        with self.lock:
            value = self.data.get(key)
            if value is not None:
                self.data.move_to_end(key)
            return value

    def put(self, key: _Key, value: Scan | BadRequest) -> None:
        if len(key[1]) > _CACHE_CHARS:
            return
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.size:
                self.data.popitem(last=False)


_cache = _LRU(_CACHE_SIZE)


def keyword_tokens(text: str) -> frozenset[str]:
    """Which of SERVICE, LOAD, FROM, USING, WITH may occur as keywords (lower case).

    Empty when the text needs no parse. Text the tokenizer cannot read, or an IRI
    holding a quote, gives every keyword whose letters occur anywhere in the text.
    """
    if not _ANY_KEYWORD.search(text):
        return frozenset()
    found: set[str] = set()
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "word":
            found.update(m.lower() for m in _ANY_KEYWORD.findall(match.group()))
        elif kind == "local":
            if match.group().lower() in _KEYWORDS:
                found.add(match.group().lower())
        elif kind == "open" or (kind == "iri" and "'" in match.group()):
            return frozenset(m.lower() for m in _ANY_KEYWORD.findall(text))
    return frozenset(found)


def nesting_depth(text: str) -> int:
    """How deep brackets nest outside strings, IRIs and comments."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "other":
            continue
        char = match.group()
        if char in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
    return deepest


def _check_shape(text: str) -> None:
    if sum(text.count(c) for c in _OPENERS) > MAX_DEPTH and nesting_depth(text) > MAX_DEPTH:
        raise BadRequest(
            f"the request nests brackets more than {MAX_DEPTH} levels deep; "
            "this endpoint does not accept deeper nesting"
        )


def scan_query(
    text: str, base_iri: str | None = None, prefixes: Mapping[str, str] | None = None
) -> Scan:
    """Scan a query; raise BadRequest if it mentions SERVICE but cannot be checked.

    ``prefixes`` are the predeclared ones (the query's own ``PREFIX`` lines win), as the
    engine will read them.

    >>> scan_query("SELECT * { SERVICE ex:s {} }", prefixes={"ex": "http://e/"}).services
    ('http://e/s',)
    """
    return _scan(text, base_iri, "query", _frozen(prefixes))


def scan_update(text: str, base_iri: str | None = None) -> Scan:
    """Scan an update (LOAD, SERVICE, USING/WITH)."""
    return _scan(text, base_iri, "update", ())


async def scan_query_async(
    text: str, base_iri: str | None = None, prefixes: Mapping[str, str] | None = None
) -> Scan:
    """:func:`scan_query`, with any parse run in a thread, off the event loop."""
    return await _scan_async(text, base_iri, "query", _frozen(prefixes))


async def scan_update_async(text: str, base_iri: str | None = None) -> Scan:
    """:func:`scan_update`, with any parse run in a thread, off the event loop."""
    return await _scan_async(text, base_iri, "update", ())


def _frozen(prefixes: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(prefixes.items())) if prefixes else ()


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


def _cached(key: _Key) -> Scan | None:
    hit = _cache.get(key)
    if isinstance(hit, BadRequest):
        raise BadRequest(hit.message)
    return hit


_Prefixes = tuple[tuple[str, str], ...]


def _scan(text: str, base_iri: str | None, kind: str, prefixes: _Prefixes) -> Scan:
    key = (kind, text, base_iri, prefixes)
    if (hit := _cached(key)) is not None:
        return hit
    try:
        _check_shape(text)
        keywords = keyword_tokens(text)
        scan = _parse(text, base_iri, kind, keywords, dict(prefixes)) if keywords else Scan()
    except BadRequest as exc:
        _cache.put(key, exc)
        raise
    _cache.put(key, scan)
    return scan


async def _scan_async(text: str, base_iri: str | None, kind: str, prefixes: _Prefixes) -> Scan:
    if (hit := _cached((kind, text, base_iri, prefixes))) is not None:
        return hit
    if len(text) <= _ON_LOOP_CHARS and not keyword_tokens(text):
        return _scan(text, base_iri, kind, prefixes)  # nothing to parse: cheap, stays on the loop
    return await asyncio.to_thread(_scan, text, base_iri, kind, prefixes)


def _parse(
    text: str,
    base_iri: str | None,
    kind: str,
    keywords: frozenset[str],
    prefixes: dict[str, str],
) -> Scan:
    parse: Callable[[str], Any] = parseQuery if kind == "query" else parseUpdate
    if keywords & _CHECKED and len(text) > PARSE_MAX_CHARS:
        raise BadRequest(
            f"this request uses SERVICE, LOAD or FROM and is longer than {PARSE_MAX_CHARS} "
            "characters, the most the safety check reads; shorten it"
        )
    try:
        tree = parse(text)
    except RecursionError:
        raise BadRequest(
            "this request is nested too deeply for the safety check (which reads every "
            "request using SERVICE, LOAD or FROM); simplify it"
        ) from None
    except (ParseException, ValueError, TypeError, KeyError) as exc:
        if keywords & _RISKY:
            raise BadRequest(
                "this request mentions SERVICE or LOAD, which are refused unless the target "
                f"is allow-listed, and it could not be checked: {exc}"
            ) from None
        if keywords & _CHECKED:
            raise BadRequest(
                "this request names graphs with FROM, which must name graphs of this store, "
                f"and it could not be checked: {exc}"
            ) from None
        return Scan()  # pyoxigraph will report its own syntax error, if any
    nodes = list(_walk(tree))
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

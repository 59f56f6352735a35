"""Named queries: ``queries/*.rq`` files with a header of title, question, tags and parameters.

A header is a run of ``#`` comment lines at the top of the file::

    # title: Excluded jurisdictions per source
    # question: Which jurisdictions does each source say are excluded?
    # tags: jurisdiction, disagreement
    # param: date xsd:date = 2024-10-01 -- the day to evaluate

Other ``# key: value`` lines are kept as read in ``NamedQuery.extra`` (the benchmarks'
queries name the ``accept`` media type there).

Parameters are never spliced into the text: they are bound as RDF terms through
pyoxigraph's ``substitutions``, so a value can only ever be a value.

>>> q = NamedQuery.parse("demo", '''# title: Demo
... # question: What is it?
... # param: day xsd:date = 2024-10-01 -- a day
... SELECT ?day WHERE {}''')
>>> q.title, [p.name for p in q.params], q.extra
('Demo', ['day'], {})
>>> q.bind({"day": "2025-11-10"})[Variable("day")]
<Literal value=2025-11-10 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Variable

from policykg.errors import NotFound, ParameterError, QueryFileError

if TYPE_CHECKING:
    from policykg.search.binding import SearchHook

__all__ = ["PARAM_TYPES", "NamedQuery", "Param", "QueryLibrary"]

XSD = "http://www.w3.org/2001/XMLSchema#"

#: The parameter types a header may declare.
PARAM_TYPES = (
    "iri", "xsd:string", "xsd:date", "xsd:boolean", "xsd:integer", "xsd:decimal", "search"
)  # fmt: skip

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\S+)"
    r"(?:\s*=\s*(?P<default>.*?))?(?:\s+--\s+(?P<doc>.*))?$"
)
_IRI_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f<>\"{}|\\^`]")
_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})|%00")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})")
#: Longest IRI a parameter may hold.
MAX_IRI_CHARS = 4096
#: Integers must fit in 64 bits.
INTEGER_RANGE = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Param:
    """A declared, typed parameter of a named query."""

    name: str
    type: str
    default: str | None = None
    doc: str = ""

    def to_term(self, raw: str) -> NamedNode | Literal:
        """Turn a raw string into an RDF term of the declared type, or raise ParameterError.

        >>> Param("n", "xsd:integer").to_term("12")
        <Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
        >>> Param("n", "xsd:integer").to_term("12 } ; DROP ALL")
        Traceback (most recent call last):
        ...
        policykg.errors.ParameterError: parameter 'n' must be an integer, got '12 } ; DROP ALL'
        """
        kind = self.type
        if kind == "iri":
            return self._iri(raw)
        if kind == "xsd:string":
            return Literal(raw)
        if kind == "search":
            from policykg.search.query import parse

            try:
                parse(raw)
            except ParameterError as err:
                message = err.message.removeprefix("q: ")
                raise ParameterError(f"parameter {self.name!r}: {message}") from None
            return Literal(raw)
        if kind == "xsd:date":
            try:
                if not _DATE.fullmatch(raw):
                    raise ValueError(raw)
                dt.date.fromisoformat(raw)
            except ValueError:
                raise self._bad("a date (YYYY-MM-DD)", raw) from None
            return Literal(raw, datatype=NamedNode(XSD + "date"))
        if kind == "xsd:boolean":
            if raw not in ("true", "false"):
                raise self._bad("true or false", raw)
            return Literal(raw, datatype=NamedNode(XSD + "boolean"))
        if kind == "xsd:integer":
            low, high = INTEGER_RANGE
            if not re.fullmatch(r"[+-]?[0-9]+", raw):
                raise self._bad("an integer", raw)
            if not _INTEGER.fullmatch(raw) or not low <= int(raw) <= high:
                raise self._bad(f"an integer from {low} to {high}", raw)
            return Literal(str(int(raw)), datatype=NamedNode(XSD + "integer"))
        if kind == "xsd:decimal":
            if not _DECIMAL.fullmatch(raw):
                raise self._bad("a decimal", raw)
            return Literal(str(Decimal(raw)), datatype=NamedNode(XSD + "decimal"))
        raise ParameterError(f"parameter {self.name!r} has an unknown type {kind!r}")

    def _bad(self, wanted: str, raw: str) -> ParameterError:
        shown = raw if len(raw) <= 100 else raw[:100] + "…"
        return ParameterError(f"parameter {self.name!r} must be {wanted}, got {shown!r}")

    def _iri(self, raw: str) -> NamedNode:
        """An absolute IRI (RFC 3987): a scheme, no spaces, controls or ``<>"{}|\\^````,
        every ``%`` followed by two hex digits (and not ``%00``), a valid host."""
        if (
            len(raw) > MAX_IRI_CHARS
            or not _IRI_SCHEME.match(raw)
            or _IRI_FORBIDDEN.search(raw)
            or _BAD_ESCAPE.search(raw)
        ):
            raise self._bad("an absolute IRI", raw)
        try:
            return NamedNode(raw)
        except ValueError as exc:
            raise self._bad(f"an absolute IRI ({exc})", raw) from None


@dataclass(frozen=True)
class NamedQuery:
    """A stored SPARQL query with its documented header."""

    name: str
    title: str
    question: str
    sparql: str
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)
    #: Header fields the library does not interpret, e.g. ``{"accept": "text/csv"}``.
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def parse(cls, name: str, text: str, path: Path | None = None) -> NamedQuery:
        """Read a query file's header; raise QueryFileError naming the line at fault."""
        where = str(path) if path else name
        if not _NAME.match(name):
            raise QueryFileError(f"{where}: query names use a-z, 0-9, '-' and '_'")
        meta: dict[str, str] = {}
        extra: dict[str, str] = {}
        params: list[Param] = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.startswith("#"):
                break
            body = line[1:].strip()
            key, sep, value = body.partition(":")
            key, value = key.strip(), value.strip()
            if not sep or not key.isidentifier():
                continue
            if key not in ("title", "question", "tags", "param"):
                extra[key] = value
                continue
            if key != "param":
                meta[key] = value
                continue
            match = _PARAM.match(value)
            if not match or match["type"] not in PARAM_TYPES:
                raise QueryFileError(
                    f"{where}:{lineno}: bad parameter declaration {value!r}; expected "
                    f"'NAME TYPE [= DEFAULT] [-- doc]' with TYPE one of {', '.join(PARAM_TYPES)}"
                )
            param = Param(match["name"], match["type"], match["default"], match["doc"] or "")
            if param.default is not None:
                param.to_term(param.default)  # a bad default is a bug in the file
            params.append(param)
        for required in ("title", "question"):
            if not meta.get(required):
                raise QueryFileError(f"{where}:1: header lacks '# {required}: …'")
        tags = tuple(t.strip() for t in meta.get("tags", "").split(",") if t.strip())
        return cls(name, meta["title"], meta["question"], text, tuple(params), tags, path, extra)

    def bind(
        self, values: Mapping[str, str], *, search: SearchHook | None = None
    ) -> dict[Variable, NamedNode | Literal]:
        """Typed substitutions for the given raw values, defaults filling the gaps.

        A ``search`` parameter also binds ``?NAME_hits`` to the hits ``search`` finds
        (:mod:`policykg.search.binding`), whose options (``lang``, ``type``,
        ``include_corrected``, ``limit``) are then not bound themselves; without a hook,
        such a query cannot run."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(
                f"query {self.name!r} has no parameter {unknown[0]!r}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        bound: dict[Variable, NamedNode | Literal] = {}
        for param in self.params:
            raw = values.get(param.name, param.default)
            if raw is None:
                raise ParameterError(f"query {self.name!r} needs parameter {param.name!r}")
            bound[Variable(param.name)] = param.to_term(raw)
        searches = [p for p in self.params if p.type == "search"]
        if searches:
            from policykg.search.binding import OPTIONS, hits_variable

            if search is None:
                raise NotFound(
                    f"query {self.name!r} searches the full-text index, which only a built "
                    "graph has: run `policykg build` and open dist/store"
                )
            # the options are the search's, not the query's: bound variables must be projected
            options = {
                name: str(bound.pop(Variable(name)).value)
                for name in OPTIONS
                if Variable(name) in bound
            }
            for param in searches:
                text = str(bound[Variable(param.name)].value)
                bound[Variable(hits_variable(param.name))] = search(param.name, text, options)
        return bound


class QueryLibrary:
    """The named queries of one folder, read once.

    >>> from policykg.data import data_root
    >>> "excluded-jurisdictions" in QueryLibrary.load(data_root() / "queries")
    True
    """

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    @classmethod
    def load(cls, folder: Path) -> QueryLibrary:
        queries = {}
        for path in sorted(folder.glob("*.rq")):
            query = NamedQuery.parse(path.stem, path.read_text(encoding="utf-8"), path)
            queries[query.name] = query
        return cls(queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def get(self, name: str, *, listed_by: str = "/queries") -> NamedQuery:
        """The named query ``name``; NotFound suggests the closest name and where the list is.

        >>> from policykg.data import data_root
        >>> QueryLibrary.load(data_root() / "queries").get("status-as-off")
        Traceback (most recent call last):
        ...
        policykg.errors.NotFound: no named query 'status-as-off' — did you mean status-as-of? See /queries for the list
        """
        try:
            return self._queries[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._queries), n=1, cutoff=0.6)
            if close:
                hint = f" — did you mean {close[0]}? See {listed_by} for the list"
            else:
                hint = f"; see {listed_by} for the list"
            raise NotFound(f"no named query {name!r}{hint}") from None

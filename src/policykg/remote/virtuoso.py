"""Virtuoso 7's departures from SPARQL 1.1 in queries and their results, and how each is undone.

Found by running the API suite on Virtuoso 7.2 (tests/api/test_api_backends.py), each named
by a test in tests/remote/test_virtuoso_departures.py:

- **Booleans come back as integers.** A boolean the query computes or writes (``true``,
  ``EXISTS {…}``, ``?a < ?b``, ``BOUND(?x)``, a ``VALUES`` row holding ``false``) is
  answered as ``"1"``/``"0"^^xsd:integer``; stored ``xsd:boolean`` literals come back as
  they are. :func:`boolean_columns` finds the projected variables that hold a boolean by
  reading the query's algebra (rdflib's parser), and :func:`restore_booleans` writes their
  ``0``/``1`` back as ``false``/``true``.
- **IRIs are ordered by their internal ids**, not their text: :func:`order_iris_by_text`
  makes each ``ORDER BY ?x`` key order IRIs by their text, after unbound values and before
  literals, as the standard orders them.
- **SP031**: its compiler fails with "Internal error: sparp_gp_deprecate()" on some unions
  of groups that bind (``BIND``) and filter the same variables (the named query
  ``timeline``). The same query with each union branch made a sub-select
  (:func:`isolate_unions`, ``{ P }`` as ``{ SELECT * WHERE { P } }``, which the standard
  evaluates alike) compiles; the backend sends that when Virtuoso answers SP031.

The rewrites work on the query's tokens (strings, IRIs and comments skipped, as
:mod:`policykg.backend_text` reads them) and add only fixed SPARQL text and the query's
own variable names.

>>> print(order_iris_by_text("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s DESC(?o) LIMIT 3"))
SELECT ?s WHERE { ?s ?p ?o } ORDER BY (isLiteral(?s)) (IF(isIRI(?s), STR(?s), "")) (?s) DESC(isLiteral(?o)) DESC(IF(isIRI(?o), STR(?o), "")) DESC(?o) LIMIT 3
>>> print(isolate_unions("SELECT * WHERE { { ?s ?p 1 } UNION { ?s ?p 2 } }"))
SELECT * WHERE { { SELECT * WHERE { ?s ?p 1 } } UNION { SELECT * WHERE { ?s ?p 2 } } }
>>> sorted(boolean_columns("SELECT ?x ?b ?n WHERE { VALUES ?x { false } BIND(EXISTS { ?s ?p ?o } AS ?b) BIND(1 AS ?n) }"))
['b', 'x']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from policykg.backend_text import TOKEN

__all__ = [
    "SP031",
    "boolean_columns",
    "isolate_unions",
    "order_iris_by_text",
    "restore_booleans",
]

#: The error code of Virtuoso's SPARQL compiler's internal errors.
SP031 = "SP031"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

_BOOLEAN_EXPRESSIONS = {
    "RelationalExpression",
    "ConditionalAndExpression",
    "ConditionalOrExpression",
    "UnaryNot",
    "Builtin_EXISTS",
    "Builtin_NOTEXISTS",
    "Builtin_BOUND",
    "Builtin_isIRI",
    "Builtin_isBLANK",
    "Builtin_isLITERAL",
    "Builtin_isNUMERIC",
    "Builtin_REGEX",
    "Builtin_STRSTARTS",
    "Builtin_STRENDS",
    "Builtin_CONTAINS",
    "Builtin_LANGMATCHES",
    "Builtin_sameTerm",
}
#: Aggregates whose value is one of the values they aggregate.
_PASSING_AGGREGATES = {"Aggregate_Sample", "Aggregate_Min", "Aggregate_Max"}


def _tokens(text: str) -> Iterator[re.Match[str]]:
    return (m for m in TOKEN.finditer(text) if m.lastgroup != "skip")


# -- ORDER BY -------------------------------------------------------------------------------


def _iri_key(variable: str, direction: str) -> str:
    # three keys: IRIs before literals; IRIs by their text (a key of one type: Virtuoso
    # does not order a key mixing strings and other terms by text); literals by value
    return (
        f"{direction}(isLiteral({variable})) "
        f'{direction}(IF(isIRI({variable}), STR({variable}), "")) '
        f"{direction}({variable})"
    )


_ENDS_ORDER = {"LIMIT", "OFFSET", "VALUES"}


def order_iris_by_text(text: str) -> str:
    """``text`` with each ``ORDER BY`` key that is a variable (or ``ASC``/``DESC`` of one)
    ordering IRIs by their text."""
    tokens = list(_tokens(text))
    pieces, start, index = [], 0, 0
    while index < len(tokens):
        token = tokens[index]
        if not (
            token.lastgroup == "word"
            and token.group().upper() == "ORDER"
            and index + 1 < len(tokens)
            and tokens[index + 1].group().upper() == "BY"
        ):
            index += 1
            continue
        index += 2
        while index < len(tokens):
            token = tokens[index]
            word = token.group().upper() if token.lastgroup == "word" else ""
            if token.lastgroup in ("open", "close") or word in _ENDS_ORDER:
                break
            if token.lastgroup == "var":
                pieces += [text[start : token.start()], _iri_key(token.group(), "")]
                start = token.end()
                index += 1
                continue
            if word in ("ASC", "DESC") and _is_variable_call(tokens, index):
                variable = tokens[index + 2].group()
                pieces += [text[start : token.start()], _iri_key(variable, word)]
                start = tokens[index + 3].end()
                index += 4
                continue
            index = _skip_key(tokens, index)
    pieces.append(text[start:])
    return "".join(pieces)


def _is_variable_call(tokens: list[re.Match[str]], index: int) -> bool:
    """``ASC ( ?x )`` at ``index``."""
    window = tokens[index + 1 : index + 4]
    return (
        len(window) == 3
        and [t.group() for t in window[::2]] == ["(", ")"]
        and (window[1].lastgroup == "var")
    )


def _skip_key(tokens: list[re.Match[str]], index: int) -> int:
    """The index after the order key (an expression) starting at ``index``."""
    depth = 0
    while index < len(tokens):
        value = tokens[index].group()
        depth += value == "("
        depth -= value == ")"
        index += 1
        if (
            depth == 0
            and value != "("
            and not (index < len(tokens) and tokens[index].group() == "(")
        ):
            break
    return index


# -- UNION branches as sub-selects ------------------------------------------------------------


def isolate_unions(text: str) -> str:
    """``text`` with each group that is a ``UNION`` operand made a ``SELECT *`` sub-select."""
    tokens = list(_tokens(text))
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.lastgroup == "open":
            stack.append(i)
        elif token.lastgroup == "close" and stack:
            match[stack.pop()] = i

    def is_union(i: int) -> bool:
        return 0 <= i < len(tokens) and tokens[i].group().upper() == "UNION"

    edits: list[tuple[int, str]] = []
    for open_index, close_index in match.items():
        if is_union(open_index - 1) or is_union(close_index + 1):
            edits.append((tokens[open_index].end(), " SELECT * WHERE {"))
            edits.append((tokens[close_index].start(), "} "))
    pieces, start = [], 0
    for position, insert in sorted(edits):
        pieces += [text[start:position], insert]
        start = position
    pieces.append(text[start:])
    return "".join(pieces)


# -- booleans -------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def boolean_columns(text: str) -> frozenset[str]:
    """The variables of ``text`` whose values are booleans the query computes or writes
    (empty when rdflib cannot read the query)."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(text).algebra
    except Exception:  # noqa: BLE001 - rdflib raises many kinds; unreadable means "none known"
        return frozenset()
    binds: list[tuple[str, object]] = []
    _collect(algebra, binds)
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for variable, source in binds:
            if variable not in found and _is_boolean(source, found):
                found.add(variable)
                changed = True
    return frozenset(found)


def _collect(node: object, binds: list[tuple[str, object]]) -> None:
    """Every (variable, what binds it) in the algebra ``node``."""
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "Extend":
            binds.append((str(node["var"]), node["expr"]))
        elif node.name in _PASSING_AGGREGATES:
            binds.append((str(node["res"]), node["vars"]))
        elif node.name == "values":
            for row in node["res"]:
                for variable, term in row.items():
                    binds.append((str(variable), term))
        for value in node.values():
            _collect(value, binds)
    elif isinstance(node, list | tuple):
        for value in node:
            _collect(value, binds)
    elif isinstance(node, dict):
        for value in node.values():
            _collect(value, binds)


def _is_boolean(expression: object, known: set[str]) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Literal, Variable

    if isinstance(expression, Variable):
        return str(expression) in known
    if isinstance(expression, Literal):
        return str(expression.datatype) == XSD_BOOLEAN
    if not isinstance(expression, CompValue):
        return False
    if expression.name in _BOOLEAN_EXPRESSIONS:
        return not (
            expression.name in ("ConditionalAndExpression", "ConditionalOrExpression")
            and not expression.get("other")
            and not _is_boolean(expression.get("expr"), known)
        )
    if expression.name == "Builtin_IF":
        return _is_boolean(expression["arg2"], known) and _is_boolean(expression["arg3"], known)
    if expression.name == "Builtin_COALESCE":
        return all(_is_boolean(a, known) for a in expression["arg"])
    return False


def restore_booleans(body: bytes, columns: frozenset[str]) -> bytes:
    """SPARQL XML results (as Virtuoso writes them) with the ``0``/``1`` integers of
    ``columns`` written as the booleans ``false``/``true``."""
    if not columns:
        return body
    names = "|".join(re.escape(c) for c in sorted(columns))
    pattern = re.compile(
        rb'(<binding name="(?:'
        + names.encode()
        + rb')">\s*<literal datatype=")'
        + re.escape(XSD_INTEGER.encode())
        + rb'">([01])</literal>'
    )

    def boolean(match: re.Match[bytes]) -> bytes:
        value = b"true" if match[2] == b"1" else b"false"
        return match[1] + XSD_BOOLEAN.encode() + b'">' + value + b"</literal>"

    return pattern.sub(boolean, body)

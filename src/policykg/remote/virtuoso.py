"""Virtuoso 7's departures from SPARQL 1.1 in queries and their results, and how each is undone.

Found by running the API suite on Virtuoso 7.2 (tests/api/test_api_backends.py), each named
by a test in tests/remote/test_virtuoso_departures.py:

- **Booleans come back as integers.** A boolean the query computes or writes (``true``,
  ``EXISTS {…}``, ``?a < ?b``, ``BOUND(?x)``, a ``VALUES`` row holding ``false``) is
  answered as ``"1"``/``"0"^^xsd:integer``; stored ``xsd:boolean`` literals come back as
  they are. :func:`boolean_columns` finds the projected variables that hold a boolean by
  reading the query's algebra (rdflib's parser), and :func:`restore_booleans` writes their
  ``0``/``1`` back as ``false``/``true``.
- **A boolean bound from EXISTS is wrong when a FILTER tests it.** In
  ``BIND(EXISTS {…} AS ?c) FILTER(… || !?c)`` over a dataset (``default-graph-uri``),
  Virtuoso projects ``?c`` as true on every row (the named query ``claims-graph``), and
  with an ``OPTIONAL`` inside the ``EXISTS`` the query runs for minutes (the network
  view's claims query). :func:`inline_exists` writes the ``EXISTS {…}`` itself in place of
  the variable in those filters (the same value by the standard), which it evaluates
  right, at once.
- **SP031**: its compiler fails with "Internal error: sparp_gp_deprecate()" on some unions
  of groups that bind (``BIND``) and filter the same variables (the named query
  ``timeline``). The same query with each union branch made a sub-select
  (:func:`isolate_unions`, ``{ P }`` as ``{ SELECT * WHERE { P } }``, which the standard
  evaluates alike) compiles; the backend sends that when Virtuoso answers SP031.
- **A one-or-more or zero-or-more path answers a row per route.** ``?s skos:broader+ ?o``
  gives a row for each way (and each copy of a triple in the dataset's graphs) from
  ``?s`` to ``?o``, where the standard gives each pair once; inside ``OPTIONAL`` it also
  drops the rows the path (or a ``FILTER`` beside it) does not match (the named query
  ``jurisdictions``). :func:`distinct_paths` sends such a triple as
  ``{ SELECT DISTINCT ?s ?o WHERE { ?s skos:broader+ ?o } }`` (the standard's value: the
  path's ends are a set), which Virtuoso answers right. Virtuoso evaluates a transitive
  path only from a given start ("transitive start not given"): a sub-select whose two ends
  are variables is accepted directly inside an ``OPTIONAL`` whose left side (the patterns
  before it in its group) names one of them, or anywhere else when the sub-select first
  finds the starts itself: for ``?s p+ ?o`` (``^p+``, ``(p|q)+``) those are the subjects
  of ``?s p ?start``, each once, so the pairs are the standard's. Other paths with two
  variable ends are left as they are: ``*`` (given its starts, Virtuoso answers unbound
  ones for the nodes without a step), and a path in an ``OPTIONAL`` that is the first thing
  in its group (Virtuoso joins that OPTIONAL with what is around its group); and so is a path in ``EXISTS``, ``MINUS`` or ``GRAPH``
  (where rows are not counted, or a sub-select reads another graph).

The rewrites work on the query's tokens (strings, IRIs and comments skipped, as
:mod:`policykg.backend_text` reads them) and add only fixed SPARQL text, the query's own
variable names, and a variable name the query does not hold (the starts').

>>> print(inline_exists("SELECT * WHERE { ?s ?p ?o BIND(EXISTS { ?s a ?t } AS ?typed) FILTER(!?typed) }"))
SELECT * WHERE { ?s ?p ?o BIND(EXISTS { ?s a ?t } AS ?typed) FILTER(!(EXISTS { ?s a ?t })) }
>>> print(isolate_unions("SELECT * WHERE { { ?s ?p 1 } UNION { ?s ?p 2 } }"))
SELECT * WHERE { { SELECT * WHERE { ?s ?p 1 } } UNION { SELECT * WHERE { ?s ?p 2 } } }
>>> print(distinct_paths("SELECT * WHERE { ?j a ?t OPTIONAL { ?j skos:broader+ ?p } }"))
SELECT * WHERE { ?j a ?t OPTIONAL { { SELECT DISTINCT ?j ?p WHERE { ?j skos:broader+ ?p } } } }
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
    "distinct_paths",
    "inline_exists",
    "isolate_unions",
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


# -- EXISTS as a value ------------------------------------------------------------------------


def _braces(tokens: list[re.Match[str]]) -> dict[int, int]:
    """Each ``{`` token's index mapped to its ``}``'s."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for i, token in enumerate(tokens):
        if token.lastgroup == "open":
            stack.append(i)
        elif token.lastgroup == "close" and stack:
            match[stack.pop()] = i
    return match


def _closing_paren(tokens: list[re.Match[str]], index: int) -> int:
    """The index of the ``)`` closing the ``(`` at ``index`` (or the last token)."""
    depth = 0
    for i in range(index, len(tokens)):
        depth += tokens[i].group() == "("
        depth -= tokens[i].group() == ")"
        if depth == 0:
            return i
    return len(tokens) - 1


def inline_exists(text: str) -> str:
    """``text`` with each variable bound by ``BIND((NOT) EXISTS {…} AS ?v)`` replaced, in
    the ``FILTER`` expressions of the same group after it, by that ``EXISTS {…}`` (the same
    value by the standard: a filter sees the row the bind made)."""
    tokens = list(_tokens(text))
    braces = _braces(tokens)

    def word(i: int) -> str:
        return tokens[i].group().upper() if 0 <= i < len(tokens) else ""

    edits: list[tuple[int, int, str]] = []
    for i in range(len(tokens)):
        if word(i) != "BIND" or i + 1 >= len(tokens) or tokens[i + 1].group() != "(":
            continue
        first = i + 2
        at = first + 1 if word(first) == "NOT" else first
        if word(at) != "EXISTS" or at + 1 not in braces:
            continue
        close = braces[at + 1]
        if word(close + 1) != "AS" or close + 2 >= len(tokens):
            continue
        variable = tokens[close + 2].group()
        expression = text[tokens[first].start() : tokens[close].end()]
        depth, k = 0, _closing_paren(tokens, i + 1) + 1
        while k < len(tokens) and depth >= 0:
            kind = tokens[k].lastgroup
            depth += (kind == "open") - (kind == "close")
            if (
                depth == 0
                and word(k) == "FILTER"
                and k + 1 < len(tokens)
                and (tokens[k + 1].group() == "(")
            ):
                end = _closing_paren(tokens, k + 1)
                edits += [
                    (t.start(), t.end(), f"({expression})")
                    for t in tokens[k + 2 : end]
                    if t.lastgroup == "var" and t.group()[1:] == variable[1:]
                ]
                k = end
            k += 1
    return _replace(text, edits)


def _replace(text: str, edits: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(begin, end)`` span (none overlapping) replaced."""
    pieces, start = [], 0
    for begin, end, replacement in sorted(edits):
        pieces += [text[start:begin], replacement]
        start = end
    pieces.append(text[start:])
    return "".join(pieces)


def _apply(text: str, edits: list[tuple[int, str]]) -> str:
    pieces, start = [], 0
    for position, insert in sorted(edits):
        pieces += [text[start:position], insert]
        start = position
    pieces.append(text[start:])
    return "".join(pieces)


# -- UNION branches as sub-selects ------------------------------------------------------------


def isolate_unions(text: str) -> str:
    """``text`` with each group that is a ``UNION`` operand made a ``SELECT *`` sub-select."""
    tokens = list(_tokens(text))
    match = _braces(tokens)

    def is_union(i: int) -> bool:
        return 0 <= i < len(tokens) and tokens[i].group().upper() == "UNION"

    edits: list[tuple[int, str]] = []
    for open_index, close_index in match.items():
        if is_union(open_index - 1) or is_union(close_index + 1):
            edits.append((tokens[open_index].end(), " SELECT * WHERE {"))
            edits.append((tokens[close_index].start(), "} "))
    return _apply(text, edits)


# -- one-or-more and zero-or-more paths as sets ----------------------------------------------

#: A prefixed name (no path operator in it, no final dot) and ``a``; an IRI is one token.
_NAME = r"(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\.(?=[\w\-:%]))*|a"
_TERM_NAME = re.compile(r"(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%]|\.(?=[\w\-:%]))*")
#: A path element that is one word token with its modifier (``skos:broader+``).
_CLOSED_WORD = re.compile(rf"(?:{_NAME})[+*]")
#: Words that may follow a triple's object in a group (after it, a new element starts).
_AFTER_OBJECT = {"FILTER", "OPTIONAL", "BIND", "MINUS", "VALUES", "GRAPH", "SERVICE"}
#: Groups inside which paths are left alone.
_UNTOUCHED = {"EXISTS", "MINUS", "GRAPH", "SERVICE"}


def _terms(text: str) -> list[re.Match[str]]:
    """The tokens of ``text`` with its IRIs and strings (white space and comments left out)."""
    return [m for m in TOKEN.finditer(text) if m.lastgroup != "skip" or m.group()[0] in "<'\""]


def _is_iri(token: re.Match[str]) -> bool:
    return token.lastgroup == "skip" and token.group().startswith("<")


def _end(token: re.Match[str]) -> str | None:
    """What a path's end is: ``"var"``, ``"term"`` (an IRI or a prefixed name) or None."""
    if token.lastgroup == "var":
        return "var"
    if _is_iri(token) or (token.lastgroup == "word" and _TERM_NAME.fullmatch(token.group())):
        return "term"
    return None


def _transitive(path: list[re.Match[str]]) -> bool:
    """Whether ``path`` (its tokens) is one element under ``+`` or ``*`` (``^`` allowed
    before it): ``p+``, ``<p>*``, ``^p+``, ``(p|q)*``, whose ends the standard gives as a set."""
    if path and path[0].group() == "^":
        path = path[1:]
    if len(path) == 1:
        return path[0].lastgroup == "word" and bool(_CLOSED_WORD.fullmatch(path[0].group()))
    if len(path) < 2 or path[-1].group() not in ("+", "*"):
        return False
    element = path[:-1]
    if len(element) == 1:
        return _is_iri(element[0]) or element[0].group() == "a"
    if element[0].group() != "(" or element[-1].group() != ")":
        return False
    depth = 0
    for i, token in enumerate(element):
        if token.lastgroup in ("open", "close", "var") or token.group()[0] in "'\"":
            return False
        depth += (token.group() == "(") - (token.group() == ")")
        if depth == 0 and i < len(element) - 1:
            return False  # the first parenthesis closes before the end: (p)/(q)
    return depth == 0


def _opener(tokens: list[re.Match[str]], index: int) -> str:
    """What opens the group whose ``{`` is at ``index``: the keyword before it
    (``OPTIONAL``, ``EXISTS``, ``MINUS``; ``GRAPH`` or ``SERVICE`` two or three tokens
    before), else ``""``."""
    before = [tokens[i].group().upper() for i in range(max(0, index - 3), index)]
    if before and before[-1] in ("OPTIONAL", "EXISTS", "MINUS"):
        return before[-1]
    if "GRAPH" in before[-2:] or "SERVICE" in before:
        return "GRAPH" if "GRAPH" in before[-2:] else "SERVICE"
    return ""


def distinct_paths(text: str) -> str:
    """``text`` with each triple whose predicate is a one-or-more or zero-or-more path sent
    as a ``SELECT DISTINCT`` sub-select of its ends, where Virtuoso accepts that (see the
    module's description); every other part of ``text`` as it is."""
    tokens = _terms(text)
    groups: list[int] = []  # the open groups' ``{`` indices
    parens: list[int] = [0]  # the parenthesis depth at each open group, and now
    edits: list[tuple[int, int, str]] = []
    skip_to = -1
    for s, token in enumerate(tokens):
        kind, word = token.lastgroup, token.group()
        if kind == "open":
            groups.append(s)
            parens.append(0)
            continue
        if kind == "close":
            if groups:
                groups.pop()
                parens.pop()
            continue
        parens[-1] += (word == "(") - (word == ")")
        if s <= skip_to or not groups or parens[-1] != 0 or _end(token) is None:
            continue
        if s == 0 or tokens[s - 1].group() not in ("{", "}", ".", ")"):
            continue
        edit = _path_triple(tokens, s, text, groups)
        if edit is not None:
            edits.append(edit[1:])
            skip_to = edit[0]
    return _replace(text, edits)


def _given(tokens: list[re.Match[str]], outer: int, optional: int) -> set[str]:
    """The names of the variables that the group opened at ``outer`` mentions in its own
    patterns (not in a nested group or an expression) before its ``OPTIONAL`` at
    ``optional``: those the left side of that OPTIONAL binds."""
    names: set[str] = set()
    braces = parens = 0
    for token in tokens[outer + 1 : optional]:
        braces += (token.lastgroup == "open") - (token.lastgroup == "close")
        parens += (token.group() == "(") - (token.group() == ")")
        if token.lastgroup == "var" and braces == parens == 0:
            names.add(token.group()[1:])
    return names


def _path_triple(
    tokens: list[re.Match[str]], s: int, text: str, groups: list[int]
) -> tuple[int, int, int, str] | None:
    """The rewrite of the triple whose subject is ``tokens[s]`` (inside the groups opened
    at ``groups``), if it is one :func:`distinct_paths` rewrites: (its object's index,
    start, end, new text)."""
    openers = [_opener(tokens, g) for g in groups]
    if any(o in _UNTOUCHED for o in openers):
        return None
    for o in range(s + 1, len(tokens)):
        if tokens[o].lastgroup in ("open", "close") or tokens[o].group() in (".", ";", ","):
            return None  # the triple ended before a path and an end were found
        end = _end(tokens[o])
        if end is None or not _transitive(tokens[s + 1 : o]):
            if end == "var":
                return None  # a variable ends the triple, and its predicate is another
            continue
        after = tokens[o + 1] if o + 1 < len(tokens) else None
        if after is not None and not (
            after.lastgroup in ("open", "close")
            or after.group() == "."
            or after.group().upper() in _AFTER_OBJECT
        ):
            return None  # an object list or a predicate list goes on: left as it is
        ends = [t.group() for t in (tokens[s], tokens[o]) if t.lastgroup == "var"]
        names = {e[1:] for e in ends}
        if not ends or len(names) < len(ends):
            return None  # no variable, or the same at both ends: nothing to count twice
        triple = text[tokens[s].start() : tokens[o].end()]
        starts = ""
        if len(ends) == 2 and not (
            openers[-1] == "OPTIONAL"
            and len(groups) > 1
            and names & _given(tokens, groups[-2], groups[-1] - 1)
        ):
            first = _first_step(tokens[s + 1 : o])
            if first is None or _bare_optional(groups, openers):
                return None  # Virtuoso would refuse it or read it otherwise: no start given
            # the start given: the subjects of the path's first step, each once
            start = _fresh(text, "policykg_start")
            starts = f"{{ SELECT DISTINCT {ends[0]} WHERE {{ {ends[0]} {first} ?{start} }} }} "
        sub = "{ SELECT DISTINCT " + " ".join(ends) + " WHERE { " + starts + triple + " } }"
        return o, tokens[s].start(), tokens[o].end(), sub
    return None


def _bare_optional(groups: list[int], openers: list[str]) -> bool:
    """Whether one of the groups opened at ``groups`` is an ``OPTIONAL`` with nothing on its
    left in its own group (Virtuoso joins such an OPTIONAL with what is around that group,
    and a rewrite would not make its rows the standard's)."""
    return any(
        opener == "OPTIONAL" and i > 0 and groups[i] - 1 == groups[i - 1] + 1
        for i, opener in enumerate(openers)
    )


def _first_step(path: list[re.Match[str]]) -> str | None:
    """For a one-or-more path of one element (``p+``, ``^p+``, ``<p>+``, ``(p|q)+``, as
    :func:`_transitive` accepts them): its first step (``p``, ``^p``, ``(p|q)``), whose
    subjects are the path's starts; None for a zero-or-more path."""
    inverse = "^" if path and path[0].group() == "^" else ""
    rest = path[1:] if inverse else path
    if len(rest) == 1:
        word = rest[0].group()  # one word: ``p+`` or ``p*``
        return inverse + word[:-1] if word.endswith("+") else None
    if rest[-1].group() != "+":
        return None
    return inverse + rest[0].string[rest[0].start() : rest[-2].end()]


def _fresh(text: str, name: str) -> str:
    """A variable name ``text`` does not hold: ``name``, or it with a number."""
    fresh, n = name, 0
    while fresh in text:
        n += 1
        fresh = f"{name}{n}"
    return fresh


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

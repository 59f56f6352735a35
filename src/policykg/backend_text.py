"""The text a remote store is sent for a query job: prologue and bound values written in.

The embedded store takes the predeclared prefixes, the base IRI and the bound values
(``substitutions``) as arguments; the SPARQL protocol has only the text. So the text sent
is ``BASE`` and ``PREFIX`` lines (the query's own declarations come after them, so they
win, as they do locally), then the query with each bound variable replaced by its value
inside the ``WHERE`` clause (where pyoxigraph substitutes it) and bound once more by a
``VALUES`` block at the start of that clause, so the variable keeps its column where it is
projected. Places where SPARQL needs a variable keep it: ``AS ?x``, a sub-select's
projection, ``GROUP BY`` and ``ORDER BY``, a ``VALUES`` variable list. A sub-select that
projects a bound variable binds it by a ``VALUES`` block of its own, so that it returns
the value rather than leaving it unbound (the standard joins an unbound column with
anything; Virtuoso joins it with nothing, so the row would be lost).

This is the one place where query text is assembled for a remote store; only
pyoxigraph's own serialisations of validated terms are written in (``str(NamedNode)``,
``str(Literal)``, ``str(Variable)``, which escape every character that could end a term),
positions come from a tokenizer that skips strings, IRIs and comments, and the caller
parses the result again before sending it.

>>> from pyoxigraph import Literal, NamedNode, Variable
>>> text = "SELECT ?x ?n WHERE { ?x <http://e/p> ?n FILTER(?n != '?x') }"
>>> print(remote_text(text, substitutions={Variable("x"): NamedNode("http://e/a")}))
SELECT ?x ?n WHERE { VALUES (?x) { (<http://e/a>) } <http://e/a> <http://e/p> ?n FILTER(?n != '?x') }
>>> text = "SELECT ?x ?n WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { ?x ?p ?o } GROUP BY ?x } }"
>>> print(remote_text(text, substitutions={Variable("x"): NamedNode("http://e/a")}))
SELECT ?x ?n WHERE { VALUES (?x) { (<http://e/a>) } { SELECT ?x (COUNT(*) AS ?n) WHERE { VALUES (?x) { (<http://e/a>) } <http://e/a> ?p ?o } GROUP BY ?x } }
>>> print(remote_text("ASK { }", base_iri="http://e/", prefixes={"e": "http://e/"}))
BASE <http://e/>
PREFIX e: <http://e/>
ASK { }
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyoxigraph import Literal, NamedNode, Variable

from policykg.errors import PolicyKGError

__all__ = ["TOKEN", "remote_text"]

TOKEN = re.compile(
    r"""(?P<skip>\s+|\#[^\n\r]*
      |'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
      |<[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][\w]+)
    |(?P<word>[A-Za-z_][\w\-.]*(?::[^\s{}()\[\];,]*)?)
    |(?P<open>\{)|(?P<close>\})|(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _prologue(base_iri: str | None, prefixes: Mapping[str, str]) -> str:
    lines = [" ".join(("BASE", str(NamedNode(base_iri))))] if base_iri else []
    lines += [
        " ".join(("PREFIX", name + ":", str(NamedNode(iri)))) for name, iri in prefixes.items()
    ]
    return "".join(line + "\n" for line in lines)


def _values(substitutions: Mapping[Variable, NamedNode | Literal]) -> str:
    names = " ".join(str(v) for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    return "VALUES (" + names + ") { (" + terms + ") } "


def _bind(query: str, substitutions: Mapping[Variable, NamedNode | Literal]) -> str:
    """``query`` with the bound variables written in (see the module's description)."""
    values = {"?" + v.value: str(t) for v, t in substitutions.items()}
    values.update({"$" + v.value: str(t) for v, t in substitutions.items()})
    by_name = {"?" + v.value: v for v in substitutions} | {"$" + v.value: v for v in substitutions}
    pieces: list[str] = []
    depth, body_depth, start = 0, None, 0
    seen_where, keep_next, projecting, listing = False, False, False, False
    #: Bound variables a sub-select projects: bound again by a VALUES block in its body.
    selected: dict[Variable, NamedNode | Literal] = {}
    selecting = False
    for match in TOKEN.finditer(query):
        kind, token = match.lastgroup, match.group()
        if kind == "skip":
            continue
        if kind == "open":
            if body_depth is None and (seen_where or _is_body(query[: match.start()])):
                body_depth = depth
                pieces += [query[start : match.end()], " ", _values(substitutions).rstrip()]
                start = match.end()
            elif selected:
                pieces += [query[start : match.end()], " ", _values(selected).rstrip()]
                start = match.end()
            selected, selecting = {}, False
            depth += 1
            projecting = listing = False
        elif kind == "close":
            depth -= 1
            projecting = False
        elif kind == "word":
            word = token.upper()
            if word == "WHERE" and depth == 0:
                seen_where = True
            selecting = (selecting or word == "SELECT") and word not in ("WHERE", "FROM")
            projecting = (projecting or word in ("SELECT", "BY")) and word not in ("WHERE", "FROM")
            listing = listing or word == "VALUES"
            keep_next = word == "AS"
            continue
        elif kind == "var" and selecting and body_depth is not None and token in by_name:
            variable = by_name[token]
            selected[variable] = substitutions[variable]
        elif (
            kind == "var"
            and body_depth is not None
            and depth > body_depth
            and token in values
            and not (keep_next or projecting or listing)
        ):
            pieces += [query[start : match.start()], values[token]]
            start = match.end()
        keep_next = False
    if body_depth is None:
        raise PolicyKGError("this query has no WHERE clause to bind its values in")
    pieces.append(query[start:])
    return "".join(pieces)


def _is_body(before: str) -> bool:
    """Whether a ``{`` at depth 0 opens the query's pattern (SELECT, ASK, DESCRIBE without
    the WHERE keyword), rather than a CONSTRUCT template."""
    words = [m.group().upper() for m in TOKEN.finditer(before) if m.lastgroup == "word"]
    return "CONSTRUCT" not in words


def remote_text(
    query: str,
    *,
    base_iri: str | None = None,
    prefixes: Mapping[str, str] | None = None,
    substitutions: Mapping[Variable, NamedNode | Literal] | None = None,
) -> str:
    """The text to send: the prologue, then ``query`` with ``substitutions`` written in."""
    body = _bind(query, substitutions) if substitutions else query
    return _prologue(base_iri, prefixes or {}) + body

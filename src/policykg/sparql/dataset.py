"""The protocol's ``using-graph-uri`` / ``using-named-graph-uri`` for SPARQL Update.

pyoxigraph's ``Store.update`` has no dataset argument, so the protocol dataset is
written into the update as ``USING <iri>`` / ``USING NAMED <iri>`` clauses before the
``WHERE`` of every DELETE/INSERT operation. This is the one place where SPARQL text is
assembled: only ``str(NamedNode(iri))`` is inserted (pyoxigraph validates and escapes
the IRI), positions come from a tokenizer that skips strings, IRIs and comments, and the
result is re-parsed to check that every operation got exactly the clauses we meant.

>>> apply_using("INSERT { ?s a <http://t> } WHERE { ?s ?p 'WHERE' }", ["http://g"], [])
"INSERT { ?s a <http://t> } USING <http://g> WHERE { ?s ?p 'WHERE' }"
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pyoxigraph import NamedNode
from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseUpdate

from policykg.errors import BadRequest

__all__ = ["apply_using"]

_TOKEN = re.compile(
    r"""(?P<skip>\s+|\#[^\n\r]*
      |'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
      |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
      |<[^<>"{}|^`\\\x00-\x20]*>|[?$][\w]+)
    |(?P<word>[A-Za-z_][\w\-.]*(?::[^\s{}()\[\];,]*)?)
    |(?P<open>\{)|(?P<close>\})|(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def _iri(value: str) -> str:
    try:
        return str(NamedNode(value))
    except ValueError:
        raise BadRequest(f"{value!r} is not a valid IRI") from None


def apply_using(update: str, default: Sequence[str], named: Sequence[str]) -> str:
    """The update with the protocol dataset as USING clauses on each DELETE/INSERT."""
    if not default and not named:
        return update
    clause = " ".join(
        [" ".join(("USING", _iri(g))) for g in default]
        + [" ".join(("USING NAMED", _iri(g))) for g in named]
    )
    pieces, depth, last_word, start = [], 0, "", 0
    for match in _TOKEN.finditer(update):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "word":
            word = match.group().upper()
            if depth == 0 and word == "WHERE" and last_word != "DELETE":
                pieces += [update[start : match.start()], clause + " "]
                start = match.start()
            last_word = word
    pieces.append(update[start:])
    result = "".join(pieces)
    _check(result, len(default) + len(named))
    return result


def _check(update: str, clauses: int) -> None:
    try:
        parsed = parseUpdate(update)
    except (ParseException, ValueError, TypeError, KeyError) as exc:
        raise BadRequest(f"could not apply using-graph-uri to this update: {exc}") from None
    for operation in parsed["request"]:
        if operation.name == "Modify" and len(operation.get("using") or []) != clauses:
            raise BadRequest("could not apply using-graph-uri to every DELETE/INSERT operation")

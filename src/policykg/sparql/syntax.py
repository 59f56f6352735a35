"""Syntax errors that say what is wrong: the query line with a caret, unknown keywords named.

pyoxigraph reports a syntax error as ``error at LINE:COLUMN: expected one of …``, often
with lists of Unicode character ranges, and the position is how far its parser got, not
where the mistake is. :func:`describe` rewrites the message for people: a misspelt
keyword is named with the closest real one, an undeclared prefix is named, character
ranges are dropped, and the line is shown with a caret under the position (still
``error at LINE:COLUMN:`` first, columns counted in characters from 1).
:func:`update_keyword` tells a SPARQL Update sent as a query, so callers can say where
updates go. Strings, IRIs, comments, variables and prefixed names are never read as words.

>>> print(describe("SELEC ?s { ?s ?p ?o }", "error at 1:10: expected CONSTRUCT"))
error at 1:1: unknown keyword 'SELEC' — did you mean SELECT?
SELEC ?s { ?s ?p ?o }
^
>>> update_keyword("PREFIX ex: <http://e/> # a comment\\nINSERT DATA { ex:a ex:b ex:c }")
'INSERT'
>>> update_keyword("SELECT * { ?s ?p 'INSERT' }") is None
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from policykg.sparql.tokens import IRI_PATTERN, STRING_PATTERN

__all__ = ["KEYWORDS", "UPDATE_KEYWORDS", "describe", "update_keyword"]

#: Words that start a SPARQL Update (after PREFIX and BASE declarations).
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

#: Keywords a misspelt word is compared with (a suggestion is never a function name).
_SUGGESTED = sorted(
    [
        "BASE",
        "PREFIX",
        "SELECT",
        "CONSTRUCT",
        "DESCRIBE",
        "ASK",
        "DISTINCT",
        "REDUCED",
        "FROM",
        "NAMED",
        "WHERE",
        "GROUP",
        "BY",
        "HAVING",
        "ORDER",
        "ASC",
        "DESC",
        "LIMIT",
        "OFFSET",
        "VALUES",
        "OPTIONAL",
        "GRAPH",
        "SERVICE",
        "BIND",
        "UNION",
        "MINUS",
        "FILTER",
        "EXISTS",
        "NOT",
        "INSERT",
        "DELETE",
        "DATA",
    ]
)

#: Every bare word SPARQL 1.1 (and Oxigraph's extensions) may contain, upper case: the
#: keywords above and the rest (functions and the like).
KEYWORDS = frozenset(_SUGGESTED) | frozenset(
    {
        "A",
        "ABS",
        "ADD",
        "ADJUST",
        "ALL",
        "AS",
        "AVG",
        "BNODE",
        "BOUND",
        "CEIL",
        "CLEAR",
        "COALESCE",
        "CONCAT",
        "CONTAINS",
        "COPY",
        "COUNT",
        "CREATE",
        "DATATYPE",
        "DAY",
        "DEFAULT",
        "DROP",
        "ENCODE_FOR_URI",
        "FALSE",
        "FLOOR",
        "GROUP_CONCAT",
        "HASLANG",
        "HASLANGDIR",
        "HOURS",
        "IF",
        "IN",
        "INTO",
        "IRI",
        "ISBLANK",
        "ISIRI",
        "ISLITERAL",
        "ISNUMERIC",
        "ISTRIPLE",
        "ISURI",
        "LANG",
        "LANGDIR",
        "LANGMATCHES",
        "LATERAL",
        "LCASE",
        "LOAD",
        "MAX",
        "MD5",
        "MIN",
        "MINUTES",
        "MONTH",
        "MOVE",
        "NOW",
        "OBJECT",
        "PREDICATE",
        "RAND",
        "REGEX",
        "REPLACE",
        "ROUND",
        "SAMETERM",
        "SAMPLE",
        "SECONDS",
        "SEPARATOR",
        "SHA1",
        "SHA256",
        "SHA384",
        "SHA512",
        "SILENT",
        "STR",
        "STRAFTER",
        "STRBEFORE",
        "STRDT",
        "STRENDS",
        "STRLANG",
        "STRLANGDIR",
        "STRLEN",
        "STRSTARTS",
        "STRUUID",
        "SUBJECT",
        "SUBSTR",
        "SUM",
        "TIMEZONE",
        "TO",
        "TRIPLE",
        "TRUE",
        "TZ",
        "UCASE",
        "UNDEF",
        "URI",
        "USING",
        "UUID",
        "VERSION",
        "WITH",
        "YEAR",
    }
)

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<space>\s+)",
            r"(?P<comment>#[^\n\r]*)",
            f"(?P<iri>{IRI_PATTERN})",
            f"(?P<string>{STRING_PATTERN})",
            r"(?P<open>['\"])",  # a quote that starts no complete string
            r"(?P<variable>[?$]\w+)",
            r"(?P<blank>_:[\w\-.]*)",
            r"(?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:[\w\-:%\\]|\.(?=[\w\-:]))*)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)",
            r"(?P<number>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)",
            r"(?P<word>[A-Za-z_]\w*)",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)
_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
#: One item of pyoxigraph's "expected one of" list: a quoted token, a character class such
#: as ``['0' ..= '9' | …]`` or ``[_]``, or a keyword.
_ITEM = re.compile(r"""\s*("(?:\\.|[^"\\])*"|\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]|[^,]+?)\s*(?:,|$)""")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int  # offset in characters


def _tokens(text: str) -> Iterator[_Token]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield _Token(kind, match.group(), match.start())


def update_keyword(text: str) -> str | None:
    """The keyword (upper case) that makes ``text`` a SPARQL Update, or None."""
    tokens = _tokens(text)
    for token in tokens:
        word = token.text.upper()
        if token.kind == "word" and word == "PREFIX":
            next(tokens, None)  # the prefix
            next(tokens, None)  # its IRI
        elif token.kind == "word" and word == "BASE":
            next(tokens, None)
        else:
            return word if token.kind == "word" and word in UPDATE_KEYWORDS else None
    return None


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    return sum(len(x) + 1 for x in lines[: line - 1]) + max(column - 1, 0)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _unknown_word(text: str, limit: int) -> tuple[_Token, str] | None:
    """The first bare word at or before ``limit`` that is no SPARQL keyword, and the message."""
    for token in _tokens(text):
        if token.start > limit or token.kind == "open":
            return None
        if token.kind == "word" and token.text.upper() not in KEYWORDS:
            close = difflib.get_close_matches(token.text.upper(), _SUGGESTED, n=1, cutoff=0.6)
            if close:
                return token, f"unknown keyword '{token.text}' — did you mean {close[0]}?"
            return token, f"unknown keyword '{token.text}'"
    return None


def _undeclared_prefix(text: str, offset: int) -> _Token | None:
    """The prefixed name that ends at ``offset`` (where pyoxigraph reports it)."""
    found = None
    for token in _tokens(text):
        if token.start >= offset:
            break
        if token.kind == "pname":
            found = token
    return found


def _open_quote(text: str, offset: int) -> int | None:
    """Where a string that is never closed starts, if before ``offset``."""
    for token in _tokens(text):
        if token.start > offset:
            return None
        if token.kind == "open":
            return token.start
    return None


def _expected(detail: str) -> str:
    """pyoxigraph's "expected …" without character ranges (which help nobody)."""
    head, sep, rest = detail.partition("expected one of ")
    if not sep:
        head, sep, rest = detail.partition("expected ")
    if not sep:
        return detail
    items = [m[1] for m in _ITEM.finditer(rest.replace("\n", " ")) if m[1]]
    items = [i for i in items if not i.startswith("[") and i != "Prefix not found"]
    if not items:
        return (head + "unexpected text").strip()
    return head + ("expected " if len(items) == 1 else "expected one of ") + ", ".join(items)


def _caret(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : line_end if line_end >= 0 else len(text)].rstrip("\r")
    pad = "".join("\t" if c == "\t" else " " for c in line[: offset - line_start])
    return f"{line}\n{pad}^"


def describe(text: str, message: str) -> str:
    """A syntax error of ``text`` as pyoxigraph reported it, rewritten for people.

    >>> print(describe("SELECT ?s WHERE { ?s a sch:Thing }", "error at 1:34: expected one "
    ...     "of Prefix not found, ['%'], ['-' | '0' ..= '9'], ['.'], [':']"))
    error at 1:24: undeclared prefix 'sch:'; declare it with PREFIX sch: <…>
    SELECT ?s WHERE { ?s a sch:Thing }
                           ^
    """
    match = _POSITION.match(message)
    if match is None:
        return message
    offset = min(_offset(text, int(match[1]), int(match[2])), len(text))
    detail = match[3]
    unknown = _unknown_word(text, offset)
    if unknown is not None:
        token, detail = unknown
        offset = token.start
    elif (quote := _open_quote(text, offset)) is not None:
        detail, offset = "unterminated string", quote
    elif "Prefix not found" in detail and (pname := _undeclared_prefix(text, offset)):
        prefix = pname.text.split(":", 1)[0]
        detail = f"undeclared prefix '{prefix}:'; declare it with PREFIX {prefix}: <…>"
        offset = pname.start
    else:
        detail = _expected(detail)
    line, column = _line_column(text, offset)
    return f"error at {line}:{column}: {detail}\n{_caret(text, offset)}"

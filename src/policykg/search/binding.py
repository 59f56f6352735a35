"""Search hits bound into a named query: the ``search`` parameter type.

A named query declares ``# param: q search -- the words to search for``. Before it runs, the
named-query mechanism (:meth:`policykg.sparql.queries.NamedQuery.bind`) hands the words to a
:data:`SearchHook`, which searches the index of the store (:func:`hook`) and binds two
variables, never splicing anything into the query text:

- ``?q``, the words as a plain literal;
- ``?q_hits``, one literal holding the ranked hits: for each, a record separator (U+001E),
  its rank, then its IRI, kind, score, language and snippet (at most :data:`SNIPPET` characters
  of its best text around the first matched word), each after a unit separator (U+001F).
  Neither separator can occur in an IRI, and they are removed from the snippet.

SPARQL substitution (SEP-0007, as pyoxigraph does it) binds only variables the query
projects, so a search query must select ``?q`` and ``?q_hits`` (one column repeating the
literal: the price of binding rather than splicing); the options below are consumed by the
search and not bound.

The query turns the literal back into rows with SPARQL's string functions (see
``queries/search.rq``): it numbers candidate ranks 1 to :data:`MAX_HITS` in a static
``VALUES``, takes the record after ``"\\u001E" + rank + "\\u001F"`` with ``STRAFTER`` and
splits it at the unit separators, so ``?hit`` then joins the rest of the graph.

Options come from the query's other parameters when it declares them, with the meaning they
have on ``/search``: ``lang`` (``any`` or nl, de, en, in any case), ``type`` (``any``, claim,
entity or source), ``include_corrected`` (corrected claims are hidden unless true) and
``limit`` (1 to :data:`MAX_HITS`).

>>> encode([("https://x.org/c1", "claim", 1.5, "nl", "De gebruikers\\x1e")])
'\\x1e1\\x1fhttps://x.org/c1\\x1fclaim\\x1f1.5000\\x1fnl\\x1fDe gebruikers '
>>> snippet("a " * 100 + "InMail is here " + "b " * 100, 200)
'… a a a a a a a a a a InMail is here b b b b b b b b b b b b b b b b b b b b b b b b b b b b b b b b…'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from pyoxigraph import Literal

from policykg.errors import ParameterError
from policykg.search.searcher import KINDS, MAX_LIMIT, known_language, search

__all__ = [
    "MAX_HITS",
    "OPTIONS",
    "SNIPPET",
    "SearchHook",
    "encode",
    "hits_variable",
    "hook",
    "snippet",
]

#: The most hits a named query receives; its ``VALUES`` of ranks must reach this number.
MAX_HITS = MAX_LIMIT
#: The parameters a search reads its options from, when the query declares them.
OPTIONS = ("lang", "type", "include_corrected", "limit")
#: Searches ``text`` with the raw ``options`` and answers the ``?NAME_hits`` literal.
SearchHook = Callable[[str, str, Mapping[str, str]], Literal]

RECORD, UNIT = "\x1e", "\x1f"
#: The most characters of a hit's text bound into the query.
SNIPPET = 100
_ANY = "any"


def hits_variable(name: str) -> str:
    """The variable the hits of search parameter ``name`` are bound to."""
    return f"{name}_hits"


def encode(hits: Iterable[tuple[str, str, float, str, str]]) -> str:
    """The hits (IRI, kind, score, language, text), ranked from 1, as one string."""
    records = []
    for rank, (iri, kind, score, lang, text) in enumerate(hits, start=1):
        clean = text.replace(RECORD, " ").replace(UNIT, " ")
        fields = [str(rank), iri, kind, f"{score:.4f}", lang, clean]
        records.append(RECORD + UNIT.join(fields))
    return "".join(records)


def snippet(text: str, start: int | None) -> str:
    """At most SNIPPET characters of ``text``: from a little before ``start`` (a matched word)."""
    if len(text) <= SNIPPET:
        return text
    begin = max(0, min((start or 0) - SNIPPET // 5, len(text) - SNIPPET))
    while 0 < begin < len(text) and not text[begin - 1].isspace():
        begin += 1  # a whole first word
    cut = text[begin : begin + SNIPPET - 2].strip()
    return ("… " if begin else "") + cut + ("…" if begin + SNIPPET - 2 < len(text) else "")


def _option(options: Mapping[str, str], name: str) -> str | None:
    raw = options.get(name)
    return None if raw is None or raw.lower() == _ANY else raw


def _kind(options: Mapping[str, str]) -> str | None:
    kind = _option(options, "type")
    if kind is not None and kind not in KINDS:
        raise ParameterError(
            f"parameter 'type' must be {_ANY} or one of {', '.join(KINDS)}, got {kind!r}"
        )
    return kind


def _lang(options: Mapping[str, str]) -> str | None:
    try:
        return known_language(_option(options, "lang"))
    except ParameterError:
        raise ParameterError(
            "parameter 'lang' must be any or one of de, en, nl (in any case), "
            f"got {options['lang']!r}"
        ) from None


def _limit(options: Mapping[str, str]) -> int:
    limit = int(options.get("limit", "20"))  # already checked as an xsd:integer
    if not 1 <= limit <= MAX_HITS:
        raise ParameterError(f"parameter 'limit' must be from 1 to {MAX_HITS}, got {limit}")
    return limit


def hook(store: Path | None) -> SearchHook | None:
    """A hook searching the index of the store behind ``store`` (a path or the dist link);
    None without a local store (a remote one has no index here)."""
    if store is None:
        return None

    def run(name: str, text: str, options: Mapping[str, str]) -> Literal:
        kind, lang, limit = _kind(options), _lang(options), _limit(options)
        try:
            results = search(
                store, text, lang=lang, kind=kind, limit=limit,
                include_corrected=options.get("include_corrected") == "true",
            )  # fmt: skip
        except ParameterError as err:
            # the search syntax names its parameter q; say which one this query calls it
            message = err.message.removeprefix("q: ")
            raise ParameterError(f"parameter {name!r}: {message}") from None
        rows = (
            (h.iri, h.kind, h.score, h.lang, snippet(h.text, h.spans[0][0] if h.spans else None))
            for h in results.hits
        )
        return Literal(encode(rows))

    return run

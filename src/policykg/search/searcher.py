"""Running a search: the parsed query as a Tantivy query, filters, BM25 ranking, matched spans.

Each word is looked for folded in the ``any`` field and stemmed in each stemmed language's
field (only the chosen one with ``lang``), so a word matches a text by its exact folded form
in any language, or by its stem in that text's language. Corrected claims are left out unless
``include_corrected``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from policykg.errors import ParameterError
from policykg.search.analysis import ANY, STEMMED, Terms, fold, language, matches, stem
from policykg.search.index import open_index
from policykg.search.query import Item, Parsed, parse

__all__ = ["KINDS", "MAX_LIMIT", "Hit", "Results", "known_language", "search"]

KINDS = ("claim", "entity", "source")
MAX_LIMIT = 100
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_SHOULD, _MUST, _NOT = tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Occur.MustNot


@dataclass
class Hit:
    """One resource found: its best-matching text with the matched spans, and its provenance."""

    iri: str
    kind: str
    score: float
    text: str
    role: str
    lang: str
    spans: list[tuple[int, int]]
    source: str | None = None
    source_title: str | None = None
    paragraphs: list[int] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    corrected: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "iri": self.iri, "kind": self.kind, "score": round(self.score, 4),
            "text": self.text, "role": self.role, "lang": self.lang,
            "matches": [list(s) for s in self.spans], "source": self.source,
            "source_title": self.source_title, "paragraphs": self.paragraphs,
            "speakers": self.speakers, "corrected": self.corrected,
        }  # fmt: skip


@dataclass
class Results:
    query: str
    count: int
    hits: list[Hit]


def _words(tokens: list[str]) -> list[str | tuple[int, str]]:
    return list(tokens)


def _item_query(schema: tantivy.Schema, item: Item, langs: list[str]) -> tantivy.Query:
    folded = fold(item.words)
    options = []
    if item.prefix:
        if len(folded) == 1:
            options.append(tantivy.Query.regex_query(schema, ANY, re.escape(folded[0]) + ".*"))
        else:
            options.append(tantivy.Query.phrase_prefix_query(schema, ANY, _words(folded)))
    else:
        fields = [(ANY, folded)] + [(lang, stem(lang, item.words)) for lang in langs]
        for name, tokens in fields:
            if len(tokens) == 1:
                options.append(tantivy.Query.term_query(schema, name, tokens[0]))
            elif tokens:
                options.append(tantivy.Query.phrase_query(schema, name, _words(tokens)))
    return tantivy.Query.boolean_query([(_SHOULD, q) for q in options])


def _terms(parsed: Parsed, langs: list[str]) -> Terms:
    terms = Terms()
    for item in (i for g in parsed.groups for i in g if not i.exclude):
        folded = fold(item.words)
        if item.prefix:
            terms.folded.update(folded[:-1])
            terms.prefixes.append(folded[-1])
            continue
        terms.folded.update(folded)
        for lang in langs:
            terms.stems.setdefault(lang, set()).update(stem(lang, item.words))
    return terms


def _filter(schema: tantivy.Schema, name: str, value: str) -> tantivy.Query:
    return tantivy.Query.const_score_query(tantivy.Query.term_query(schema, name, value), 0.0)


def known_language(lang: str | None, name: str = "lang") -> str | None:
    """The language to search in, lower case (``NL``, ``nl-BE`` → ``nl``); None for all.

    >>> known_language("De"), known_language(""), known_language(None)
    ('de', None, None)
    >>> known_language("fr")
    Traceback (most recent call last):
    policykg.errors.ParameterError: lang: expected one of de, en, nl (in any case), got 'fr'
    """
    if not lang:
        return None
    primary = language(lang)
    if not _LANG.match(lang) or primary not in STEMMED:
        known = ", ".join(sorted(STEMMED))
        raise ParameterError(f"{name}: expected one of {known} (in any case), got {lang!r}")
    return primary


def search(
    store: Path, text: str, *, lang: str | None = None, kind: str | None = None,
    include_corrected: bool = False, limit: int = 20, offset: int = 0,
) -> Results:  # fmt: skip
    """Search the index of the store behind ``store``; bad parameters raise ParameterError."""
    parsed = parse(text)
    lang = known_language(lang)
    if kind is not None and kind not in KINDS:
        raise ParameterError(f"type: expected one of {', '.join(KINDS)}, got {kind!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ParameterError(f"limit: expected 1 to {MAX_LIMIT}, got {limit}")
    if offset < 0:
        raise ParameterError(f"offset: expected 0 or more, got {offset}")
    index = open_index(store)
    schema = index.schema
    langs = [lang] if lang in STEMMED else [] if lang else list(STEMMED)
    groups = []
    for group in parsed.groups:
        clauses = [
            (_NOT if item.exclude else _MUST, _item_query(schema, item, langs)) for item in group
        ]
        groups.append(tantivy.Query.boolean_query(clauses))
    clauses = [(_MUST, tantivy.Query.boolean_query([(_SHOULD, g) for g in groups]))]
    if kind:
        clauses.append((_MUST, _filter(schema, "kind", kind)))
    if lang:
        clauses.append((_MUST, _filter(schema, "lang", lang)))
    if not include_corrected:
        clauses.append((_NOT, _filter(schema, "corrected", "true")))
    searcher = index.searcher()
    found = searcher.search(tantivy.Query.boolean_query(clauses), limit, offset=offset)
    terms = _terms(parsed, langs)
    hits = [_hit(score, searcher.doc(address), terms) for score, address in found.hits]
    count = getattr(found, "count", None)  # set when counting (the default); not in the stubs
    return Results(parsed.text, count if isinstance(count, int) else len(hits), hits)


def _hit(score: float, doc: tantivy.Document, terms: Terms) -> Hit:
    data = json.loads(doc["payload"][0])
    texts = [(role, value, tag) for role, value, tag in data["texts"]]
    best = texts[0]
    spans: list[tuple[int, int]] = []
    for candidate in texts:
        found = matches(candidate[1], candidate[2], terms)
        if found:
            best, spans = candidate, found
            break
    return Hit(
        data["iri"], data["kind"], score, best[1], best[0], best[2], spans,
        source=data["source"], source_title=data["source_title"],
        paragraphs=data["paragraphs"], speakers=data["speakers"], corrected=data["corrected"],
    )  # fmt: skip

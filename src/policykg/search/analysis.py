"""Text analysis by language: the analyzers shared by the index and the queries, and highlighting.

A literal's language tag picks its stemmer by its primary subtag (``nl-BE`` → Dutch). Every
text also goes, unstemmed, into the ``any`` field: lower case, accents folded.

>>> fold("Müller's Einstellungen")
['muller', 's', 'einstellungen']
>>> stem("de", "Nutzer:innen")
['nutz', 'inn']
>>> stem("nl", "gebruikers") == stem("nl", "gebruiker")
True
>>> wanted = Terms({"linkedin"}, {"nl": set(stem("nl", "gebruikers"))}, [])
>>> matches("De LinkedIn-gebruiker", "nl", wanted)
[(3, 11), (12, 21)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

import tantivy

__all__ = [
    "ANY",
    "STEMMED",
    "Terms",
    "analyzer",
    "fold",
    "language",
    "matches",
    "register",
    "stem",
]

#: The field holding every text, folded but not stemmed.
ANY = "any"
#: The languages with a stemmed field of their own, by primary subtag.
STEMMED = {"nl": "dutch", "de": "german", "en": "english"}

_WORD = re.compile(r"[^\W_]+")


def language(tag: str | None) -> str:
    """The primary subtag of a language tag, lower case; "" for none."""
    return (tag or "").split("-")[0].lower()


@cache
def analyzer(lang: str | None) -> tantivy.TextAnalyzer:
    """The analyzer of ``lang`` (a key of STEMMED), or the folding one for None."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if lang is not None:
        builder = builder.filter(tantivy.Filter.stemmer(STEMMED[lang]))
    return builder.build()


def tokenizer_name(lang: str | None) -> str:
    return f"pkg_{lang or 'fold'}"


def register(index: tantivy.Index) -> None:
    """Register our analyzers on an index (Tantivy does not store custom tokenizers)."""
    for lang in (None, *STEMMED):
        index.register_tokenizer(tokenizer_name(lang), analyzer(lang))


def fold(text: str) -> list[str]:
    """The tokens of ``text`` in the ``any`` field."""
    return list(analyzer(None).analyze(text))


def stem(lang: str, text: str) -> list[str]:
    """The tokens of ``text`` in the stemmed field of ``lang``."""
    return list(analyzer(lang).analyze(text))


@dataclass
class Terms:
    """What a query looks for, as indexed tokens: folded words, stems per language, prefixes."""

    folded: set[str] = field(default_factory=set)
    stems: dict[str, set[str]] = field(default_factory=dict)
    prefixes: list[str] = field(default_factory=list)


def matches(text: str, tag: str | None, terms: Terms) -> list[tuple[int, int]]:
    """The character spans of the words of ``text`` (in language ``tag``) that ``terms`` match."""
    lang = language(tag)
    stems = terms.stems.get(lang, set()) if lang in STEMMED else set()
    spans = []
    for word in _WORD.finditer(text):
        folded = _word(None, word.group())
        if not folded:
            continue
        hit = folded in terms.folded or any(folded.startswith(p) for p in terms.prefixes)
        if not hit and stems:
            hit = _word(lang, word.group()) in stems
        if hit:
            spans.append(word.span())
    return spans


@lru_cache(maxsize=65536)
def _word(lang: str | None, word: str) -> str:
    """The one token of a word (a run of letters and digits) in the field of ``lang``."""
    tokens = analyzer(lang).analyze(word)
    return tokens[0] if tokens else ""

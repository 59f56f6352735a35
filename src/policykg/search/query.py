"""The search syntax: words, "phrases", prefixes, exclusions and OR, checked before searching.

All words must match (``InMail training``); ``"quoted words"`` match as a phrase; ``opt*``
matches words beginning with ``opt``; ``-word`` (or ``NOT word``) excludes; ``OR`` between
groups finds either. Words are analysed like the texts (:mod:`policykg.search.analysis`):
``opt-out`` is the phrase "opt out". Bad input is a :class:`~policykg.errors.ParameterError`.

>>> parse('"data van" InMail* -Meta OR Nutzer').groups
[[Item(words='data van', phrase=True, prefix=False, exclude=False), Item(words='InMail', phrase=False, prefix=True, exclude=False), Item(words='Meta', phrase=False, prefix=False, exclude=True)], [Item(words='Nutzer', phrase=False, prefix=False, exclude=False)]]
>>> parse('"InMail')
Traceback (most recent call last):
policykg.errors.ParameterError: q: unbalanced quote: every " needs a closing "
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from policykg.errors import ParameterError
from policykg.search.analysis import fold

__all__ = ["MAX_CHARS", "MAX_ITEMS", "Item", "Parsed", "parse"]

#: The longest query accepted, in characters.
MAX_CHARS = 300
#: The most words and phrases in one query.
MAX_ITEMS = 20
#: The shortest prefix (in folded characters) before ``*``.
MIN_PREFIX = 2

_TOKEN = re.compile(r'(-?)"([^"]*)"(\*?)|(\S+)')


@dataclass(frozen=True)
class Item:
    """A word or phrase of a query, as typed."""

    words: str
    phrase: bool = False
    prefix: bool = False
    exclude: bool = False


@dataclass
class Parsed:
    """Groups joined by OR; in each group every item must match (or not, if excluded)."""

    text: str
    groups: list[list[Item]] = field(default_factory=list)


def _bad(message: str) -> ParameterError:
    return ParameterError(f"q: {message}")


def parse(text: str) -> Parsed:
    """Parse a search; raise ParameterError (naming ``q``) for input that cannot be searched."""
    text = text.strip()
    if not text:
        raise _bad("empty search: give one or more words")
    if len(text) > MAX_CHARS:
        raise _bad(f"the search is {len(text)} characters long; at most {MAX_CHARS} are allowed")
    if text.count('"') % 2:
        raise _bad('unbalanced quote: every " needs a closing "')
    groups: list[list[Item]] = [[]]
    negate = False
    for m in _TOKEN.finditer(text):
        minus, quoted, star, bare = m.groups()
        if bare in ("AND", "OR", "NOT"):
            if bare == "OR":
                if not groups[-1] or negate:
                    raise _bad("OR needs words on both sides")
                groups.append([])
            negate = bare == "NOT"
            continue
        if quoted is not None:
            item = Item(quoted, phrase=True, prefix=bool(star), exclude=bool(minus) or negate)
        else:
            exclude = bare.startswith("-") or negate
            word = bare.lstrip("-+")
            item = Item(word.rstrip("*"), prefix=word.endswith("*"), exclude=exclude)
        negate = False
        tokens = fold(item.words)
        if not tokens:
            continue  # punctuation or operators only
        if item.prefix and len(tokens[-1]) < MIN_PREFIX:
            raise _bad(f"a prefix needs at least {MIN_PREFIX} letters before *: {m.group()!r}")
        groups[-1].append(item)
    if negate or (len(groups) > 1 and not groups[-1]):
        raise _bad("NOT and OR need a word after them")
    items = [i for g in groups for i in g]
    if not items:
        raise _bad("the search has no words, only operators or punctuation")
    if len(items) > MAX_ITEMS:
        raise _bad(f"the search has {len(items)} words or phrases; at most {MAX_ITEMS} are allowed")
    for group in groups:
        if all(i.exclude for i in group):
            raise _bad("a search cannot only exclude words: add a word to look for")
    return Parsed(text, groups)

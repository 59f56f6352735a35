"""Paragraph numbering of a seed article: the one rule behind every claim's ``pkg:paragraph``.

A seed file is the text of one article as read, with page furniture around it. Its lines are
numbered into paragraphs like this:

1. Blank lines separate nothing and count for nothing.
2. A line that is *furniture* is not counted: a photo credit (it starts with "©"), or a short
   line (at most six words) that does not end a sentence (no final ``.``, ``!``, ``?``, ``…``
   or closing quotation mark). Section headings ("Privéberichten"), site labels ("Nieuws",
   "image"), photo captions and tag lines are all such lines.
3. The article ends at the first line that opens what follows it on the page: the reader
   comments ("Reacties (18)"), related articles ("Gerelateerde artikelen"), a link to another
   article ("Read also: …") or "Lees ook".
4. The first counted line is the headline: paragraph 0. Every further counted line is the next
   paragraph.
5. The byline counts, as one paragraph: a line that starts with "Door ", "By " or "Article by "
   takes along the furniture-like short lines right after it (job title, date and time,
   comment count), which are then part of the byline rather than furniture. A byline in one
   long line ("woensdag 24 september 2025, 14:34 door Redactie, 2 reacties") counts by rule 2.

So the body paragraphs, the byline and an update note each have a number; headings, captions,
credits, labels and everything after the article's end do not.

The seed texts live beside the checkout, in ``../shared/seeds`` (``POLICYKG_SEEDS`` overrides
this): :func:`seeds_dir` says where.

>>> text = "Nieuws\\n\\nA headline of more than six words\\nDoor A. Writer\\n\\nEditor\\nBody.\\nReacties (2)"
>>> [(p.number, p.text) for p in paragraphs(text)]
[(0, 'A headline of more than six words'), (1, 'Door A. Writer Editor'), (2, 'Body.')]
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Paragraph", "paragraphs", "seeds_dir"]

_MAX_SHORT_WORDS = 6
# . ! ? ellipsis, and closing double, low-opening, guillemet and single quotation marks
_SENTENCE_END = (".", "!", "?", "\u2026", "\u201d", "\u201c", '"', "\u00bb", "\u2019")
_END_OF_ARTICLE = re.compile(
    r"^(Reacties \(\d+\)|Gerelateerde artikelen|Read also:|Lees ook)", re.IGNORECASE
)
_BYLINE = re.compile(r"^(Door|By|Article by) ")


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph: its number, its text, and the 1-based lines it spans."""

    number: int
    text: str
    lines: tuple[int, ...]


def _is_furniture(line: str) -> bool:
    if line.startswith("©"):
        return True
    return len(line.split()) <= _MAX_SHORT_WORDS and not line.endswith(_SENTENCE_END)


def paragraphs(text: str) -> list[Paragraph]:
    """The numbered paragraphs of an article's text, by the rule in this module's docstring."""
    found: list[Paragraph] = []
    in_byline = False
    for index, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if _END_OF_ARTICLE.match(line):
            break
        if in_byline and _is_furniture(line) and not line.startswith("©"):
            last = found[-1]
            found[-1] = Paragraph(last.number, f"{last.text} {line}", (*last.lines, index))
            continue
        in_byline = False
        if _BYLINE.match(line):
            in_byline = True
        elif _is_furniture(line):
            continue
        found.append(Paragraph(len(found), line, (index,)))
    return found


def seeds_dir(root: Path) -> Path:
    """Where the seed texts are: ``$POLICYKG_SEEDS``, else ``shared/seeds`` beside the checkout."""
    override = os.environ.get("POLICYKG_SEEDS")
    return Path(override) if override else root.parent / "shared" / "seeds"

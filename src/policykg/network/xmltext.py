"""XML text for the network's GraphML and GEXF files: attribute values and element text
escaped exactly as the libraries networkx writes them with do.

networkx writes GraphML with lxml (libxml2's escaping) and GEXF with the standard
library's ElementTree. The writers in :mod:`policykg.network.graphml` and
:mod:`policykg.network.gexf` write the same text directly, without building a tree; the
tests compare their bytes with networkx's.

One departure: a character XML 1.0 does not allow (an RDF literal may hold one, such as
U+0001) is written as U+FFFD, so both files are always well-formed XML. networkx's GraphML
refuses the whole graph there (lxml's ValueError), and its GEXF writes the character as it
is, which no XML parser reads.

>>> lxml_text("a\x01b"), etree_attribute('<"\ufffe">')
('a\ufffdb', '&lt;&quot;\ufffd&quot;&gt;')
"""

from __future__ import annotations

import re

__all__ = ["etree_attribute", "etree_text", "lxml_attribute", "lxml_text", "xml_chars"]

# Every character outside XML 1.0's Char production.
_NOT_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """``text`` with each character XML 1.0 does not allow replaced by U+FFFD."""
    return _NOT_CHAR.sub("\ufffd", text)


_Table = tuple[tuple[str, str], ...]

# Each library's escapes, "&" first (the others' replacements hold one).
_MARKUP: _Table = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_LXML_ATTRIBUTE = (*_MARKUP, ('"', "&quot;"), ("\t", "&#9;"), ("\n", "&#10;"), ("\r", "&#13;"))
_LXML_TEXT = (*_MARKUP, ("\r", "&#13;"))
_ETREE_ATTRIBUTE = (*_MARKUP, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _escaped(text: str, table: _Table) -> str:
    text = xml_chars(text)
    for char, entity in table:
        if char in text:
            text = text.replace(char, entity)
    return text


def lxml_attribute(text: str) -> str:
    """An attribute value as lxml writes it between double quotes."""
    return _escaped(text, _LXML_ATTRIBUTE)


def lxml_text(text: str) -> str:
    """Element text as lxml writes it."""
    return _escaped(text, _LXML_TEXT)


def etree_attribute(text: str) -> str:
    """An attribute value as ElementTree writes it between double quotes."""
    return _escaped(text, _ETREE_ATTRIBUTE)


def etree_text(text: str) -> str:
    """Element text as ElementTree writes it."""
    return _escaped(text, _MARKUP)

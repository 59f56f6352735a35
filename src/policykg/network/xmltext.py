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


def lxml_attribute(text: str) -> str:
    """An attribute value as lxml writes it between double quotes."""
    text = xml_chars(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\t" in text:
        text = text.replace("\t", "&#9;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def lxml_text(text: str) -> str:
    """Element text as lxml writes it."""
    text = xml_chars(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


def etree_attribute(text: str) -> str:
    """An attribute value as ElementTree writes it between double quotes."""
    text = xml_chars(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def etree_text(text: str) -> str:
    """Element text as ElementTree writes it."""
    text = xml_chars(text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text

"""XML text for the network's GraphML and GEXF files: attribute values and element text
escaped exactly as the libraries networkx writes them with do.

networkx writes GraphML with lxml (libxml2's escaping, which refuses any character XML 1.0
does not allow) and GEXF with the standard library's ElementTree (which writes every
character as it is). The writers in :mod:`policykg.network.graphml` and
:mod:`policykg.network.gexf` write the same text directly, without building a tree; the
tests compare their bytes with networkx's.
"""

from __future__ import annotations

import re

__all__ = ["NOT_XML", "check_xml", "etree_attribute", "etree_text", "lxml_attribute", "lxml_text"]

#: What lxml says when a string holds a character XML 1.0 does not allow.
NOT_XML = (
    "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
)

# Every character outside XML 1.0's Char production.
_NOT_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def check_xml(text: str) -> str:
    """``text``, or ValueError (lxml's) when it holds a character XML 1.0 does not allow."""
    if _NOT_CHAR.search(text) is not None:
        raise ValueError(NOT_XML)
    return text


def lxml_attribute(text: str) -> str:
    """An attribute value as lxml writes it between double quotes."""
    check_xml(text)
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
    check_xml(text)
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
    """An attribute value as ElementTree writes it between double quotes (every other
    character as it is, even one XML does not allow)."""
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
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text

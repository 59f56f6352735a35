"""Checks on RDF sent to be stored (Graph Store bodies, ``--data`` files) before parsing.

pyoxigraph's RDF/XML parser expands the internal entities a DTD declares, so a few
hundred bytes of ``<!ENTITY>`` declarations can grow into gigabytes (the "billion laughs").
RDF/XML needs no DTD, so none is accepted: a body holding ``<!DOCTYPE`` or ``<!ENTITY``
is refused before it reaches the parser, and it must be UTF-8, so that the check reads
what the parser would. The other formats have no entities.

>>> check_upload(b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "rdfxml")
>>> check_upload(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><rdf:RDF/>', "rdfxml")
Traceback (most recent call last):
...
policykg.errors.BadRequest: DTDs and entities are not accepted: RDF/XML must not contain <!DOCTYPE or <!ENTITY
"""

from __future__ import annotations

import re

from policykg.errors import BadRequest

__all__ = ["XML_FORMATS", "check_upload"]

#: Format names (see :data:`policykg.formats.GRAPHS`) whose parser reads XML.
XML_FORMATS = frozenset({"rdfxml"})
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_upload(data: bytes, format_name: str) -> None:
    """Raise BadRequest if an XML body is not UTF-8 or carries a DTD or entity declaration."""
    if format_name not in XML_FORMATS:
        return
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"RDF/XML must be UTF-8; byte {exc.start} is not") from None
    if _DTD.search(data):
        raise BadRequest(
            "DTDs and entities are not accepted: RDF/XML must not contain <!DOCTYPE or <!ENTITY"
        )

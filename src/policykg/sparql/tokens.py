"""The patterns of SPARQL's IRI and string tokens, shared by the scanners.

The safety scan, the syntax-error messages and the inline lookups' matcher all skip over
IRIs and strings before reading words; they take the patterns from here. This module
imports nothing heavy, so a query worker (which only rewords syntax errors) starts
without rdflib.

>>> import re
>>> re.fullmatch(IRI_PATTERN, "<http://example.org/a>") is not None
True
>>> [m.group() for m in re.finditer(STRING_PATTERN, "'it' or 'it''s' or 'a<b>c'")]
["'it'", "'it'", "'s'", "'a<b>c'"]
"""

from __future__ import annotations

__all__ = ["IRI_PATTERN", "STRING_PATTERN"]

#: An IRI reference between angle brackets (SPARQL 1.1, IRIREF, with escapes).
IRI_PATTERN = r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"
#: A string literal in any of SPARQL's four quotings (long ones first).
STRING_PATTERN = "|".join(
    [
        r"'''(?:'{0,2}(?:[^'\\]|\\.))*'''",
        r'"""(?:"{0,2}(?:[^"\\]|\\.))*"""',
        r"'(?:[^'\\\n\r]|\\.)*'",
        r'"(?:[^"\\\n\r]|\\.)*"',
    ]
)

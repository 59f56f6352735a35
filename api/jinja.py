"""The one Jinja2 environment for the server-rendered pages in ``api/templates``.

Autoescaping is on for every template, so values from the data or the request are escaped;
an undefined name is an error, not an empty string. Two filters: ``short`` (an IRI as a
prefixed name) and ``urlquote`` (a value as one URL component).

>>> render("dumps_index.html", version="v", modified="m", licence="L", files=[], void="/v")[:15]
'<!doctype html>'
>>> _ENV.filters["urlquote"]("a b/c")
'a%20b%2Fc'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from policykg.linkeddata.page import short

__all__ = ["TEMPLATES", "render"]

#: The templates folder.
TEMPLATES = Path(__file__).resolve().parent / "templates"

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["short"] = short
_ENV.filters["urlquote"] = lambda text: quote(str(text), safe="")


def render(name: str, **values: Any) -> str:
    """Render the template ``name`` with ``values``."""
    return _ENV.get_template(name).render(**values)

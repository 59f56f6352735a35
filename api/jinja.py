"""The Jinja2 environment for the server-rendered pages in ``api/templates``.

Autoescaping is on for every template, so values from the data or the request are escaped.

>>> render("dumps_index.html", version="v", modified="m", licence="L", files=[], void="/v")[:15]
'<!doctype html>'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

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


def render(name: str, **values: Any) -> str:
    """Render the template ``name`` with ``values``."""
    return _ENV.get_template(name).render(**values)

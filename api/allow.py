"""The ``Allow`` header of a 405: every method some route takes at the request's path.

Starlette names only the methods of the first route whose path matches, but GET, HEAD
and POST on ``/sparql`` (and the Graph Store's methods on ``/store``) are separate
routes, so that header was incomplete. The routes are walked here, into included routers
too (FastAPI keeps each included router as one route holding the router; its prefix, if
any, is taken off the path before its routes are matched). HEAD is allowed wherever GET
is: the HTTP layer (:mod:`api.httpcache`) answers it for every GET route.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.routing import BaseRoute, Match
from starlette.types import Scope

__all__ = ["allowed_methods"]

#: The order methods are listed in.
_ORDER = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods of every HTTP route matching the path of ``scope`` (empty if none)."""
    found = _methods(routes, scope)
    if "GET" in found:
        found.add("HEAD")
    return sorted(found, key=lambda m: (_ORDER.index(m) if m in _ORDER else len(_ORDER), m))


def _methods(routes: Iterable[BaseRoute], scope: Scope) -> set[str]:
    found: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:  # an included router: match its routes below its prefix
            context = getattr(route, "include_context", None)
            prefix: str = getattr(context, "prefix", "") or ""
            if prefix and not scope["path"].startswith(scope.get("root_path", "") + prefix):
                continue
            inner = {**scope, "root_path": scope.get("root_path", "") + prefix}
            found |= _methods(included.routes, inner)
            continue
        methods: set[str] | None = getattr(route, "methods", None)
        if methods and route.matches(scope)[0] is not Match.NONE:
            found.update(methods)
    return found

"""Dependency aliases for routers: the service and its parts, taken from ``app.state``.

The dependencies are ``async``: FastAPI runs a plain ``def`` dependency in a thread pool,
which costs a thread hand-off on every request for what is an attribute lookup.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from policykg.backend import Backend
from policykg.errors import Forbidden, Unauthorized
from policykg.settings import Settings
from policykg.sparql.queries import QueryLibrary

from .service import Service

__all__ = [
    "EngineDep",
    "LibraryDep",
    "ServiceDep",
    "SettingsDep",
    "StoreDep",
    "WriterDep",
    "require_writer",
]


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def get_engine(service: ServiceDep) -> Backend:
    return service.engine


async def get_settings(service: ServiceDep) -> Settings:
    return service.settings


async def get_library(service: ServiceDep) -> QueryLibrary:
    return service.library


EngineDep = Annotated[Backend, Depends(get_engine)]
StoreDep = EngineDep  # the store is only ever reached through the engine
SettingsDep = Annotated[Settings, Depends(get_settings)]
LibraryDep = Annotated[QueryLibrary, Depends(get_library)]


def require_writer(request: Request, service: ServiceDep) -> Service:
    """403 unless updates are enabled; 401 unless the bearer token matches (constant time)."""
    if not service.updatable:
        raise Forbidden(
            "updates are disabled on this endpoint; start it with --data FILE --enable-update "
            "and an update token to allow SPARQL Update and Graph Store writes"
        )
    token = service.settings.update_token
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = token.get_secret_value().encode() if token else b""
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        raise Unauthorized(
            "updates need an 'Authorization: Bearer <token>' header with the right token"
        )
    return service


async def writer(request: Request, service: ServiceDep) -> Service:
    """:func:`require_writer` as an ``async`` dependency."""
    return require_writer(request, service)


WriterDep = Annotated[Service, Depends(writer)]

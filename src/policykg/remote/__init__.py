"""Remote triplestores: a SPARQL 1.1 Protocol and Graph Store Protocol client.

:class:`Endpoint` says where a store listens (``sparql+http://host:port/path`` plus optional
separate update and graph-store URLs and credentials); :class:`RemoteStore` talks to it over
httpx; the few places where a server departs from the standards are in
:mod:`policykg.remote.adapters`, one adapter per server.
"""

from __future__ import annotations

from policykg.remote.adapters import Adapter, Kind, adapter_for
from policykg.remote.client import RemoteStore, Response
from policykg.remote.endpoint import Endpoint
from policykg.remote.errors import StoreError, StoreUnavailable

__all__ = [
    "Adapter",
    "Endpoint",
    "Kind",
    "RemoteStore",
    "Response",
    "StoreError",
    "StoreUnavailable",
    "adapter_for",
]

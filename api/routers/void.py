"""``/.well-known/void``: the dataset description (VoID, DCAT, schema.org ``Dataset``).

The description is the ``void.ttl`` a build wrote among its dumps; it is sent as Turtle by
default, or in any RDF format by ``Accept`` or ``format=`` (N-Triples, N-Quads, TriG,
JSON-LD, RDF/XML).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pyoxigraph import RdfFormat, parse, serialize

from policykg.errors import NotFound
from policykg.formats import GRAPHS, content_type, negotiate
from policykg.linkeddata.dumps import VOID_NAME
from policykg.linkeddata.void import PREFIXES_VOID

from ..apidoc import ACCEPT, FORMAT, content, error_responses
from ..served import served_build

__all__ = ["router"]

router = APIRouter(tags=["linked data"])

_RDF = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
#: (void.ttl path, format name) -> the description in that format.
_CACHE: dict[tuple[str, str], bytes] = {}


def _load(path: Path, fmt: str) -> bytes:
    turtle = path.read_bytes()
    if fmt == "turtle":
        return turtle
    triples = list(parse(turtle, format=RdfFormat.TURTLE))
    plain = fmt in ("ntriples", "nquads")
    data = serialize(triples, format=_RDF[fmt], prefixes={} if plain else PREFIXES_VOID)
    assert data is not None
    return data


async def _description(path: Path, fmt: str) -> bytes:
    """The description in format ``fmt``, read and converted off the event loop, then kept."""
    key = (str(path), fmt)
    if key not in _CACHE:
        _CACHE[key] = await asyncio.to_thread(_load, path, fmt)
    return _CACHE[key]


@router.get(
    "/.well-known/void",
    response_model=None,
    responses={
        200: {
            "description": "The description.",
            "content": content([f.media_type for f in GRAPHS.formats]),
        },
        **error_responses(400, 404, 406),
    },
    openapi_extra={"parameters": [ACCEPT]},
)
async def void(
    request: Request,
    format: Annotated[str | None, Query(description=FORMAT["description"])] = None,
) -> Response:
    """The dataset description: Turtle by default, any RDF format by Accept or ``format=``."""
    fmt = negotiate(request.headers.get("accept"), GRAPHS, format)
    build = served_build(request.app.state)
    path = build.folder / VOID_NAME if build.folder is not None else None
    if path is None or build.manifest is None or not path.is_file():
        raise NotFound(
            "this server has no dataset description: it is written by 'policykg build' "
            "for the policy graph (not for --data files; over a remote store, give the "
            "server the dist/ of the version published there)"
        )
    body = await _description(path, fmt.name)
    return Response(body, media_type=content_type(fmt), headers={"Vary": "Accept"})

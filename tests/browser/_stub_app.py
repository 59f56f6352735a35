"""A stand-in server for the page's browser test until ``create_app`` exists.

It serves the real UI router with a minimal ``/sparql`` (SPARQL JSON over a
pyoxigraph store) and ``/queries``; the browser test prefers the real app.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, Store

from policykg.api.routers.ui import router
from policykg.queries import QueryLibrary

__all__ = ["create"]


def create() -> FastAPI:
    data = Path(os.environ["PKG_TEST_DATA"])
    store = Store()
    store.load(path=data, format=RdfFormat.TURTLE)
    library = QueryLibrary.load(Path(os.environ["PKG_TEST_QUERIES"]))
    app = FastAPI()
    app.include_router(router)

    @app.get("/queries")
    def queries() -> list[dict[str, Any]]:
        return [
            {
                "name": q.name,
                "title": q.title,
                "question": q.question,
                "params": [vars(p) for p in q.params],
                "sparql": q.sparql,
            }
            for q in library
        ]

    @app.post("/sparql")
    async def sparql(request: Request) -> Response:
        form = await request.form()
        result = store.query(str(form["query"]))
        assert isinstance(result, QuerySolutions)
        body = result.serialize(format=QueryResultsFormat.JSON)
        return Response(body, media_type="application/sparql-results+json")

    return app

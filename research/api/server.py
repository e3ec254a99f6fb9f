"""`research serve`: the API wired from this process's settings, warmed up before it says it is ready.

Uvicorn imports `app_from_settings` in each worker process (`--workers N`): every worker opens the same index
(read-only files and the vector store) and the same app database, whose writes are short transactions. A node
serves only the index version the database has published (research.storage.releases); the first node of a new
database publishes its own.
"""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from research.api.app import Readiness, create_app
from research.storage.releases import IndexMismatch
from research.wiring import IndexMissingError, default_index, open_app_database, research_service

RELEASE_CHECK_S = 10.0


def app_from_settings() -> FastAPI:
    """The API over the index and app database of RESEARCH_* settings (research.toml)."""
    index = default_index()
    database = open_app_database(index.settings)
    service = research_service()

    def database_reachable() -> None:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def warm_up() -> None:
        if not index.warm_up():
            raise IndexMissingError(f"no index in {index.settings.index_dir}: run `research ingest` first")

    version = index.artifact_version()
    checked = {"at": float("-inf")}

    def serving() -> None:
        # checked again at most every RELEASE_CHECK_S: a new publish, or an ingest into this node's own data
        # directory, stops it within that time instead of letting it answer from a mix of two ingests
        if time.monotonic() - checked["at"] > RELEASE_CHECK_S:
            if index.artifact_version() != version:
                raise IndexMismatch(f"the index files changed under this process (an ingest into its data directory "
                                    f"while it served?): it started on version {version}; restart it on the new "
                                    "index (docs/deploy.md)")
            database.releases.check(version)
            checked["at"] = time.monotonic()

    def index_release() -> None:
        checked["at"] = float("-inf")
        serving()

    readiness = Readiness({"database": database_reachable, "vector_store": lambda: index.vectors.count(),
                           "index_release": index_release}, warm_up)
    app = create_app(service, database, index.settings.api, readiness, serving)

    @app.exception_handler(IndexMissingError)
    async def index_missing(_request: Request, exc: IndexMissingError) -> JSONResponse:
        return JSONResponse({"error": "unavailable", "detail": str(exc)}, status_code=503)

    return app

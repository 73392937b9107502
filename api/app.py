"""The app factory: `create_app(settings)` builds the FastAPI app; nothing runs at import.

The KnowledgeBase, the SPARQL service (worker processes) and the saved queries are opened
by the app's lifespan, i.e. when a server starts it, and closed when it stops.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from urllib.parse import urlparse

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api import errors
from api.routes import compare, entities, meta, queries, resources, search, sources, sparql
from api.sparql_service import SparqlService
from kg.errors import KGError
from kg.knowledge_base import KnowledgeBase
from kg.settings import Settings

log = logging.getLogger("api")
MAX_BODY_BYTES = 1_000_000  # a SPARQL query or a question never needs more

DESCRIPTION = """\
A knowledge graph of genetics and brain foundation models, built from a folder of YAML cards
and markdown docs. Every fact carries the file and lines it comes from.

* **SPARQL 1.1** at `/sparql` (standard clients work unchanged); saved queries at `/queries`.
* **REST** resources: entities, models, papers, datasets, integrations, modalities, paths,
  comparison tables, source lines.
* **Questions**: `/search` for passages, `POST /ask` for a cited answer.

Every error has one shape: `{"error": {"status", "code", "message", "hint"}}`.
"""
TAGS = [
    {"name": "SPARQL", "description": "SPARQL 1.1 Protocol endpoint and saved queries."},
    {"name": "Entities", "description": "Entities with their facts, neighbours and IRIs."},
    {"name": "Resources", "description": "Models, papers, datasets, integrations, modalities."},
    {"name": "Search and questions", "description": "Passage search and cited answers."},
    {"name": "Compare", "description": "Comparison tables with per-cell provenance."},
    {"name": "Sources", "description": "Source file lines behind citations."},
    {"name": "Meta", "description": "Health, counts, conflicts and findings."},
]


def _locator(kb: KnowledgeBase):
    def locate():
        gen = kb.stores.current_generation()
        return None if gen is None else kb.stores.rdf.path_of(gen)

    return locate


def create_app(settings: Settings | None = None) -> FastAPI:
    """The HTTP API of one KB (`settings.kb`, state in `settings.state_dir()`)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        kb = KnowledgeBase(settings)
        kb.stores  # noqa: B018 — open (and migrate) the stores before the first request
        remote = kb.stores.rdf_read if settings.sparql.remote_url else None
        svc = SparqlService(settings.sparql, _locator(kb), remote)
        svc.start()
        app.state.kb, app.state.sparql = kb, svc
        threading.Thread(target=_measure, args=(svc,), daemon=True).start()
        try:
            yield
        finally:
            svc.close()

    app = FastAPI(
        title="neuro-omics-kg",
        version="0.1.0",
        summary="SPARQL and REST over a knowledge graph of genetics and brain foundation models",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        redirect_slashes=False,  # `/{kind}/{id}` would otherwise turn every 404 into a redirect
    )
    errors.install(app)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        size = request.headers.get("content-length", "0")
        if not size.isdigit() or int(size) > MAX_BODY_BYTES:
            return JSONResponse(
                errors.error_body(
                    413,
                    "too-large",
                    f"request body over {MAX_BODY_BYTES} bytes",
                    "send a shorter query or question",
                ),  # fmt: skip
                413,
            )
        return await call_next(request)

    for module in (meta, sparql, queries, entities, resources, search, compare, sources):
        app.include_router(module.router)
    base_path = urlparse(settings.base_iri or "").path if settings.base_iri else "/kb"
    app.include_router(entities.iri_router(base_path))
    return app


def _measure(svc: SparqlService) -> None:
    """Learn the served generation's fan-outs in the background (bounded lookups inline)."""
    try:
        svc.warm_up(timeout=600)
    except KGError:
        pass  # not ingested yet: measured on the first query after an ingest
    except Exception:
        log.warning("could not warm up the SPARQL service", exc_info=True)

"""Dependencies of the routes: the app's KnowledgeBase, SPARQL service and saved queries,
all opened once by the app's lifespan (never at import time)."""

from __future__ import annotations

from urllib.parse import urlencode

import anyio
from fastapi import Query, Request

from api.sparql_service import SparqlService
from kg.errors import QueryTimeoutError
from kg.knowledge_base import KnowledgeBase
from kg.sparql_exec import Outcome, Prepared

MAX_LIMIT = 500


def get_kb(request: Request) -> KnowledgeBase:
    """The KnowledgeBase this app serves."""
    return request.app.state.kb


def get_sparql(request: Request) -> SparqlService:
    """The SPARQL service (timeouts, row cap, worker pool) of this app."""
    return request.app.state.sparql


def get_saved(request: Request):
    """The saved queries of the KB folder (api.saved_queries.SavedQueries)."""
    return request.app.state.saved


class Paging:
    """`limit` and `offset` query parameters, and the link to the next page."""

    def __init__(
        self,
        limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Items per page."),
        offset: int = Query(0, ge=0, le=10**9, description="Items to skip."),
    ):
        self.limit, self.offset = limit, offset

    def next_url(self, request: Request, total: int) -> str | None:
        """The URL of the next page, or None on the last."""
        if self.offset + self.limit >= total:
            return None
        params = dict(request.query_params)
        params["offset"] = str(self.offset + self.limit)
        return f"{request.url.path}?{urlencode(params)}"


async def run_query(svc: SparqlService, p: Prepared) -> Outcome:
    """Run a prepared query off the event loop, answering within the timeout.

    Bounded queries run in a thread of this process; if one still overruns, the response
    is sent on time and the thread is abandoned (the service then sends every query to the
    workers until it ends). Other queries wait on a worker process, which is killed on
    timeout.
    """
    if not svc.inline(p):
        return await anyio.to_thread.run_sync(svc.run_pooled, p)
    timeout = svc.settings.timeout_s
    with anyio.move_on_after(timeout):
        return await anyio.to_thread.run_sync(svc.run_inline, p, abandon_on_cancel=True)
    raise QueryTimeoutError(f"the query ran longer than the {timeout:g} s limit")

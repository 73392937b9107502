"""`/queries`: the KB's saved, parameterised SPARQL queries (`queries/*.rq`), run by name."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Request, Response

from api import saved_queries
from api.deps import get_kb, get_sparql, run_query
from api.errors import ERROR_RESPONSES, ErrorEnvelope, UnknownQueryError
from api.models import SavedQuery
from api.routes.sparql import QUERY_ERRORS, RESULT_CONTENT, results_response
from api.sparql_service import SparqlService
from kg.knowledge_base import KnowledgeBase
from kg.rdf.terms import entity_iri

router = APIRouter(tags=["SPARQL"])


def _load(kb: KnowledgeBase) -> dict[str, saved_queries.SavedQuery]:
    return saved_queries.load(kb.settings.kb)


@router.get(
    "/queries",
    summary="List the saved queries",
    description="Every `queries/*.rq` file of the KB folder with its title, description and "
    "parameters (see docs/api.md for the file format). A query that cannot run says why in "
    "`problem`.",
    response_model=list[SavedQuery],
    responses=ERROR_RESPONSES,
)
def list_queries(request: Request, kb: KnowledgeBase = Depends(get_kb)) -> list[SavedQuery]:
    """The KB's saved queries."""
    return [SavedQuery(**q.to_dict() | {"url": f"/queries/{q.name}"}) for q in _load(kb).values()]


@router.get(
    "/queries/{name}",
    summary="Run a saved query",
    description="Runs `queries/{name}.rq` with its parameters taken from the query string "
    "(`?modality=fMRI`), bound as RDF terms of their declared types (never spliced into the "
    "text). Same formats, timeout and row cap as /sparql.",
    responses={
        200: {"content": RESULT_CONTENT, "description": "Query results."},
        **QUERY_ERRORS,
        404: {"model": ErrorEnvelope, "description": "No saved query, or entity, by that name."},
    },
)
async def run_saved(
    request: Request,
    name: str = Path(description="The file name without `.rq`.", examples=["models_by_modality"]),
    kb: KnowledgeBase = Depends(get_kb),
    svc: SparqlService = Depends(get_sparql),
) -> Response:
    """Run a saved query with its parameters bound as RDF terms."""
    q = _load(kb).get(name)
    if q is None:
        raise UnknownQueryError(f"no saved query {name!r}; GET /queries lists them")

    def resolve_iri(ref: str) -> str:
        row = kb.stores.sql.get_entity(kb.resolve(ref))
        return entity_iri(kb.base_iri, row.kind, row.id)

    given = {k: v for k, v in request.query_params.items() if k != "format"}
    subs = saved_queries.bind(q, given, resolve_iri)
    request.state.query_text = q.text
    p = svc.prepare(
        q.text,
        accept=request.headers.get("accept"),
        format_param=request.query_params.get("format"),
        substitutions=subs,
    )
    return results_response(await run_query(svc, p), svc)

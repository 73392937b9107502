"""`/sparql`: the SPARQL 1.1 Protocol (query and, with the bearer token, update).

GET `?query=`, POST form-encoded (`query=` or `update=`), POST `application/sparql-query`
or `application/sparql-update`; `default-graph-uri` / `named-graph-uri` select the dataset
(without them the default graph is the union of every source graph). Results by `Accept`
or `?format=`. GET without a query returns the service description.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import anyio
from fastapi import APIRouter, Depends, Request, Response

from api.deps import get_sparql, run_query
from api.errors import ErrorEnvelope, UnsupportedMediaTypeError
from api.sparql_description import describe_service
from api.sparql_service import SparqlService
from kg.errors import QueryError
from kg.sparql_exec import Outcome, media_type

router = APIRouter(tags=["SPARQL"])

RESULT_CONTENT = {
    "application/sparql-results+json": {"example": {"head": {"vars": ["model", "name"]}, "results": {"bindings": [{"model": {"type": "uri", "value": "https://neuro-omics-kg.org/kb/model/brainlm"}, "name": {"type": "literal", "value": "BrainLM"}}]}}},
    "application/sparql-results+xml": {"schema": {"type": "string"}},
    "text/csv": {"schema": {"type": "string"}},
    "text/tab-separated-values": {"schema": {"type": "string"}},
    "text/turtle": {"schema": {"type": "string"}},
    "application/n-triples": {"schema": {"type": "string"}},
    "application/ld+json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/rdf+xml": {"schema": {"type": "string"}},
}  # fmt: skip
QUERY_ERRORS = {
    status: {"model": ErrorEnvelope, "description": desc}
    for status, desc in {
        400: "Malformed query (the parser's message and line:column; the hint shows where).",
        401: "An update without the right bearer token.",
        403: "A refused operation: SERVICE, LOAD, CLEAR/DROP, or an update sent as a query.",
        406: "No accepted format fits the query's result.",
        415: "A POST body that is neither form-encoded nor a SPARQL query or update.",
        503: "Not ingested yet, or every query worker busy.",
        504: "The query ran longer than the timeout and was stopped.",
    }.items()
}
_PARAMS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "A SPARQL 1.1 query. Without it, GET returns the service description.",
     "example": "SELECT ?m ?name WHERE { ?m a nokg:Model ; schema:name ?name } LIMIT 5"},
    {"name": "default-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True,
     "description": "Graphs whose union is the default graph (default: every graph)."},
    {"name": "named-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True,
     "description": "Graphs available to GRAPH (default: every graph)."},
    {"name": "format", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "json, xml, csv, tsv (results) or turtle, ntriples, jsonld, rdfxml "
     "(graphs); wins over Accept."},
]  # fmt: skip
_BODY = {
    "required": False,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {"type": "object", "properties": {
                "query": {"type": "string"}, "update": {"type": "string"},
                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                "named-graph-uri": {"type": "array", "items": {"type": "string"}},
            }},
        },
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/sparql-update": {"schema": {"type": "string"}},
    },
}  # fmt: skip
_ROW_CAP_NOTE = (
    "At most `max_rows` rows (or triples) are returned; when a result is cut, the response "
    "carries `X-KG-Truncated: true` and `X-KG-Row-Cap`."
)


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise QueryError(f"give `{name}` once, not {len(values)} times")
    return values[0] if values else None


def _format(params: dict[str, list[str]]) -> str | None:
    # Some clients (SPARQLWrapper) repeat `format` with a name and a media type, or blank.
    return next((v for v in params.get("format", []) if v.strip()), None)


def results_response(out: Outcome, svc: SparqlService) -> Response:
    """Serialised results as a response, flagged when the row cap cut them."""
    headers = {"Vary": "Accept"}
    if out.truncated:
        headers["X-KG-Truncated"] = "true"
        headers["X-KG-Row-Cap"] = str(svc.settings.max_rows)
    return Response(out.body, media_type=media_type(out.fmt), headers=headers)


async def _answer(request: Request, svc: SparqlService, params: dict, query: str) -> Response:
    request.state.query_text = query  # lets the error envelope point at a parser position
    p = svc.prepare(
        query,
        accept=request.headers.get("accept"),
        format_param=_format(params),
        default_graphs=params.get("default-graph-uri", []),
        named_graphs=params.get("named-graph-uri", []),
    )
    return results_response(await run_query(svc, p), svc)


async def _update(request: Request, svc: SparqlService, text: str) -> Response:
    request.state.query_text = text
    await anyio.to_thread.run_sync(svc.update, text, request.headers.get("authorization"))
    return Response(status_code=204)


@router.get(
    "/sparql",
    summary="Run a SPARQL query (GET), or read the service description",
    description="The SPARQL 1.1 Protocol query operation. Results are serialised by "
    "pyoxigraph: JSON, XML, CSV or TSV for SELECT/ASK; Turtle, N-Triples, JSON-LD or "
    "RDF/XML for CONSTRUCT/DESCRIBE. " + _ROW_CAP_NOTE + " Without `query`, returns the "
    "SPARQL service description (Turtle, or JSON-LD/RDF-XML/N-Triples by Accept).",
    responses={200: {"content": RESULT_CONTENT, "description": "Query results."}, **QUERY_ERRORS},
    openapi_extra={"parameters": _PARAMS},
)
async def sparql_get(request: Request, svc: SparqlService = Depends(get_sparql)) -> Response:
    """SPARQL protocol query by GET, or the service description."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    if "update" in params:
        raise QueryError("SPARQL Update must be sent with POST (form `update=` or "
                         "Content-Type application/sparql-update)")  # fmt: skip
    query = _one(params, "query")
    if query is None:
        return describe_service(request, svc)
    return await _answer(request, svc, params, query)


@router.post(
    "/sparql",
    summary="Run a SPARQL query or update (POST)",
    description="Form-encoded `query=` or `update=`, or a body of type "
    "`application/sparql-query` / `application/sparql-update` (dataset and format parameters "
    "in the URL). Updates need `Authorization: Bearer <KG_SPARQL__UPDATE_TOKEN>`; LOAD, "
    "SERVICE, CLEAR, DROP, MOVE and COPY are always refused. " + _ROW_CAP_NOTE,
    responses={
        200: {"content": RESULT_CONTENT, "description": "Query results."},
        204: {"description": "Update applied."},
        **QUERY_ERRORS,
    },  # fmt: skip
    openapi_extra={"parameters": _PARAMS[1:], "requestBody": _BODY},
)
async def sparql_post(request: Request, svc: SparqlService = Depends(get_sparql)) -> Response:
    """SPARQL protocol query or update by POST."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params = parse_qs(request.url.query, keep_blank_values=True)
    body = (await request.body()).decode("utf-8", errors="replace")
    if ctype == "application/sparql-query":
        return await _answer(request, svc, params, body)
    if ctype == "application/sparql-update":
        return await _update(request, svc, body)
    if ctype not in ("application/x-www-form-urlencoded", ""):
        raise UnsupportedMediaTypeError(
            f"Content-Type {ctype!r} is not a SPARQL protocol body; use "
            "application/x-www-form-urlencoded, application/sparql-query or "
            "application/sparql-update"
        )
    form = parse_qs(body, keep_blank_values=True)
    merged = {**params, **{k: v for k, v in form.items() if k not in ("query", "update")}}
    query, update = _one(form, "query"), _one(form, "update")
    if query is not None and update is not None:
        raise QueryError("send either `query` or `update`, not both")
    if update is not None:
        return await _update(request, svc, update)
    if query is None:
        raise QueryError("the form has neither `query` nor `update`")
    return await _answer(request, svc, merged, query)

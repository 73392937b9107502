"""`/entities`: list, read (JSON, JSON-LD or Turtle), neighbours; `/path`; and entity IRIs
(`{base}/{kind}/{id}`) dereferenced through `/{kind}/{id}`."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import models
from api.deps import Paging, get_kb, get_sparql, run_query
from api.errors import ERROR_RESPONSES
from api.sparql_service import SparqlService
from kg.errors import UnknownEntityError
from kg.ir import KINDS
from kg.knowledge_base import KnowledgeBase
from kg.rdf.terms import entity_iri
from kg.sparql_exec import media_type

router = APIRouter(tags=["Entities"])
Kind = Enum("Kind", {k: k for k in KINDS}, type=str)  # type: ignore[misc]

# Everything the graph says about one entity: its triples, its reified facts (value, YAML
# path, lines, source) and the statements that carry its relations' provenance. The IRI is
# ours and checked by NamedNode (no `>` or space can be in it), so it is written in as a term
# (bound parameters would not reach a remote SPARQL store).
DESCRIBE = """CONSTRUCT {{ {e} ?p ?o . ?f ?fp ?fo . ?st ?sp ?so }}
WHERE {{ {{ {e} ?p ?o }} UNION {{ {e} nokg:fact ?f . ?f ?fp ?fo }} UNION {{ ?st rdf:subject {e} ; ?sp ?so }} }}"""
_RDF = {"application/ld+json": "jsonld", "text/turtle": "turtle", "application/n-triples": "ntriples", "application/rdf+xml": "rdfxml"}  # fmt: skip
_FORMATS = {"json": "json", "jsonld": "jsonld", "json-ld": "jsonld", "turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "rdfxml": "rdfxml"}  # fmt: skip
_NEGOTIATED = {
    200: {
        "description": "The entity: JSON (default), or RDF by Accept / ?format=.",
        "content": {
            "application/json": {},
            "application/ld+json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/turtle": {"schema": {"type": "string"}},
            "application/n-triples": {"schema": {"type": "string"}},
            "application/rdf+xml": {"schema": {"type": "string"}},
        },
    },
    **ERROR_RESPONSES,
}
FormatQ = Annotated[
    str | None,
    Query(
        description="json, jsonld, turtle, ntriples or rdfxml (wins over Accept).",
        pattern="^(json|jsonld|json-ld|turtle|ttl|ntriples|rdfxml)$",
    ),
]


def _choose(request: Request, fmt: str | None) -> str:
    if fmt:
        return _FORMATS[fmt]
    for part in request.headers.get("accept", "").split(","):
        media = part.split(";")[0].strip().lower()
        if media in ("application/json", "*/*", "application/*"):
            return "json"
        if media in _RDF:
            return _RDF[media]
    return "json"


async def _entity(ref: str, request: Request, kb, svc, fmt: str | None, kind: str | None):
    facts = kb.show(ref)
    if kind is not None and facts.kind != kind:
        raise UnknownEntityError(f"{kind}/{ref}", [f"{facts.kind}/{facts.id}"])
    iri = entity_iri(kb.base_iri, facts.kind, facts.id)
    chosen = _choose(request, fmt)
    if chosen != "json":
        p = svc.prepare(DESCRIBE.format(e=ox.NamedNode(iri)), format_param=chosen)
        out = await run_query(svc, p)
        return Response(out.body, media_type=media_type(out.fmt), headers={"Vary": "Accept"})
    head = models.summary(facts, iri)
    detail = models.EntityDetail(
        **head.model_dump(),
        attributes=[models.fact(a) for a in facts.attributes],
        outgoing=[models.link(r) for r in facts.outgoing],
        incoming=[models.link(r) for r in facts.incoming],
    )
    return Response(detail.model_dump_json(), media_type="application/json", headers={"Vary": "Accept"})  # fmt: skip


@router.get(
    "/entities",
    summary="List entities",
    description="Entities matching every filter given, ordered by name, one page at a time.",
    response_model=models.EntityPage,
    responses=ERROR_RESPONSES,
)
def list_entities(
    request: Request,
    type: Kind | None = Query(None, description="Entity kind."),  # noqa: A002 (the issue's name)
    modality: str | None = Query(None, description="Modality id, e.g. `fmri`.", max_length=100),
    tag: str | None = Query(None, description="A card tag.", max_length=200),
    q: str | None = Query(None, description="Text in the id, name or an alias.", max_length=200),
    page: Paging = Depends(),
    kb: KnowledgeBase = Depends(get_kb),
) -> models.EntityPage:
    """One page of entities matching the filters."""
    kind = type.value if type else None
    rows, total = kb.find(kind, modality, tag, q, page.limit, page.offset)
    items = [models.summary(r, entity_iri(kb.base_iri, r.kind, r.id)) for r in rows]
    return models.EntityPage(
        items=items, total=total, limit=page.limit, offset=page.offset,
        next=page.next_url(request, total),
    )  # fmt: skip


@router.get(
    "/entities/{id:path}/neighbors",
    summary="Entities related to an entity",
    description="Entities within `depth` relations (either direction), nearest first, each "
    "with the relation that reached it and its source lines.",
    response_model=list[models.NeighborModel],
    responses=ERROR_RESPONSES,
)
def neighbors(
    id: str = Path(description="Entity id, name or alias.", examples=["brainlm"]),  # noqa: A002
    depth: int = Query(1, ge=1, le=3, description="How many relations away."),
    kb: KnowledgeBase = Depends(get_kb),
) -> list[models.NeighborModel]:
    """Entities near an entity."""
    return [
        models.NeighborModel(id=n.id, kind=n.kind, name=n.name, distance=n.distance, via=models.step(n.via))
        for n in kb.neighbors(id, depth)
    ]  # fmt: skip


@router.get(
    "/entities/{id:path}",
    summary="Read an entity with all its facts",
    description="Every attribute and relation of an entity with its source file and lines. "
    "`Accept: application/ld+json` or `text/turtle` (or `?format=`) returns its RDF: its "
    "triples, reified facts and relation statements.",
    responses=_NEGOTIATED,
    response_model=models.EntityDetail,
)
async def get_entity(
    request: Request,
    id: str = Path(description="Entity id, name or alias.", examples=["brainlm"]),  # noqa: A002
    format: FormatQ = None,  # noqa: A002
    kb: KnowledgeBase = Depends(get_kb),
    svc: SparqlService = Depends(get_sparql),
) -> Response:
    """An entity with its facts, as JSON or RDF."""
    return await _entity(id, request, kb, svc, format, None)


@router.get(
    "/path",
    summary="Shortest chain of relations between two entities",
    description="Walks relations in either direction; each step names its predicate, its "
    "direction and where it is written.",
    response_model=models.PathModel,
    responses=ERROR_RESPONSES,
)
def path(
    start: str = Query(alias="from", description="Entity id, name or alias.", examples=["brainlm"]),
    end: str = Query(alias="to", description="Entity id, name or alias.", examples=["ukb"]),
    kb: KnowledgeBase = Depends(get_kb),
) -> models.PathModel:
    """The shortest chain of relations between two entities."""
    steps = kb.path(start, end)
    return models.PathModel(
        start=kb.resolve(start), end=kb.resolve(end), steps=[models.step(s) for s in steps]
    )


def iri_router(base_path: str) -> APIRouter:
    """Routes that dereference entity IRIs: `/{kind}/{id}`, and the same under the base
    IRI's path (`/kb/model/brainlm` for the default base https://neuro-omics-kg.org/kb)."""
    r = APIRouter(tags=["Entities"])
    prefix = base_path.rstrip("/")
    kinds = ", ".join(KINDS)

    async def dereference(
        request: Request,
        kind: str = Path(description=f"Entity kind from the IRI: {kinds}.", examples=["model"]),
        id: str = Path(description="Entity id from the IRI.", examples=["brainlm"]),  # noqa: A002
        format: FormatQ = None,  # noqa: A002
        kb: KnowledgeBase = Depends(get_kb),
        svc: SparqlService = Depends(get_sparql),
    ) -> Response:
        """An entity IRI's content, as JSON or RDF."""
        if kind not in KINDS:  # any other two-segment path: a plain 404, not a 422
            raise StarletteHTTPException(404)
        return await _entity(id, request, kb, svc, format, kind)

    for path in ([prefix + "/{kind}/{id:path}"] if prefix else []) + ["/{kind}/{id:path}"]:
        r.get(
            path,
            summary="Dereference an entity IRI",
            description="`{base}/{kind}/{id}` IRIs resolve here: the same content as "
            "GET /entities/{id}, by Accept (JSON, JSON-LD, Turtle). Paths whose first segment "
            "is not an entity kind are 404.",
            responses=_NEGOTIATED,
            response_model=models.EntityDetail,
            operation_id="dereference" + path.split("{")[0].replace("/", "_").rstrip("_"),
        )(dereference)
    return r

"""`/health`, `/stats`, `/conflicts` and `/findings`: the state of the served KB."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from api import models
from api.deps import get_kb, get_sparql
from api.errors import ERROR_RESPONSES
from api.sparql_service import SparqlService
from kg.knowledge_base import KnowledgeBase

router = APIRouter(tags=["Meta"])


@router.get(
    "/health",
    summary="Is the server up?",
    description="Answers without touching the RDF store; `generation` is null before the "
    "first ingest.",
    response_model=models.Health,
)
def health(
    kb: KnowledgeBase = Depends(get_kb), svc: SparqlService = Depends(get_sparql)
) -> models.Health:
    """Liveness and the generation served."""
    return models.Health(
        status="ok",
        generation=kb.stores.current_generation(),
        kb=str(kb.settings.kb),
        query_workers=svc.workers,
    )


@router.get(
    "/stats",
    summary="Counts of the KB",
    description="Entities per kind, relations per predicate, attributes, sections, sources, "
    "findings per severity, and the generation served.",
    response_model=dict[str, Any],
    responses={200: {"content": {"application/json": {"example": {
        "generation": "20250101T120000-abc123", "entities": {"model": 20, "paper": 30},
        "relations": {"uses_dataset": 65}, "attributes": 4222, "sections": 182, "sources": 104,
        "failed_sources": 0, "findings": {"error": 1, "warning": 365}}}}}, **ERROR_RESPONSES},
)  # fmt: skip
def stats(kb: KnowledgeBase = Depends(get_kb)) -> dict[str, Any]:
    """Counts of the KB."""
    return kb.stats()


@router.get(
    "/conflicts",
    summary="Properties on which sources disagree",
    description="For each entity and property with differing values: every value and where it "
    "is written.",
    response_model=list[models.ConflictModel],
    responses=ERROR_RESPONSES,
)
def conflicts(kb: KnowledgeBase = Depends(get_kb)) -> list[models.ConflictModel]:
    """Disagreeing values with their sources."""
    return [
        models.ConflictModel(
            entity=c.entity,
            property=c.property,
            values=[
                models.ConflictValue(raw=a.raw, value=a.value, where=models.where(a.prov))
                for a in c.values
            ],
        )  # fmt: skip
        for c in kb.conflicts()
    ]


@router.get(
    "/findings",
    summary="Problems found in the KB's files",
    description="Every finding of the last ingest: file, line, what is wrong and a hint.",
    response_model=list[dict[str, Any]],
    responses=ERROR_RESPONSES,
)
def findings(
    severity: Literal["error", "warning"] | None = Query(None, description="Only this severity."),
    kb: KnowledgeBase = Depends(get_kb),
) -> list[dict[str, Any]]:
    """Problems found in the KB's files."""
    return [
        {"severity": f.severity, "code": f.code, "source": f.source, "line": f.line,
         "message": f.message, "hint": f.hint}
        for f in kb.findings(severity)
    ]  # fmt: skip

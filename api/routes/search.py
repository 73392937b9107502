"""`/search` (passages by hybrid retrieval) and `POST /ask` (the assistant's cited answer)."""

from __future__ import annotations

from typing import Any, Literal

import anyio
from fastapi import APIRouter, Body, Depends, Query

from api import models
from api.deps import get_kb
from api.errors import ERROR_RESPONSES, ErrorEnvelope, NotImplementedYetError
from kg.knowledge_base import KnowledgeBase

router = APIRouter(tags=["Search and questions"])


@router.get(
    "/search",
    summary="Search passages",
    description="The passages of cards and docs that best match the text: hybrid (dense "
    "embeddings fused with BM25), dense or bm25. Each hit names its source lines.",
    response_model=models.SearchResults,
    responses=ERROR_RESPONSES,
)
def search(
    q: str = Query(
        min_length=1, max_length=500, description="Search text.", examples=["UK Biobank fMRI"]
    ),
    k: int = Query(10, ge=1, le=50, description="How many passages."),
    mode: Literal["hybrid", "dense", "bm25"] = Query("hybrid", description="Ranking."),
    kb: KnowledgeBase = Depends(get_kb),
) -> models.SearchResults:
    """Passages that match a text."""
    hits = kb.search(q, k=k, mode=mode)
    return models.SearchResults(
        query=q,
        mode=mode,
        hits=[
            models.SearchHit(
                rank=h.rank,
                score=float(h.score),
                text=h.chunk.text,
                heading=h.chunk.heading,
                kind=h.chunk.kind,
                entity_ids=list(h.chunk.entity_ids),
                where=models.Where(
                    source=h.chunk.source, lines=(h.chunk.line_start, h.chunk.line_end)
                ),
            )  # fmt: skip
            for h in hits
        ],
    )


@router.post(
    "/ask",
    summary="Ask a question",
    description="The assistant's answer to a question about the KB, citing the source lines "
    "it rests on, or saying that the KB does not contain the answer.",
    response_model=models.Answer,
    responses={
        501: {"model": ErrorEnvelope, "description": "No answerer in this build."},
        **ERROR_RESPONSES,
    },  # fmt: skip
)
async def ask(
    body: models.AskRequest = Body(), kb: KnowledgeBase = Depends(get_kb)
) -> models.Answer:
    """The assistant's cited answer to a question."""
    answer = getattr(kb, "ask", None)
    if answer is None:
        raise NotImplementedYetError("the question answerer is not part of this build yet")
    result = await anyio.to_thread.run_sync(answer, body.question)
    return models.Answer.model_validate(result if isinstance(result, dict) else _as_dict(result))


def _as_dict(result: Any) -> dict[str, Any]:
    for name in ("to_dict", "model_dump", "as_dict"):
        if callable(fn := getattr(result, name, None)):
            return fn()
    from dataclasses import asdict, is_dataclass

    if is_dataclass(result):
        return asdict(result)
    return {"answer": str(result)}

"""`/compare`: a comparison table of entities, every cell with its sources and conflicts."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.deps import get_kb
from api.errors import ERROR_RESPONSES
from api.routes.entities import Kind
from kg.knowledge_base import KnowledgeBase

router = APIRouter(tags=["Compare"])


def _split(text: str | None) -> list[str] | None:
    items = [t.strip() for t in (text or "").split(",") if t.strip()]
    return items or None


@router.get(
    "/compare",
    summary="Compare entities side by side",
    description="A table of entities (named by `ids`, or every match of the filters) and "
    "fields (properties, synonyms such as `context window`, or YAML paths; the most filled "
    "fields by default). JSON cells carry every value with its source line and flag "
    "conflicts; `format` also gives md, csv, html or latex.",
    responses={
        200: {
            "description": "The table.",
            "content": {
                "application/json": {
                    "example": {
                        "corner": "entity",
                        "transposed": False,
                        "total": 2,
                        "columns": [
                            {
                                "key": "context_length",
                                "label": "Context length",
                                "property": "context_length",
                                "source": None,
                            }
                        ],
                        "rows": [
                            {
                                "key": "brainlm",
                                "label": "BrainLM",
                                "kind": "model",
                                "source": "kb/model_cards/brainlm.yaml",
                                "line": 1,
                                "cells": {
                                    "context_length": {
                                        "text": "200",
                                        "value": 200,
                                        "conflict": False,
                                        "values": [],
                                    }
                                },
                            }
                        ],
                    }
                },
                "text/markdown": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/x-latex": {"schema": {"type": "string"}},
            },
        },
        **ERROR_RESPONSES,
    },  # fmt: skip
    response_model=dict[str, Any],
)
def compare(
    ids: str | None = Query(None, description="Comma-separated ids, names or aliases.", examples=["brainlm,caduceus"], max_length=2000),
    fields: str | None = Query(None, description="Comma-separated fields.", examples=["parameters,context window,license"], max_length=2000),
    type: Kind | None = Query(None, description="Only entities of this kind."),  # noqa: A002
    modality: str | None = Query(None, description="Only entities with this modality.", max_length=100),
    tag: str | None = Query(None, description="Only entities with this tag.", max_length=200),
    sort: str | None = Query(None, description="Field to sort rows by; `-field` descending.", max_length=200),
    transpose: bool = Query(False, description="Fields as rows, entities as columns."),
    limit: int = Query(100, ge=1, le=500, description="At most this many filter matches."),
    format: Literal["json", "md", "markdown", "csv", "html", "latex"] = Query("json"),  # noqa: A002
    kb: KnowledgeBase = Depends(get_kb),
) -> Response:  # fmt: skip
    """A comparison table in the requested format."""
    from kg.table_formats import render, to_json

    descending = bool(sort and sort.startswith("-"))
    table = kb.compare(
        _split(ids), _split(fields), kind=type.value if type else None, modality=modality,
        tag=tag, sort=sort.lstrip("-") if sort else None, descending=descending,
        transpose=transpose, limit=limit,
    )  # fmt: skip
    if format == "json":
        return Response(to_json(table, indent=None), media_type="application/json")
    text, media = render(table, format)
    return Response(text, media_type=media)

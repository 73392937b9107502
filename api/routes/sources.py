"""`/sources/{path}?lines=a-b`: the text of an ingested source file, for showing a citation."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from api import models
from api.deps import get_kb
from api.errors import ERROR_RESPONSES
from kg.errors import KGError
from kg.knowledge_base import KnowledgeBase

router = APIRouter(tags=["Sources"])
_LINES = re.compile(r"^(\d{1,9})(?:-(\d{1,9}))?$")


def _range(lines: str | None) -> tuple[int | None, int | None]:
    if not lines:
        return None, None
    m = _LINES.match(lines.strip())
    if not m:
        raise KGError(f"lines={lines!r}: write a line or a range, e.g. lines=12 or lines=12-30")
    start = int(m.group(1))
    end = int(m.group(2) or start)
    if start < 1 or end < start:
        raise KGError(f"lines={lines!r}: lines are 1-based and the range must not run backwards")
    return start, end


@router.get(
    "/sources/{path:path}",
    summary="Read lines of a source file",
    description="The text of a file the KB ingested (path relative to the KB folder), whole or "
    "`lines=a-b` of it (clamped to the file). Only ingested sources are served: a path that "
    "leaves the KB folder (`..`, an absolute path, a symlink leading out) is refused with 400, "
    "any other file with 404. `Accept: text/plain` returns the bare text.",
    response_model=models.SourceText,
    responses={
        200: {"content": {"application/json": {}, "text/plain": {"schema": {"type": "string"}}}},
        **ERROR_RESPONSES,
    },
)
def source(
    request: Request,
    path: str = Path(description="Path relative to the KB folder.", examples=["kb/model_cards/brainlm.yaml"]),
    lines: str | None = Query(None, description="A line or a range, e.g. `12-30`.", examples=["1-20"]),
    kb: KnowledgeBase = Depends(get_kb),
) -> Response:  # fmt: skip
    """Lines of an ingested source file."""
    start, end = _range(lines)
    text, first, last, total = kb.source_text(path, start, end)
    if "text/plain" in request.headers.get("accept", ""):
        return Response(text, media_type="text/plain; charset=utf-8")
    body = models.SourceText(path=path, start=first, end=last, total_lines=total, text=text)
    return Response(body.model_dump_json(), media_type="application/json")

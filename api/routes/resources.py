"""`/models`, `/papers`, `/datasets`, `/integrations` (a page of one kind, with facet counts)
and `/modalities` (the modality vocabulary and how many entities carry each)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from api import models
from api.deps import Paging, get_kb
from api.errors import ERROR_RESPONSES
from kg.knowledge_base import KnowledgeBase
from kg.rdf.terms import entity_iri
from kg.vocab import MODALITIES

router = APIRouter(tags=["Resources"])
RESOURCES = {"models": "model", "papers": "paper", "datasets": "dataset", "integrations": "integration"}  # fmt: skip


def _register(plural: str, kind: str) -> None:
    def listing(
        request: Request,
        modality: str | None = Query(
            None, description="Modality id, e.g. `genetics`.", max_length=100
        ),
        tag: str | None = Query(None, description="A card tag.", max_length=200),
        q: str | None = Query(
            None, description="Text in the id, name or an alias.", max_length=200
        ),
        page: Paging = Depends(),
        kb: KnowledgeBase = Depends(get_kb),
    ) -> models.ResourcePage:
        """One page of this kind, with facet counts."""
        rows, total = kb.find(kind, modality, tag, q, page.limit, page.offset)
        return models.ResourcePage(
            items=[models.summary(r, entity_iri(kb.base_iri, r.kind, r.id)) for r in rows],
            total=total, limit=page.limit, offset=page.offset,
            next=page.next_url(request, total), facets=kb.facets(kind),
        )  # fmt: skip

    listing.__name__ = f"list_{plural}"
    router.get(
        f"/{plural}",
        summary=f"List {plural}",
        description=f"The {plural} of the KB (filterable by modality, tag and text), one page "
        f"at a time, with the modality and tag counts over all {plural}.",
        response_model=models.ResourcePage,
        responses=ERROR_RESPONSES,
    )(listing)


for _plural, _kind in RESOURCES.items():
    _register(_plural, _kind)


@router.get(
    "/modalities",
    summary="The modality vocabulary with entity counts",
    description="Every modality concept: its label, IRI, synonyms recognised in cards and "
    "questions, and how many entities carry it.",
    response_model=list[models.Modality],
    responses=ERROR_RESPONSES,
)
def modalities(kb: KnowledgeBase = Depends(get_kb)) -> list[models.Modality]:
    """The modality vocabulary with entity counts."""
    counts = kb.facets(None)["modality"]
    return [
        models.Modality(
            id=mid,
            label=spec["label"],
            iri=entity_iri(kb.base_iri, "modality", mid),
            entities=counts.get(mid, 0),
            synonyms=list(spec["synonyms"]),
        )  # fmt: skip
        for mid, spec in MODALITIES.items()
    ]

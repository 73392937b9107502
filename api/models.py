"""Response models of the REST API (pydantic): what each route returns, with examples.

Converters from the library's types (`EntityRow`, `Attribute`, `Relation`, `Step`, ...)
live beside the models so routes stay one call and one conversion.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kg.vocab import RELATIONS


class Where(BaseModel):
    """Where a fact comes from: a file relative to the KB root and a 1-based line range."""

    source: str = Field(description="File path relative to the KB root.")
    lines: tuple[int, int] = Field(description="First and last line (1-based).")
    path: str = Field("", description="YAML path or markdown heading path, when known.")


class EntitySummary(BaseModel):
    """An entity: identity, IRI and where it is defined."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "brainlm",
                    "kind": "model",
                    "name": "BrainLM",
                    "iri": "https://neuro-omics-kg.org/kb/model/brainlm",
                    "aliases": ["Brain LM"],
                    "parent": None,
                    "defined_at": {"source": "kb/model_cards/brainlm.yaml", "lines": [1, 80]},
                }
            ]
        }
    )
    id: str
    kind: str = Field(description="model, paper, dataset, integration, experiment, ...")
    name: str
    iri: str = Field(description="Stable IRI; dereferences through GET /{kind}/{id}.")
    aliases: list[str] = Field(default_factory=list)
    parent: str | None = Field(None, description="Registry card of a nested entity.")
    defined_at: Where


class Fact(BaseModel):
    """One attribute of an entity, raw and normalised, with its source."""

    path: str = Field(description="YAML path, e.g. `arch.context_length`.")
    property: str | None = Field(None, description="Canonical property, when the path has one.")
    raw: str = Field(description="The value as written.")
    value: Any = Field(None, description="The normalised value (number, boolean, ISO date, text).")
    unit: str | None = None
    datatype: str = "string"
    where: Where


class Link(BaseModel):
    """A relation between two entities, with its source."""

    subject: str
    predicate: str = Field(description="IR predicate name, e.g. `uses_dataset`.")
    label: str = Field(description="Human label, e.g. `uses dataset`.")
    object: str
    ref: str = Field("", description="The reference as written in the source.")
    where: Where


class EntityDetail(EntitySummary):
    """An entity with every fact about it and where each comes from."""

    attributes: list[Fact]
    outgoing: list[Link]
    incoming: list[Link]


class Page(BaseModel):
    """One page of a filtered list."""

    total: int = Field(description="How many items match the filters (all pages).")
    limit: int
    offset: int
    next: str | None = Field(None, description="The URL of the next page, if any.")


class EntityPage(Page):
    """A page of entities."""

    items: list[EntitySummary]


class ResourcePage(EntityPage):
    """A page of one kind of entity, with facet counts over that whole kind."""

    facets: dict[str, dict[str, int]] = Field(
        description="`modality` and `tag` -> value -> number of entities of this kind.",
        examples=[{"modality": {"genetics": 9, "fmri": 5}, "tag": {"foundation-model": 12}}],
    )


class StepModel(BaseModel):
    """One edge of a walk: `start` to `end` over `predicate` (against its direction when
    `forward` is false)."""

    start: str
    predicate: str
    label: str
    end: str
    forward: bool
    where: Where


class NeighborModel(BaseModel):
    """An entity within some distance of another, and the edge that reached it."""

    id: str
    kind: str
    name: str
    distance: int
    via: StepModel


class PathModel(BaseModel):
    """The shortest chain of relations between two entities."""

    start: str
    end: str
    steps: list[StepModel]


class Modality(BaseModel):
    """A modality of the vocabulary and how many entities carry it."""

    id: str
    label: str
    iri: str
    entities: int
    synonyms: list[str]


class SearchHit(BaseModel):
    """A retrieved passage, its score and its source lines."""

    rank: int
    score: float
    text: str
    heading: str
    kind: str = Field(description="section, prose or synopsis.")
    entity_ids: list[str]
    where: Where


class SearchResults(BaseModel):
    """Passages that match a search, best first."""

    query: str
    mode: str
    hits: list[SearchHit]


class AskRequest(BaseModel):
    """A question for the assistant."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "Which models use the UK Biobank?"}]},
    )
    question: str = Field(min_length=1, max_length=2000)


class Citation(BaseModel):
    """A line range of a source that an answer rests on."""

    model_config = ConfigDict(extra="allow")
    source: str
    lines: tuple[int, int]
    entity: str | None = None
    quote: str | None = Field(None, description="The cited text.")


class Answer(BaseModel):
    """The assistant's answer: text, citations to source lines, and how sure it is."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [{
            "question": "What is the context length of BrainLM?",
            "answer": "BrainLM — context length: 207760 (kb/model_cards/brainlm.yaml:21).",
            "citations": [{"source": "kb/model_cards/brainlm.yaml", "lines": [21, 21],
                           "entity": "brainlm", "quote": "context_length: 207760"}],
            "intent": "lookup", "entities": ["brainlm"], "confidence": 1.0}]},
    )  # fmt: skip
    question: str
    answer: str = Field(description="Says so when the KB does not contain the answer.")
    citations: list[Citation] = Field(default_factory=list)
    intent: str | None = None
    entities: list[str] = Field(default_factory=list)
    confidence: float | None = None


class SourceText(BaseModel):
    """Lines of a source file, for showing a citation."""

    path: str
    start: int
    end: int
    total_lines: int
    text: str


class ConflictValue(BaseModel):
    """One of the disagreeing values and where it is written."""

    raw: str
    value: Any = None
    where: Where


class ConflictModel(BaseModel):
    """A property on which sources disagree for one entity."""

    entity: str
    property: str
    values: list[ConflictValue]


class Health(BaseModel):
    """Whether the server answers, and what it serves."""

    status: str = Field(examples=["ok"])
    generation: str | None = Field(None, description="The ingested generation served.")
    kb: str
    query_workers: int


class SavedQuery(BaseModel):
    """A named, parameterised SPARQL query from the KB's `queries/` folder."""

    name: str
    title: str
    description: str
    params: list[dict[str, Any]] = Field(
        examples=[[{"name": "modality", "type": "entity", "required": True, "default": None,
                    "description": "a modality id, name or alias"}]]
    )  # fmt: skip
    problem: str | None = Field(None, description="Why the query cannot run, if it cannot.")
    url: str


def where(prov: Any) -> Where:
    """Provenance (IR) as a `Where`."""
    return Where(source=prov.source, lines=(prov.line_start, prov.line_end), path=prov.path)


def summary(row: Any, iri: str) -> EntitySummary:
    """An `EntityRow` (or `EntityFacts`) as a summary."""
    return EntitySummary(
        id=row.id, kind=row.kind, name=row.name, iri=iri, aliases=list(row.aliases),
        parent=row.parent, defined_at=Where(source=row.source, lines=tuple(row.lines)),
    )  # fmt: skip


def fact(a: Any) -> Fact:
    """An IR `Attribute` as a `Fact`."""
    return Fact(
        path=a.path, property=a.property, raw=a.raw, value=a.value, unit=a.unit,
        datatype=a.datatype, where=where(a.prov),
    )  # fmt: skip


def link(r: Any) -> Link:
    """An IR `Relation` as a `Link`."""
    label = RELATIONS.get(r.predicate, ("", r.predicate.replace("_", " ")))[1]
    return Link(
        subject=r.subject, predicate=r.predicate, label=label, object=r.object, ref=r.ref,
        where=where(r.prov),
    )  # fmt: skip


def step(s: Any) -> StepModel:
    """A graph-view `Step` as a model."""
    return StepModel(
        start=s.start, predicate=s.predicate, label=s.label, end=s.end, forward=s.forward,
        where=Where(source=s.source, lines=tuple(s.lines)),
    )  # fmt: skip

"""The intermediate representation (IR): what every parser produces and every sink consumes.

Every item carries a `Provenance` so any fact can be traced to its file and line.
Parsers produce one `ParsedSource` per file; the linker turns their `Reference`s into
`Relation`s (or `Finding`s when unresolved) across all sources at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Entity kinds. Cards map to these by folder; nested registries get their own kinds.
KINDS = (
    "model",
    "paper",
    "dataset",
    "integration",  # integration cards (patterns, pipelines, catalogues)
    "experiment",  # configs/experiments/*.yaml
    "strategy",  # embedding_strategies.yaml -> strategies.<id>
    "method",  # harmonization_methods.yaml -> methods.<id>
    "pipeline",  # named preprocessing pipelines
    "doc",  # one markdown file
    "modality",  # vocabulary concepts (kg.vocab.MODALITIES)
)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact comes from: a file relative to the KB root and a 1-based line range.

    `path` is the YAML path (e.g. ``arch.context_length``, ``datasets[2]``) for card facts,
    or the heading path joined with `` > `` for markdown facts; empty for whole-file items.
    """

    source: str
    line_start: int
    line_end: int
    path: str = ""


@dataclass(slots=True)
class Entity:
    """A thing with a stable id: a model, paper, dataset, doc, strategy, ..."""

    id: str
    kind: str
    name: str
    prov: Provenance
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None  # registry card id for nested entities (strategies, methods)


@dataclass(slots=True)
class Attribute:
    """One scalar leaf of a card (or a fact read from a doc table), raw and normalised.

    `property` is the canonical property name (see kg.vocab.PROPERTIES) when the YAML path
    is a known field, else None (a generic attribute, kept with its YAML path).
    `value` is the normalised value: int, float, bool, str (ISO date for dates) or None.
    """

    entity: str
    path: str
    raw: str
    value: Any
    prov: Provenance
    property: str | None = None
    unit: str | None = None
    datatype: str = "string"  # string | integer | decimal | boolean | date | uri


@dataclass(slots=True)
class Reference:
    """An unresolved reference found while parsing, resolved later by the linker.

    `text` is the reference as written: a bare id, a file path (with optional #anchor),
    a dotted registry ref, a markdown link target, or an entity name mentioned in prose.
    `expected_kinds` narrows resolution (empty = any kind). `mention` marks prose mentions,
    which are matched only against names/aliases and never produce findings when unmatched.
    `citation` marks a literature citation ("Dinsdale 2021", see ingest.citations): it links
    when a paper card has that key and is dropped without a finding when none has.
    """

    subject: str
    predicate: str
    text: str
    prov: Provenance
    expected_kinds: tuple[str, ...] = ()
    mention: bool = False
    citation: bool = False


@dataclass(slots=True)
class Relation:
    """A resolved link between two entities."""

    subject: str
    predicate: str
    object: str
    prov: Provenance
    ref: str = ""  # the reference as written in the source


@dataclass(slots=True)
class Section:
    """One markdown section: its heading path and its clean text (markup reduced)."""

    id: str  # "{doc_id}#{anchor}"; anchors unique within a doc
    doc: str  # entity id of the doc
    heading_path: list[str]
    level: int
    text: str
    prov: Provenance


@dataclass(slots=True)
class Finding:
    """A problem found in the input, reported as ``source:line: message (hint)``."""

    severity: str  # "error" | "warning"
    code: str  # short stable code, e.g. "yaml-syntax", "unresolved-ref", "duplicate-id"
    source: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        tail = f" — {self.hint}" if self.hint else ""
        return f"{where}: {self.message}{tail}"


@dataclass(slots=True)
class SourceFile:
    """A discovered file: path relative to the KB root, its kind and content hash."""

    path: str
    kind: str  # "model_card" | "paper_card" | "dataset_card" | "integration_card" | "experiment" | "doc"
    sha256: str


@dataclass(slots=True)
class ParsedSource:
    """Everything parsed from one file. `ok` is False when the file could not be parsed
    at all; the pipeline then keeps that file's last good version."""

    source: SourceFile
    ok: bool = True
    entities: list[Entity] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Facts a doc states about *other* entities (table rows, "**Context:** 1M" lines). Each
    # claim's `entity` is the name as written; the linker resolves it and moves the claim
    # into the linked source's attributes (provenance: the doc), or drops it.
    claims: list[Attribute] = field(default_factory=list)


@dataclass(slots=True)
class LinkedSource:
    """A parsed source after linking: its own relations resolved, ready for the sinks."""

    parsed: ParsedSource
    relations: list[Relation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # parse + link findings

    @property
    def path(self) -> str:
        return self.parsed.source.path


@dataclass(slots=True)
class Conflict:
    """Two or more sources disagree on one property of one entity."""

    entity: str
    property: str
    values: list[Attribute]

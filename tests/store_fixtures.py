"""Hand-built IR for the store tests: what the parsers and linker would hand the sinks.

Each builder returns one `LinkedSource` as a card or doc of that shape would produce it,
with line numbers as they would appear in the file.
"""

from __future__ import annotations

import hashlib
from typing import Any

from kg.ir import (
    Attribute,
    Entity,
    Finding,
    LinkedSource,
    ParsedSource,
    Provenance,
    Relation,
    Section,
    SourceFile,
)

BASE = "https://kb.example.org/kb"


def source_file(path: str, kind: str, content: str = "") -> SourceFile:
    """A discovered file whose hash depends on `content` (so edits change it)."""
    return SourceFile(path, kind, hashlib.sha256((path + content).encode()).hexdigest())


def attr(
    entity: str,
    path: str,
    raw: str,
    value: Any,
    source: str,
    line: int,
    prop: str | None = None,
    datatype: str = "string",
    unit: str | None = None,
) -> Attribute:
    """One scalar leaf at `line` of `source`."""
    return Attribute(
        entity, path, raw, value, Provenance(source, line, line, path), prop, unit, datatype
    )


def rel(subject: str, predicate: str, obj: str, source: str, line: int, path: str = "") -> Relation:
    """A resolved relation written at `line`."""
    return Relation(subject, predicate, obj, Provenance(source, line, line, path), ref=obj)


def model_source(
    id: str = "brainjepa",
    name: str = "Brain-JEPA",
    aliases: tuple[str, ...] = ("BrainJEPA",),
    context_length: Any = 160,
    modality: str = "fmri",
    tags: tuple[str, ...] = ("jepa", "foundation-model"),
    datasets: tuple[str, ...] = ("ukb_fmri",),
    paper: str | None = None,
    content: str = "",
) -> LinkedSource:
    """A model card `kb/model_cards/<id>.yaml`."""
    path = f"kb/model_cards/{id}.yaml"
    ent = Entity(id, "model", name, Provenance(path, 1, 30), list(aliases))
    attrs = [
        attr(id, "id", id, id, path, 1),
        attr(id, "name", name, name, path, 2, "name"),
        attr(id, "modality", modality, modality, path, 3, "modality", "string"),
        attr(id, "summary", f"{name} summary.", f"{name} summary.", path, 4, "summary"),
        attr(id, "arch.type", "Transformer", "Transformer", path, 6, "architecture"),
    ]
    if context_length is not None:
        is_int = isinstance(context_length, int)
        attrs.append(
            attr(
                id,
                "arch.context_length",
                str(context_length),
                context_length,
                path,
                8,
                "context_length",
                "integer" if is_int else "string",
            )
        )
    attrs.append(attr(id, "arch.dropout", "0.1", 0.1, path, 9, None, "decimal"))
    attrs.append(attr(id, "verified", "true", True, path, 10, "verified", "boolean"))
    attrs.append(
        attr(
            id,
            "repo",
            "https://github.com/example/x",
            "https://github.com/example/x",
            path,
            11,
            "repo",
            "uri",
        )
    )
    attrs += [attr(id, f"tags[{i}]", t, t, path, 13 + i, "tag") for i, t in enumerate(tags)]
    relations = [rel(id, "has_modality", modality, path, 3, "modality")]
    relations += [
        rel(id, "uses_dataset", d, path, 20 + i, f"datasets[{i}]") for i, d in enumerate(datasets)
    ]
    if paper:
        relations.append(rel(id, "described_by", paper, path, 25, "paper"))
    parsed = ParsedSource(source_file(path, "model_card", content), True, [ent], attrs)
    return LinkedSource(parsed, relations)


def paper_source(
    id: str = "brainjepa_2024",
    title: str = "Brain-JEPA: brain dynamics",
    year: Any = 2024,
    model: str | None = "brainjepa",
) -> LinkedSource:
    """A paper card `kb/paper_cards/<id>.yaml`."""
    path = f"kb/paper_cards/{id}.yaml"
    ent = Entity(id, "paper", title, Provenance(path, 1, 12))
    attrs = [
        attr(id, "title", title, title, path, 2, "title"),
        attr(id, "authors[0]", "A. Author", "A. Author", path, 4, "author"),
    ]
    if year is not None:
        attrs.append(attr(id, "year", str(year), year, path, 3, "year", "integer"))
    relations = [rel(id, "describes", model, path, 8, "models[0]")] if model else []
    return LinkedSource(
        ParsedSource(source_file(path, "paper_card"), True, [ent], attrs), relations
    )


def dataset_source(id: str = "ukb_fmri", name: str = "UK Biobank fMRI") -> LinkedSource:
    """A dataset card `kb/datasets/<id>.yaml`."""
    path = f"kb/datasets/{id}.yaml"
    ent = Entity(id, "dataset", name, Provenance(path, 1, 10), ["UKB fMRI"])
    attrs = [
        attr(id, "name", name, name, path, 2, "name"),
        attr(id, "modality", "fmri", "fmri", path, 3, "modality"),
        attr(id, "last_updated", "2025-01-31", "2025-01-31", path, 5, "last_updated", "date"),
    ]
    relations = [rel(id, "has_modality", "fmri", path, 3, "modality")]
    return LinkedSource(
        ParsedSource(source_file(path, "dataset_card"), True, [ent], attrs), relations
    )


def doc_source(
    id: str = "docs/models/brainjepa.md", mentions: tuple[str, ...] = ("brainjepa",)
) -> LinkedSource:
    """A markdown doc with two sections that mentions some entities."""
    ent = Entity(id, "doc", "Brain-JEPA walkthrough", Provenance(id, 1, 20))
    sections = [
        Section(
            f"{id}#overview",
            id,
            ["Brain-JEPA walkthrough", "Overview"],
            2,
            "Brain-JEPA learns fMRI dynamics.",
            Provenance(id, 3, 8, "Brain-JEPA walkthrough > Overview"),
        ),
        Section(
            f"{id}#training",
            id,
            ["Brain-JEPA walkthrough", "Training"],
            2,
            "Trained on UK Biobank.",
            Provenance(id, 9, 20, "Brain-JEPA walkthrough > Training"),
        ),
    ]
    relations = [rel(id, "mentions", m, id, 4) for m in mentions]
    finding = Finding(
        "warning",
        "unresolved-ref",
        id,
        12,
        "link to 'missing.md' resolves to nothing",
        "check the path",
    )
    parsed = ParsedSource(source_file(id, "doc"), True, [ent], [], [], sections, [finding])
    return LinkedSource(parsed, relations, [finding])


def modality_source() -> LinkedSource:
    """The vocabulary pseudo-source the pipeline links in (modality concepts as entities)."""
    path = "<vocab>"
    ents = [Entity("fmri", "modality", "Functional MRI", Provenance(path, 0, 0), ["rs-fMRI"])]
    return LinkedSource(ParsedSource(SourceFile(path, "vocab", "0" * 64), True, ents))


def small_kb() -> list[LinkedSource]:
    """Two models, a paper, a dataset, a doc and the modality vocabulary."""
    return [
        model_source(paper="brainjepa_2024"),
        model_source("brainlm", "BrainLM", ("Brain LM",), 200, tags=("mae",)),
        paper_source(),
        dataset_source(),
        doc_source(),
        modality_source(),
    ]


def digests(sources: list[LinkedSource]) -> dict[str, str]:
    """A digest per source, as the pipeline computes one from the linked content."""
    return {ls.path: hashlib.sha256(repr(ls).encode()).hexdigest()[:16] for ls in sources}

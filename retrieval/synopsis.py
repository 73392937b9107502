"""Text generated from structured card facts, so they are findable by text search.

`synopsis_passages` writes one sentence-style summary per entity ("Caduceus is a model
(modality: genetics). Context length: 131072. Datasets: hg38 reference genome, ...") citing the
entity's line range. `fact_passages` renders the remaining generic fields, grouped by their
top-level key, citing exactly the lines of those fields.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kg.ir import Attribute, LinkedSource
from kg.vocab import PROPERTIES


class Passage(NamedTuple):
    """What `retrieval.chunks.make_chunk` needs to build a chunk."""

    text: str
    source: str
    lines: tuple[int, int]
    entity_ids: list[str]
    kind: str
    heading: str


NO_SYNOPSIS_KINDS = {"doc", "modality"}
FACT_GROUP_WORDS = 150
# Properties left out of the synopsis: the name is its subject, prose has its own chunks.
_SKIP_PROPS = {"name", "summary", "objective"}
# Relations worth saying in a synopsis, with the label used there.
_REL_LABELS = {
    "uses_dataset": "Datasets",
    "described_by": "Paper",
    "describes": "Describes",
    "uses_integration": "Integrations",
    "uses_strategy": "Strategies",
    "uses_method": "Methods",
    "uses_model": "Models",
    "intended_for": "Intended for",
    "related_to": "Related",
    "documented_in": "Documented in",
    "part_of": "Part of",
    "refers_to": "Refers to",
}


def entity_names(linked: list[LinkedSource]) -> dict[str, str]:
    """Entity id -> display name across all sources."""
    return {e.id: e.name or e.id for ls in linked for e in ls.parsed.entities}


def _kind_phrase(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def _value(attr: Attribute, names: dict[str, str]) -> str:
    raw = " ".join(str(attr.raw).split())
    return names.get(raw, raw)


def synopsis_text(eid: str, ls: LinkedSource, names: dict[str, str]) -> str:
    """The synopsis sentence(s) of one entity from its attributes and relations."""
    ent = next(e for e in ls.parsed.entities if e.id == eid)
    attrs = [a for a in ls.parsed.attributes if a.entity == eid]
    by_prop: dict[str, list[str]] = {}
    for a in attrs:
        if a.property and a.property not in _SKIP_PROPS:
            vals = by_prop.setdefault(a.property, [])
            v = _value(a, names)
            if v and v not in vals and v != ent.name:
                vals.append(v)
    head = f"{ent.name} is {_kind_phrase(ent.kind)}"
    mods = by_prop.pop("modality", [])
    head += f" (modality: {', '.join(mods)})." if mods else "."
    parts = [head]
    if ent.aliases:
        parts.append(f"Also called: {', '.join(ent.aliases)}.")
    shown = {v for vals in by_prop.values() for v in vals}
    for prop in PROPERTIES:
        if by_prop.get(prop):
            parts.append(f"{PROPERTIES[prop]['label']}: {', '.join(by_prop[prop])}.")
    rels: dict[str, list[str]] = {}
    for r in ls.relations:
        if r.subject == eid and r.predicate in _REL_LABELS:
            name = names.get(r.object, r.object)
            if name not in shown and name not in rels.setdefault(r.predicate, []):
                rels[r.predicate].append(name)
    for pred, vals in rels.items():
        if vals:
            parts.append(f"{_REL_LABELS[pred]}: {', '.join(vals)}.")
    if ent.parent:
        parts.append(f"Part of: {names.get(ent.parent, ent.parent)}.")
    return " ".join(parts)


def synopsis_passages(ls: LinkedSource, names: dict[str, str]) -> list[Passage]:
    """One synopsis per entity of this source (docs and modalities excluded)."""
    out = []
    for ent in ls.parsed.entities:
        if ent.kind in NO_SYNOPSIS_KINDS:
            continue
        text = synopsis_text(ent.id, ls, names)
        lines = (ent.prov.line_start, ent.prov.line_end)
        ents = [ent.id, *([ent.parent] if ent.parent else [])]
        out.append(Passage(text, ent.prov.source, lines, ents, "synopsis", ent.name))
    return out


def _top_key(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def short_name(name: str) -> str:
    """A label-sized name: a long paper title is cut at its colon."""
    return name.split(":")[0].strip() if len(name) > 40 and ":" in name else name


def fact_passages(
    ls: LinkedSource, names: dict[str, str], skip: set[tuple[str, str]]
) -> list[Passage]:
    """Generic card fields (no canonical property, not prose), grouped by top-level key.

    Small neighbouring groups of one entity share a passage (up to FACT_GROUP_WORDS words), so
    one-line fields do not each become a chunk; each passage cites exactly its fields' lines.

    Args:
        ls: the linked source.
        names: entity id -> name, for readable labels.
        skip: (entity, path) pairs already chunked elsewhere (prose fields).
    """
    groups: dict[tuple[str, str], list[Attribute]] = {}
    for a in ls.parsed.attributes:
        if (
            a.property is None
            and a.path != "id"  # the id is already every chunk's entity id
            and (a.entity, a.path) not in skip
            and str(a.raw).strip()
        ):
            groups.setdefault((a.entity, _top_key(a.path)), []).append(a)
    out: list[Passage] = []
    batch: list[Attribute] = []
    keys: list[str] = []
    count = 0

    def flush() -> None:
        nonlocal batch, keys, count
        if batch:
            eid = batch[0].entity
            label = f"{short_name(names.get(eid, eid))} — {', '.join(keys).replace('_', ' ')}"
            lo = min(b.prov.line_start for b in batch)
            hi = max(b.prov.line_end for b in batch)
            body = "; ".join(f"{b.path}: {' '.join(str(b.raw).split())}" for b in batch)
            out.append(Passage(f"{label}: {body}", ls.path, (lo, hi), [eid], "synopsis", label))
        batch, keys, count = [], [], 0

    for (eid, key), attrs in groups.items():
        if batch and batch[0].entity != eid:
            flush()
        for a in attrs:
            w = len(str(a.raw).split()) + 1
            if batch and count + w > FACT_GROUP_WORDS:
                flush()
            if key not in keys:
                keys.append(key)
            batch.append(a)
            count += w
    flush()
    return out

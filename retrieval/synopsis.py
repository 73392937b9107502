"""Text generated from structured card facts, so they are findable by text search.

`synopsis_passages` writes one sentence-style summary per entity ("Caduceus is a model
(modality: genetics). Context length: 131072. Datasets: hg38 reference genome, ...") citing the
entity's line range. `fact_passages` renders the remaining generic fields, grouped by their
top-level key, citing exactly the lines of those fields.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kg.ir import Attribute, Entity, LinkedSource
from kg.vocab import PROPERTIES
from retrieval.value_text import value_text


class Passage(NamedTuple):
    """What `retrieval.chunks.make_chunk` needs to build a chunk."""

    text: str
    source: str
    lines: tuple[int, int]
    entity_ids: list[str]
    kind: str
    heading: str


NO_SYNOPSIS_KINDS = {"doc", "modality"}
FACT_GROUP_WORDS = 120  # rendered words per fact passage: MiniLM reads 256 word pieces
MAX_VALUES = 30  # per label, so a registry with hundreds of parts stays one readable passage
# Properties left out of the synopsis: the name is its subject, prose has its own chunks.
_SKIP_PROPS = {"name", "summary", "objective"}
# Relations said in a synopsis; labels shared with kg.vocab.PROPERTIES merge into one list.
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
# The same relations read from their object's side ("GUE ... Used by: Caduceus, DNABERT-2").
_INVERSE_LABELS = {
    "uses_dataset": "Used by",
    "describes": "Described by",
    "described_by": "Describes",
    "uses_integration": "Used by",
    "uses_strategy": "Used by",
    "uses_method": "Used by",
    "uses_model": "Used by",
    "part_of": "Contains",
}


class Lookups(NamedTuple):
    """What a synopsis needs from the whole KB: names, and relations by their object."""

    names: dict[str, str]
    inverse: dict[str, list[tuple[str, str]]]  # object id -> [(predicate, subject id)]


def kb_lookups(linked: list[LinkedSource]) -> Lookups:
    """Entity names and inverse relations across all sources."""
    names = {e.id: e.name or e.id for ls in linked for e in ls.parsed.entities}
    inverse: dict[str, list[tuple[str, str]]] = {}
    for ls in linked:
        for r in ls.relations:
            if r.predicate in _INVERSE_LABELS:
                inverse.setdefault(r.object, []).append((r.predicate, r.subject))
    return Lookups(names, inverse)


def _kind_phrase(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _aliases(ent: Entity) -> list[str]:
    """Aliases that add something: not the name or id again with other punctuation."""
    seen = {_squash(ent.name), _squash(ent.id)}
    out = []
    for a in ent.aliases:
        if _squash(a) not in seen:
            seen.add(_squash(a))
            out.append(a)
    return out


def synopsis_text(ent: Entity, ls: LinkedSource, lk: Lookups) -> str:
    """The synopsis of one entity from its attributes and its relations both ways."""
    rels = [r for r in ls.relations if r.subject == ent.id]
    resolved = {r.ref for r in rels if r.ref}
    groups: dict[str, list[str]] = {}

    def add(label: str, value: str) -> None:
        vals = groups.setdefault(label, [])
        if value and value != ent.name and value not in vals and len(vals) < MAX_VALUES:
            vals.append(value)

    for a in ls.parsed.attributes:
        if a.entity != ent.id or not a.property or a.property in _SKIP_PROPS:
            continue
        raw = " ".join(str(a.raw).split())
        if PROPERTIES.get(a.property, {}).get("type") == "ref" and raw in resolved:
            continue  # said below by name, from the resolved relation
        label = "modality" if a.property == "modality" else PROPERTIES[a.property]["label"]
        add(label, lk.names.get(raw, value_text(a)))
    for r in rels:
        if r.predicate in _REL_LABELS:
            add(_REL_LABELS[r.predicate], lk.names.get(r.object, r.object))
    for pred, subj in lk.inverse.get(ent.id, ()):
        add(_INVERSE_LABELS[pred], lk.names.get(subj, subj))
    if ent.parent:
        add("Part of", lk.names.get(ent.parent, ent.parent))
    mods = groups.pop("modality", [])
    parts = [
        f"{ent.name} is {_kind_phrase(ent.kind)}"
        + (f" (modality: {', '.join(mods)})." if mods else ".")
    ]
    if aliases := _aliases(ent):
        parts.append(f"Also called: {', '.join(aliases)}.")
    parts.extend(f"{label}: {', '.join(vals)}." for label, vals in groups.items() if vals)
    return " ".join(parts)


def synopsis_passages(ls: LinkedSource, lk: Lookups) -> list[Passage]:
    """One synopsis per entity of this source (docs and modalities excluded)."""
    out = []
    for ent in ls.parsed.entities:
        if ent.kind in NO_SYNOPSIS_KINDS:
            continue
        lines = (ent.prov.line_start, ent.prov.line_end)
        ents = [ent.id, *([ent.parent] if ent.parent else [])]
        out.append(
            Passage(synopsis_text(ent, ls, lk), ent.prov.source, lines, ents, "synopsis", ent.name)
        )
    return out


def _own_path(a: Attribute) -> str:
    """The path below the entity itself: `strategies.x.projector.dim` -> `projector.dim`."""
    marker = f"{a.entity}."
    i = a.path.find(marker)
    return a.path[i + len(marker) :] if i >= 0 else a.path


def _render(a: Attribute) -> str:
    return f"{_own_path(a)}: {value_text(a)}"


def _top_key(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def short_name(name: str) -> str:
    """A label-sized name: a long paper title is cut at its colon."""
    return name.split(":")[0].strip() if len(name) > 40 and ":" in name else name


def fact_passages(ls: LinkedSource, lk: Lookups, skip: set[tuple[str, str]]) -> list[Passage]:
    """Generic card fields (no canonical property, not prose), grouped by top-level key.

    Small neighbouring groups of one entity share a passage (up to FACT_GROUP_WORDS words), so
    one-line fields do not each become a chunk; each passage cites exactly its fields' lines.

    Args:
        ls: the linked source.
        lk: KB lookups (entity names for readable labels).
        skip: (entity, path) pairs already chunked elsewhere (prose fields).
    """
    kinds = {e.id: e.kind for e in ls.parsed.entities}
    groups: dict[tuple[str, str], list[Attribute]] = {}
    for a in ls.parsed.attributes:
        if (
            a.property is None
            and kinds.get(a.entity) != "doc"  # a doc's text is in its section chunks
            and a.path != "id"  # the id is already every chunk's entity id
            and (a.entity, a.path) not in skip
            and str(a.raw).strip()
        ):
            groups.setdefault((a.entity, _top_key(_own_path(a))), []).append(a)
    out: list[Passage] = []
    batch: list[Attribute] = []
    keys: list[str] = []
    count = 0

    def flush() -> None:
        nonlocal batch, keys, count
        if batch:
            eid = batch[0].entity
            label = f"{short_name(lk.names.get(eid, eid))} — {', '.join(keys).replace('_', ' ')}"
            lo = min(b.prov.line_start for b in batch)
            hi = max(b.prov.line_end for b in batch)
            body = "; ".join(_render(b) for b in batch)
            out.append(Passage(f"{label}: {body}", ls.path, (lo, hi), [eid], "synopsis", label))
        batch, keys, count = [], [], 0

    for (eid, key), attrs in groups.items():
        if batch and batch[0].entity != eid:
            flush()
        for a in attrs:
            w = len(_render(a).split())
            if batch and count + w > FACT_GROUP_WORDS:
                flush()
            if key not in keys:
                keys.append(key)
            batch.append(a)
            count += w
    flush()
    return out

"""Nested registries: named entries inside integration cards become entities of their own.

`strategies.<key>` (embedding_strategies.yaml) → kind "strategy", `methods.<key>`
(harmonization_methods.yaml) → "method", `pipelines.<key>` → "pipeline". Generically, any
integration card whose top-level key is strategies / methods / pipelines / recipes /
patterns and holds a mapping of mappings is a registry (recipes count as pipelines,
patterns as strategies: the IR has no separate kinds for them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REGISTRY_KINDS = {
    "strategies": "strategy",
    "methods": "method",
    "pipelines": "pipeline",
    "recipes": "pipeline",
    "patterns": "strategy",
}
_SAFE = re.compile(r"^[A-Za-z0-9_.\-]+$")


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One nested entity: its id, kind, the YAML key it came from and its top-level key."""

    id: str
    kind: str
    key: str
    section: str  # "strategies", "methods", ...
    name: str


def slug(text: str) -> str:
    """An IRI-safe id from any text: letters, digits, '_', '.', '-'."""
    s = re.sub(r"[^A-Za-z0-9_.\-]+", "_", text.strip()).strip("_.-")
    return s or "item"


def registry_entries(data: dict, card_id: str) -> tuple[list[RegistryEntry], list[tuple[str, str]]]:
    """Entries of every registry section of a card, and (section, key) of entries skipped.

    A section is a registry when it is a mapping holding at least one mapping; entries that
    are not mappings are skipped (and reported by the caller). An entry whose key equals
    the card's own id gets `{card_id}.{key}`; collisions with ids of *other* files are
    settled by the linker, which knows all ids.
    """
    out: list[RegistryEntry] = []
    skipped: list[tuple[str, str]] = []
    for section, kind in REGISTRY_KINDS.items():
        block = data.get(section)
        if not isinstance(block, dict) or not any(isinstance(v, dict) for v in block.values()):
            continue
        for key, body in block.items():
            if not isinstance(body, dict):
                skipped.append((section, key))
                continue
            eid = key if _SAFE.match(key) else slug(key)
            if eid == card_id:
                eid = f"{card_id}.{eid}"
            name = body.get("name") if isinstance(body.get("name"), str) else key
            out.append(RegistryEntry(eid, kind, key, section, name))
    return out, skipped


def owner_of(
    segments: tuple, entries_by_path: dict[tuple[str, str], RegistryEntry]
) -> RegistryEntry | None:
    """The nested entry a leaf belongs to, from its first two path segments."""
    if len(segments) >= 2 and isinstance(segments[1], str):
        return entries_by_path.get((segments[0], segments[1]))
    return None

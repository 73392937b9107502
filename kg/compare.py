"""Comparison tables built from card facts: one row per entity, one column per field.

The core works on plain data (entities, their attributes, the conflict list) so it is
testable without a store; `KnowledgeBase.compare` fetches that data and calls `build_table`.
Every cell keeps each value's raw text, normalised value and provenance (file, line).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from kg.cells import family, merge_conflicts, path_cell, path_matches, property_cell, property_of
from kg.errors import UnknownFieldError
from kg.ir import Attribute, Conflict
from kg.table import Cell, Column, Row, Table, order_rows, sort_key
from kg.vocab import PROPERTIES, PROPERTY_SYNONYMS

# Properties that label a row or hold prose/bookkeeping: poor comparison columns by default.
_NOT_DEFAULT = {"name", "title", "summary", "objective", "last_updated", "verified", "status"}
# The key comparison fields of each entity type, in column order (used when well filled).
PREFERRED: dict[str, list[str]] = {
    "model": ["modality", "architecture", "parameters", "context_length", "license", "dataset"],
    "paper": ["year", "venue", "author", "modality", "model", "link"],
    "dataset": ["modality", "access", "domain", "model", "link"],
}
DEFAULT_FIELD_COUNT = 6


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """The identity of one compared entity and where its card is."""

    id: str
    kind: str
    name: str
    source: str = ""
    line: int = 0

    @classmethod
    def of(cls, obj: Any) -> EntitySummary:
        """Accept an `EntitySummary`, an IR `Entity` or a store row (anything with `prov`)."""
        if isinstance(obj, cls):
            return obj
        prov = getattr(obj, "prov", None)
        source = prov.source if prov else getattr(obj, "source", "")
        line = prov.line_start if prov else getattr(obj, "line_start", 0)
        return cls(obj.id, obj.kind, obj.name, source, line)


@dataclass(frozen=True, slots=True)
class Field:
    """A resolved comparison field: a canonical property or a YAML path."""

    key: str
    label: str
    property: str | None = None  # canonical property name, None for a YAML path


# -- fields -----------------------------------------------------------------------------------


def _known_paths(facts: Mapping[str, list[Attribute]]) -> set[str]:
    return {family(a.path) for attrs in facts.values() for a in attrs}


def resolve_field(name: str, facts: Mapping[str, list[Attribute]]) -> Field:
    """Resolve a field name: a canonical property, a synonym or label, or a YAML path.

    Raises:
        UnknownFieldError: no property has that name and no compared entity has that path;
            the error carries `suggestions`.
    """
    text = name.strip()
    key = text.lower()
    prop = _property_for(key)
    if prop is not None:
        return Field(prop, PROPERTIES[prop]["label"], prop)
    if text and any(path_matches(a.path, text) for attrs in facts.values() for a in attrs):
        return Field(text, text, None)
    candidates = sorted(set(PROPERTIES) | set(PROPERTY_SYNONYMS) | _known_paths(facts))
    suggestions = difflib.get_close_matches(text, candidates, n=3, cutoff=0.6)
    hint = f" — did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    exc = UnknownFieldError(f"no property or YAML path {text!r} among the compared entities{hint}")
    exc.suggestions = suggestions  # type: ignore[attr-defined]
    raise exc


def _property_for(key: str) -> str | None:
    norm = re.sub(r"[\s-]+", "_", key)
    if norm in PROPERTIES:
        return norm
    spaced = key.replace("_", " ")
    for k in (key, spaced):
        if k in PROPERTY_SYNONYMS:
            return PROPERTY_SYNONYMS[k]
    labels = {spec["label"].lower(): p for p, spec in PROPERTIES.items()}
    return labels.get(spaced)


def default_fields(
    facts: Mapping[str, list[Attribute]],
    kinds: Iterable[str] = (),
    n: int = DEFAULT_FIELD_COUNT,
) -> list[Field]:
    """The `n` default fields: well-filled properties, the entity type's key ones first.

    Properties filled for at least half the entities come first, in the order the type
    prefers (`PREFERRED`), then by how many entities fill them; the rest follow by fill
    count, and YAML paths of generic attributes only when properties run out.
    """
    props: dict[str, set[str]] = {}
    paths: dict[str, set[str]] = {}
    for eid, attrs in facts.items():
        for a in attrs:
            prop = property_of(a)
            if prop in PROPERTIES and prop not in _NOT_DEFAULT:
                props.setdefault(prop, set()).add(eid)
            elif prop is None and a.path != "id":  # the id already labels the row
                paths.setdefault(family(a.path), set()).add(eid)
    kind_counts = Counter(kinds)
    pref = PREFERRED.get(kind_counts.most_common(1)[0][0], []) if kind_counts else []
    order = list(PROPERTIES)

    def rank(p: str) -> tuple:
        well = 2 * len(props[p]) >= len(facts)
        first = pref.index(p) if well and p in pref else len(pref)
        return (not well, first, -len(props[p]), order.index(p))

    out = [Field(p, PROPERTIES[p]["label"], p) for p in sorted(props, key=rank)[:n]]
    for path in sorted(paths, key=lambda p: -len(paths[p]))[: n - len(out)]:
        out.append(Field(path, path, None))
    return out


def make_cell(f: Field, attrs: list[Attribute], conflicts: Iterable[Conflict] = ()) -> Cell:
    """One entity's cell for a field, with store-reported conflicts merged in."""
    cell = property_cell(f.property, attrs) if f.property else path_cell(f.key, attrs)
    if conflicts:
        merge_conflicts(cell, f.property, f.key, list(conflicts))
    return cell


# -- tables -----------------------------------------------------------------------------------


def _corner(entities: list[EntitySummary]) -> str:
    kinds = {e.kind for e in entities}
    return kinds.pop().capitalize() if len(kinds) == 1 else "Entity"


def build_table(
    entities: Iterable[Any],
    facts: Mapping[str, list[Attribute]],
    fields: Iterable[str] | None = None,
    conflicts: Iterable[Conflict] = (),
    sort: str | None = None,
    descending: bool = False,
) -> Table:
    """Build a comparison table from plain data.

    Args:
        entities: the rows, in order (`EntitySummary`, IR `Entity` or store rows).
        facts: attributes per entity id (all of them, so YAML paths and defaults work);
            only those read from the entity's own file are shown, unless in a conflict.
        fields: field names (property, synonym, label or YAML path); None picks defaults.
        conflicts: store-reported conflicts; those of compared entities mark their cells.
        sort: a field to order rows by (need not be shown), or "name"/"id";
            a leading "-" sorts descending.
        descending: sort descending.

    Raises:
        UnknownFieldError: a field (or the sort field) is neither a property nor a known path.
    """
    ents = [EntitySummary.of(e) for e in entities]
    ents = list({e.id: e for e in ents}.values())
    # Cells come from the entity's own card; facts other files state about it (doc tables)
    # enter a cell only through the conflict list, which has judged them comparable.
    facts = {
        e.id: [a for a in facts.get(e.id, []) if not e.source or a.prov.source == e.source]
        for e in ents
    }
    resolved: list[Field] = []
    for name in fields if fields is not None else ():
        f = resolve_field(name, facts)
        if f.key not in [r.key for r in resolved]:
            resolved.append(f)
    if fields is None:
        resolved = default_fields(facts, [e.kind for e in ents])
    by_entity: dict[str, list[Conflict]] = {}
    for c in conflicts:
        by_entity.setdefault(c.entity, []).append(c)
    columns = [Column(f.key, f.label, f.property) for f in resolved]
    rows = [
        Row(
            e.id,
            e.name,
            [make_cell(f, facts[e.id], by_entity.get(e.id, ())) for f in resolved],
            e.kind,
            e.source,
            e.line,
        )
        for e in ents
    ]
    table = Table(columns, rows, _corner(ents))
    if sort:
        return _sort_by(table, sort, descending, facts, by_entity)
    return table


def _sort_by(
    table: Table,
    sort: str,
    descending: bool,
    facts: Mapping[str, list[Attribute]],
    by_entity: Mapping[str, list[Conflict]],
) -> Table:
    if sort.startswith("-"):
        sort, descending = sort[1:], True
    if sort.strip().lower() in ("name", "id"):
        return table.sorted(sort.strip().lower(), descending)
    f = resolve_field(sort, facts)
    if f.key in [c.key for c in table.columns]:
        return table.sorted(f.key, descending)
    keyed = [
        (r, sort_key(make_cell(f, facts[r.key], by_entity.get(r.key, ())))) for r in table.rows
    ]
    return replace(table, rows=order_rows(keyed, descending))

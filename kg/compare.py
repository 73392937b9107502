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
from functools import lru_cache
from typing import Any

from kg.errors import UnknownFieldError
from kg.ir import Attribute, Conflict
from kg.table import Cell, CellValue, Column, Row, Table, order_rows, sort_key, value_key
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
_INDEX = re.compile(r"\[\d+\]")
_LAST_INDEX = re.compile(r"\[\d+\]$")


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


def _family(path: str) -> str:
    return _INDEX.sub("[]", path)


def path_matches(path: str, field_path: str) -> bool:
    """Whether an attribute's YAML path falls under a field path (`datasets` ⊇ `datasets[2]`)."""
    for cand in (path, _family(path)):
        if cand == field_path or cand.startswith((field_path + ".", field_path + "[")):
            return True
    return False


def _known_paths(facts: Mapping[str, list[Attribute]]) -> set[str]:
    return {_family(a.path) for attrs in facts.values() for a in attrs}


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
                paths.setdefault(_family(a.path), set()).add(eid)
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


# -- cells ------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _patterns(prop: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for p in PROPERTIES.get(prop, {}).get("paths", []):
        rx = re.escape(p).replace(r"\[\]", r"\[\d+\]").replace(r"\*", r"[^.\[\]]+")
        out.append((re.compile(rx + "$"), p.split(".")[-1].replace("[]", "")))
    return tuple(out)


@lru_cache(maxsize=65536)  # paths repeat across cards; called per field per attribute
def _rank(prop: str, path: str) -> int | None:
    for i, (rx, _leaf) in enumerate(_patterns(prop)):
        if rx.match(path):
            return i
    return None


@lru_cache(maxsize=8192)
def _list_item_property(path: str) -> str | None:
    base = _LAST_INDEX.sub("", path)
    if base == path:
        return None
    return next((p for p in PROPERTIES if _rank(p, base) is not None), None)


def property_of(a: Attribute) -> str | None:
    """An attribute's canonical property; list items of a scalar field (`arch.parameters[1]`
    beside `arch.parameters: 117M` elsewhere) count as that field's values."""
    return a.property if a.property is not None else _list_item_property(a.path)


def _rank_of(prop: str, a: Attribute) -> int | None:
    return _rank_at(prop, a.path, a.property is not None)


@lru_cache(maxsize=65536)
def _rank_at(prop: str, path: str, has_property: bool) -> int | None:
    r = _rank(prop, path)
    return r if r is not None or has_property else _rank(prop, _LAST_INDEX.sub("", path))


def property_cell(prop: str, attrs: Iterable[Attribute]) -> Cell:
    """The cell of a canonical property from one entity's card attributes.

    The first vocabulary path present in the card is the primary value (as in kg.vocab);
    other paths with the same leaf name (`context_length` and `arch.context_length`) join
    it, and two such paths whose normalised values share nothing are a conflict (list items
    of one path are several values, never a conflict). Differently named paths
    (`license.weights` beside `license.code`) stay out: they are fields of their own.
    """
    # A path the vocabulary lists for `prop` counts even when the parser gave it a more
    # specific property: `license.weights` is the license when a card states nothing else.
    ranked = [
        (a, r) for a in attrs if (r := _rank_of(prop, a)) is not None or property_of(a) == prop
    ]
    pats = _patterns(prop)
    present = [r for _, r in ranked if r is not None]
    keep: set[int] = set()
    if present:
        leaf = pats[min(present)][1]
        keep = {r for r in present if pats[r][1] == leaf}
    chosen = [(a, r) for a, r in ranked if r is None or r in keep]
    chosen.sort(key=lambda ar: (ar[1] if ar[1] is not None else len(pats), ar[0].prov.line_start))
    groups: dict[Any, set[Any]] = {}
    for a, r in chosen:
        if a.value is not None:  # text the normaliser could not read ("TBD") cannot disagree
            gkey = r if r is not None else _family(a.path)
            groups.setdefault(gkey, set()).add(value_key(CellValue.of(a)))
    sets = list(groups.values())
    conflict = any(not (x & y) for i, x in enumerate(sets) for y in sets[i + 1 :])
    return Cell([CellValue.of(a) for a, _ in chosen], conflict=conflict)


def path_cell(path: str, attrs: Iterable[Attribute]) -> Cell:
    """The cell of a YAML-path field: every leaf under that path, in file order."""
    return Cell([CellValue.of(a) for a in attrs if path_matches(a.path, path)])


def _apply_conflicts(cell: Cell, f: Field, conflicts: list[Conflict]) -> None:
    for c in conflicts:
        shown = {(v.source, v.path) for v in cell.values}
        other_property = f.property is not None and c.property != f.property
        if other_property and not any((a.prov.source, a.path) in shown for a in c.values):
            continue
        values = [a for a in c.values if f.property is not None or path_matches(a.path, f.key)]
        if not values:
            continue
        cell.conflict = True
        have = {(v.source, v.line, v.path) for v in cell.values}
        for a in values:
            if (a.prov.source, a.prov.line_start, a.path) not in have:
                cell.values.append(CellValue.of(a))


def make_cell(f: Field, attrs: list[Attribute], conflicts: Iterable[Conflict] = ()) -> Cell:
    """One entity's cell for a field, with store-reported conflicts merged in."""
    cell = property_cell(f.property, attrs) if f.property else path_cell(f.key, attrs)
    if conflicts:
        _apply_conflicts(cell, f, list(conflicts))
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

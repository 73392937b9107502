"""Table cells from one entity's attributes: which facts a field selects, and conflicts.

A canonical property is read from the YAML paths `kg.vocab.PROPERTIES` lists for it (the
first present is the primary value); a YAML-path field selects every leaf under that path.
Each value keeps its provenance; disagreement marks the cell as a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from kg.ir import Attribute, Conflict
from kg.table import Cell, CellValue, value_key
from kg.vocab import PROPERTIES

_INDEX = re.compile(r"\[\d+\]")
_LAST_INDEX = re.compile(r"\[\d+\]$")


def family(path: str) -> str:
    """A YAML path with list indices generalised: `datasets[2]` → `datasets[]`."""
    return _INDEX.sub("[]", path)


def path_matches(path: str, field_path: str) -> bool:
    """Whether an attribute's YAML path falls under a field path (`datasets` ⊇ `datasets[2]`)."""
    for cand in (path, family(path)):
        if cand == field_path or cand.startswith((field_path + ".", field_path + "[")):
            return True
    return False


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
            gkey = r if r is not None else family(a.path)
            groups.setdefault(gkey, set()).add(value_key(CellValue.of(a)))
    sets = list(groups.values())
    conflict = any(not (x & y) for i, x in enumerate(sets) for y in sets[i + 1 :])
    return Cell([CellValue.of(a) for a, _ in chosen], conflict=conflict)


def path_cell(path: str, attrs: Iterable[Attribute]) -> Cell:
    """The cell of a YAML-path field: every leaf under that path, in file order."""
    return Cell([CellValue.of(a) for a in attrs if path_matches(a.path, path)])


def merge_conflicts(cell: Cell, prop: str | None, key: str, conflicts: list[Conflict]) -> None:
    """Mark `cell` and add the values of every conflict about its property (or path)."""
    for c in conflicts:
        shown = {(v.source, v.path) for v in cell.values}
        other_property = prop is not None and c.property != prop
        if other_property and not any((a.prov.source, a.path) in shown for a in c.values):
            continue
        values = [a for a in c.values if prop is not None or path_matches(a.path, key)]
        if not values:
            continue
        cell.conflict = True
        have = {(v.source, v.line, v.path) for v in cell.values}
        for a in values:
            if (a.prov.source, a.prov.line_start, a.path) not in have:
                cell.values.append(CellValue.of(a))

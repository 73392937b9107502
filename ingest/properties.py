"""Map YAML paths to canonical properties (kg.vocab.PROPERTIES) and normalise leaf values.

A pattern segment is a literal key, `*` (any one key), `[]` (any list index) or `**` (any
number of segments). When several patterns match a path the most specific wins: more
literal segments, then fewer wildcards, then the pattern listed first for its property
(so `domain` is the property `domain`, `title` is `title`, `license.weights` is
`license_weights`), then the property listed first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.normalize import (
    NULL_WORDS,
    count_unit,
    is_uri,
    modalities_for,
    parse_bool,
    parse_count,
    parse_date,
    parse_venue,
    parse_year,
)
from kg.vocab import PROPERTIES

IDX = "[]"
ANY = "*"
DEEP = "**"


def parse_pattern(pattern: str) -> tuple[str, ...]:
    """`checkpoints[].name` → ("checkpoints", "[]", "name")."""
    segs: list[str] = []
    for part in pattern.split("."):
        depth = 0
        while part.endswith(IDX):
            part, depth = part[: -len(IDX)], depth + 1
        if part:
            segs.append(part)
        segs.extend([IDX] * depth)
    return tuple(segs)


def shape(segments: tuple[str | int, ...]) -> tuple[str, ...]:
    """A concrete path with list indices replaced by `[]`."""
    return tuple(IDX if isinstance(s, int) else s for s in segments)


def matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Does a pattern (with `*`, `[]`, `**`) match a path shape?"""
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == DEEP:
        return any(matches(rest, path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    seg = path[0]
    if head == IDX:
        ok = seg == IDX
    elif head == ANY:
        ok = seg != IDX
    else:
        ok = head == seg
    return ok and matches(rest, path[1:])


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: tuple[str, ...]
    prop: str
    rank: tuple[int, int, int, int]


def _rules() -> list[_Rule]:
    rules = []
    for order, (prop, spec) in enumerate(PROPERTIES.items()):
        for pos, pat in enumerate(spec["paths"]):
            segs = parse_pattern(pat)
            literal = sum(1 for s in segs if s not in (IDX, ANY, DEEP))
            wild = sum(1 for s in segs if s in (ANY, DEEP))
            rules.append(_Rule(segs, prop, (-literal, wild, pos, order)))
    return sorted(rules, key=lambda r: r.rank)


_RULES = _rules()


@lru_cache(maxsize=8192)
def property_for_shape(path_shape: tuple[str, ...]) -> str | None:
    """The canonical property of a path shape, or None for a generic attribute."""
    for rule in _RULES:
        if len(rule.pattern) == len(path_shape) and matches(rule.pattern, path_shape):
            return rule.prop
    if path_shape and path_shape[-1] == IDX:
        # A list written where one value was expected (`parameters: [1B, 7B]`) keeps the property.
        return property_for_shape(path_shape[:-1])
    return None


def property_type(prop: str | None) -> str:
    return PROPERTIES[prop]["type"] if prop in PROPERTIES else "string"


def plain_value(value: Any) -> tuple[Any, str]:
    """Normalise a YAML value by its own type: (value, datatype)."""
    if isinstance(value, bool):
        return value, "boolean"
    if isinstance(value, int):
        return value, "integer"
    if isinstance(value, float):
        return value, "decimal"
    if isinstance(value, (dt.date, dt.datetime)):
        return parse_date(value), "date"
    if value is None:
        return None, "string"
    text = str(value).strip()
    if text.lower() in NULL_WORDS:
        return None, "string"
    if is_uri(text):
        return text, "uri"
    iso = parse_date(text)
    if iso:
        return iso, "date"
    return text, "string"


def normalise(
    prop: str | None, value: Any, raw: str, counted: bool = False
) -> tuple[Any, str, str | None]:
    """Normalise one leaf for its property: (value, datatype, unit).

    `counted` forces count parsing for generic paths that hold counts (e.g. `counts.*`).
    """
    ptype = "count" if counted and prop is None else property_type(prop)
    if ptype == "count":
        if isinstance(value, bool):
            return None, "integer", None
        if isinstance(value, float) and not value.is_integer():
            return value, "decimal", None  # `counts.repetition_time_seconds: 0.72` is no count
        return parse_count(value if value is not None else raw), "integer", count_unit(raw)
    if ptype == "year":
        return parse_year(value), "integer", None
    if ptype == "date":
        return parse_date(value), "date", None
    if ptype == "boolean":
        return parse_bool(value), "boolean", None
    if prop == "venue":
        return parse_venue(value), "string", None
    if ptype == "modality":
        ids = modalities_for(value)
        if ids:
            return ",".join(ids), "string", None
    return (*plain_value(value), None)

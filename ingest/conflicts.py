"""Find facts that disagree: one property of one entity stated differently.

Attributes are grouped by (entity, property) over all linked sources, including doc
claims; a model also inherits the `year` and `venue` of every paper that describes it.
Only properties whose values can be compared are checked (counts, years, venue, licence,
access, repository); free text like architecture descriptions always "differs".

- Across sources: two sources conflict when the sets of values they state share nothing.
- Within one source: two different YAML paths (list indices ignored) state different
  numbers, e.g. `context_length: 1200` vs `arch.context_length: 16384`.

Numbers written approximately ("~150M", "131k", "up to 1M") match within 5 %.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

from ingest.normalize import is_approximate
from kg.ir import Attribute, Conflict, LinkedSource

COMPARABLE = {
    "parameters",
    "context_length",
    "year",
    "venue",
    "license",
    "license_weights",
    "access",
    "repo",
}
INHERITED_FROM_PAPER = ("year", "venue")
_INDEX = re.compile(r"\[\d+\]")


def _base_path(path: str) -> str:
    return _INDEX.sub("", path.split(":", 1)[0])


def _key(a: Attribute):
    """A comparison key: numbers as floats, text folded, URLs without scheme and '.git'."""
    v = a.value
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    text = re.sub(r"\s+", " ", str(v)).strip().casefold()
    if a.property == "repo":
        text = (
            re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
            .removeprefix("www.")
            .rstrip("/")
            .removesuffix(".git")
        )
    return text


def _same(a: Attribute, b: Attribute) -> bool:
    ka, kb = _key(a), _key(b)
    if isinstance(ka, float) and isinstance(kb, float):
        if ka == kb:
            return True
        if is_approximate(a.raw) or is_approximate(b.raw):
            return abs(ka - kb) <= 0.05 * max(abs(ka), abs(kb))
        return False
    return ka == kb


def _disjoint(xs: list[Attribute], ys: list[Attribute]) -> bool:
    return not any(_same(x, y) for x in xs for y in ys)


def _groups(linked: list[LinkedSource]) -> dict[tuple[str, str], list[Attribute]]:
    groups: dict[tuple[str, str], list[Attribute]] = defaultdict(list)
    by_entity: dict[str, list[Attribute]] = defaultdict(list)
    for ls in linked:
        for a in ls.parsed.attributes:
            if a.property in COMPARABLE and a.value is not None:
                groups[(a.entity, a.property)].append(a)
                by_entity[a.entity].append(a)
    for ls in linked:
        for r in ls.relations:
            if r.predicate != "described_by":
                continue
            for a in by_entity.get(r.object, ()):
                if a.property in INHERITED_FROM_PAPER and a not in groups[(r.subject, a.property)]:
                    groups[(r.subject, a.property)].append(a)
    return groups


def _conflicting(attrs: list[Attribute]) -> bool:
    by_source: dict[str, list[Attribute]] = defaultdict(list)
    for a in attrs:
        by_source[a.prov.source].append(a)
    if any(_disjoint(xs, ys) for xs, ys in combinations(by_source.values(), 2)):
        return True
    for xs in by_source.values():
        by_path: dict[str, list[Attribute]] = defaultdict(list)
        for a in xs:
            if isinstance(a.value, (int, float)) and not isinstance(a.value, bool):
                by_path[_base_path(a.path)].append(a)
        if any(_disjoint(p, q) for p, q in combinations(by_path.values(), 2)):
            return True
    return False


def find_conflicts(linked: list[LinkedSource]) -> list[Conflict]:
    """Every (entity, property) whose stated values disagree, with all the values stated.

    Each returned attribute keeps its own provenance (file, line, path), so a reader can see
    who said what. Sorted by entity and property.
    """
    out = []
    for (entity, prop), attrs in sorted(_groups(linked).items()):
        if len(attrs) > 1 and _conflicting(attrs):
            out.append(Conflict(entity, prop, list(attrs)))
    return out

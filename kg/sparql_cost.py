"""A bound on the work of a plain lookup, from one generation's fan-out statistics.

Nothing can interrupt a pyoxigraph query, so only queries whose work is bounded in advance
may run in the serving process. For plain triple patterns that form a tree grown from a
pattern anchored by a constant (e.g. `<model> nokg:fact ?f . ?f nokg:value ?o`), every
partial solution is a path in the data, so the index steps are at most the anchor's rows
times the largest fan-out of each further predicate, times the number of patterns. The
fan-outs (the most objects one subject has for a predicate, and the most subjects one
object has) are measured once per generation. Joins that are not trees (`?m a Model .
?d a Dataset . ?m uses ?d`) or that meet a hub (`?m a Model ; tag ?a ; tag ?b`) exceed
the budget and go to a killable worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg.sparql_shape import Pattern, Shape, is_var, masked

# Index steps a query may take in the serving process (~1 µs each: ~10 ms at worst).
INLINE_WORK_BUDGET = 10_000
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FAN_OUT_QUERIES = {
    "out": "SELECT ?p (MAX(?n) AS ?m) { SELECT ?p ?s (COUNT(*) AS ?n) { ?s ?p ?o } "
    "GROUP BY ?p ?s } GROUP BY ?p",
    "in": "SELECT ?p (MAX(?n) AS ?m) { SELECT ?p ?o (COUNT(*) AS ?n) { ?s ?p ?o } "
    "GROUP BY ?p ?o } GROUP BY ?p",
}
_PREFIX_DECL = re.compile(r"PREFIX\s+([^\s:]*):\s*(<[^>]*>)", re.I)


@dataclass(frozen=True)
class FanOut:
    """Per predicate IRI: the most objects one subject has (`out`), the most subjects one
    object has (`into`)."""

    out: dict[str, int]
    into: dict[str, int]

    @classmethod
    def from_tsv(cls, out_tsv: bytes, in_tsv: bytes) -> FanOut:
        """Build from the TSV results of FAN_OUT_QUERIES."""

        def table(tsv: bytes) -> dict[str, int]:
            sols = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
            return {s["p"].value: int(s["m"].value) for s in sols if s["p"] is not None}

        return cls(table(out_tsv), table(in_tsv))

    def card(self, pattern: tuple[str | None, str | None, str | None]) -> int:
        """Upper bound of the rows of an anchored pattern (None: a variable)."""
        s, p, o = pattern
        if s is not None and o is not None:
            return 1 if p is not None else max(1, len(self.out))
        table = self.out if s is not None else self.into
        return table.get(p, 0) if p is not None else sum(table.values())


def work_bound(query: str, shape: Shape, fan: FanOut, prefixes: dict[str, str]) -> int | None:
    """Upper bound of the index steps of a plain query, or None when none can be given."""
    groups = shape.groups
    if groups is None:
        return None
    m = masked(query)
    known = dict(prefixes)
    for d in _PREFIX_DECL.finditer(m, 0, shape.form_at):
        known[d.group(1)] = query[d.start(2) + 1 : d.end(2) - 1]
    total = 0
    for group in groups:
        bound = _group_bound(group, fan, known)
        if bound is None:
            return None
        total += bound
    return total


def _iri(term: str, prefixes: dict[str, str]) -> str | None:
    if term == "a":
        return RDF_TYPE
    if term.startswith("<"):
        iri = term[1:-1]
        return iri if ":" in iri else None  # relative IRIs would need BASE: not judged
    prefix, sep, local = term.partition(":")
    if not sep or prefix not in prefixes or term[0] in "\"'0123456789":
        return None
    return prefixes[prefix] + local


def _group_bound(group: tuple[Pattern, ...], fan: FanOut, prefixes: dict[str, str]) -> int | None:
    if len(group) <= 1:
        return 1  # a lone pattern yields a row per step; the row cap bounds it
    roots = [t for t in group if not is_var(t[0]) or not is_var(t[2])]
    if not roots:
        return None
    worst = 0
    for root in roots:  # the planner may start from any anchored pattern
        s, p, o = root
        if is_var(p):
            pred = None
        elif (pred := _iri(p, prefixes)) is None:
            return None
        cost = max(1, fan.card((None if is_var(s) else s, pred, None if is_var(o) else o)))
        bound = {t for t in root if is_var(t)}
        todo = [t for t in group if t is not root]
        while todo:
            step = _next_step(todo, bound, fan, prefixes)
            if step is None:
                return None
            todo.remove(step[0])
            cost *= max(1, step[1])
        worst = max(worst, cost * len(group))
    return worst


def _next_step(
    todo: list[Pattern], bound: set[str], fan: FanOut, prefixes: dict[str, str]
) -> tuple[Pattern, int] | None:
    """A pattern joined to the tree by exactly one variable, and its fan-out from there."""
    for t in todo:
        s, p, o = t
        ends = [v for v in (s, o) if is_var(v)]
        shared = [v for v in ends if v in bound]
        if is_var(p) or len(shared) != 1 or len(set(ends)) != len(ends):
            continue
        pred = _iri(p, prefixes)
        if pred is None:
            return None
        bound.update(ends)
        return t, (fan.out if shared[0] == s else fan.into).get(pred, 0)
    return None

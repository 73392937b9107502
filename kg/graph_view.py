"""A networkx view of the graph for walks: neighbourhoods and shortest chains of relations.

Built from the SQL store's entities and relations (`build_graph`); every edge keeps the
predicate and the file and lines it was written at, so a path can be cited step by step.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.errors import NoPathError, UnknownEntityError
from kg.ir import Relation
from kg.vocab import RELATIONS


@dataclass(frozen=True, slots=True)
class Step:
    """One edge of a walk, in walking order: ``start`` to ``end`` over ``predicate``.

    ``forward`` is False when the walk crosses the relation against its direction
    (the relation as written is ``end predicate start``).
    """

    start: str
    predicate: str
    end: str
    forward: bool
    source: str
    lines: tuple[int, int]

    @property
    def label(self) -> str:
        """Human label of the predicate (``uses dataset``)."""
        return RELATIONS.get(self.predicate, ("", self.predicate.replace("_", " ")))[1]

    def __str__(self) -> str:
        arrow = f"—{self.label}→" if self.forward else f"←{self.label}—"
        return f"{self.start} {arrow} {self.end}  ({self.source}:{self.lines[0]})"


@dataclass(frozen=True, slots=True)
class Neighbor:
    """An entity reached from the start within some depth, and the edge that reached it."""

    id: str
    kind: str
    name: str
    distance: int
    via: Step


def build_graph(entities: Iterable[Any], relations: Iterable[Relation]) -> nx.MultiDiGraph:
    """A directed multigraph: nodes are entity ids (attrs ``kind``, ``name``), edges relations.

    Args:
        entities: anything with ``id``, ``kind`` and ``name`` (IR `Entity` or `EntityRow`).
        relations: IR relations; endpoints without an entity get ``kind="unknown"``.

    Edge attributes: ``predicate``, ``source``, ``lines`` (start, end), ``path``, ``ref``.
    """
    g = nx.MultiDiGraph()
    for e in entities:
        g.add_node(e.id, kind=e.kind, name=e.name)
    for r in relations:
        for end in (r.subject, r.object):
            if end not in g:
                g.add_node(end, kind="unknown", name=end)
        g.add_edge(
            r.subject,
            r.object,
            predicate=r.predicate,
            source=r.prov.source,
            lines=(r.prov.line_start, r.prov.line_end),
            path=r.prov.path,
            ref=r.ref,
        )
    return g


def _require(g: nx.MultiDiGraph, id: str) -> None:
    if id not in g:
        raise UnknownEntityError(id)


def _steps(g: nx.MultiDiGraph, u: str, v: str) -> list[Step]:
    """Every edge between u and v, as steps from u, forward ones first."""
    out = []
    for a, b, forward in ((u, v, True), (v, u, False)):
        for data in (g.get_edge_data(a, b) or {}).values():
            out.append(Step(u, data["predicate"], v, forward, data["source"], data["lines"]))
    return sorted(out, key=lambda s: (not s.forward, s.predicate, s.source, s.lines))


def neighbors(g: nx.MultiDiGraph, id: str, depth: int = 1) -> list[Neighbor]:
    """Entities within `depth` relations of `id` (either direction), nearest first.

    Raises:
        UnknownEntityError: `id` is not a node of the graph.
    """
    _require(g, id)
    seen = {id}
    found: list[Neighbor] = []
    frontier = deque([(id, 0)])
    while frontier:
        node, dist = frontier.popleft()
        if dist >= depth:
            continue
        nexts = sorted(set(g.successors(node)) | set(g.predecessors(node)))
        for other in nexts:
            if other in seen:
                continue
            seen.add(other)
            attrs = g.nodes[other]
            found.append(
                Neighbor(other, attrs["kind"], attrs["name"], dist + 1, _steps(g, node, other)[0])
            )
            frontier.append((other, dist + 1))
    return found


def shortest_path(g: nx.MultiDiGraph, a: str, b: str) -> list[Step]:
    """The shortest chain of relations from `a` to `b`, walking edges in either direction.

    Returns:
        The steps in order, each with its predicate, direction and provenance; empty when
        ``a == b``.

    Raises:
        UnknownEntityError: `a` or `b` is not a node of the graph.
        NoPathError: no chain of relations connects them.
    """
    _require(g, a)
    _require(g, b)
    try:
        nodes = nx.shortest_path(g.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        raise NoPathError(
            f"no chain of relations connects {a!r} and {b!r} — they are in separate parts of "
            f"the graph; try `kg neighbors {a}` to see what {a!r} is linked to"
        ) from None
    return [_steps(g, u, v)[0] for u, v in zip(nodes, nodes[1:], strict=False)]

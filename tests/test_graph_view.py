"""Graph walks: neighbourhoods and shortest chains of relations, each step with its source."""

from __future__ import annotations

import pytest
from store_fixtures import dataset_source, small_kb

from kg.errors import NoPathError, UnknownEntityError
from kg.graph_view import build_graph, neighbors, shortest_path
from kg.sql import SqlStore


def graph(sources=None):
    sources = sources if sources is not None else small_kb()
    entities = [e for ls in sources for e in ls.parsed.entities]
    return build_graph(entities, [r for ls in sources for r in ls.relations])


def test_nodes_and_edges_keep_kind_name_and_provenance():
    g = graph()
    assert g.nodes["brainjepa"] == {"kind": "model", "name": "Brain-JEPA"}
    [edge] = g.get_edge_data("brainjepa", "ukb_fmri").values()
    assert edge["predicate"] == "uses_dataset"
    assert (edge["source"], edge["lines"], edge["path"]) == (
        "kb/model_cards/brainjepa.yaml",
        (20, 20),
        "datasets[0]",
    )


def test_neighbors_walk_both_directions_up_to_a_depth():
    g = graph()
    near = neighbors(g, "ukb_fmri")
    assert {(n.id, n.distance) for n in near} == {("brainjepa", 1), ("brainlm", 1), ("fmri", 1)}
    via = {n.id: n.via for n in near}
    assert not via["brainjepa"].forward and via["brainjepa"].predicate == "uses_dataset"
    two = {n.id: n.distance for n in neighbors(g, "ukb_fmri", depth=2)}
    assert two["brainjepa_2024"] == 2 and two["docs/models/brainjepa.md"] == 2
    with pytest.raises(UnknownEntityError):
        neighbors(g, "nope")


def test_shortest_path_lists_each_relation_with_its_source_line():
    steps = shortest_path(graph(), "docs/models/brainjepa.md", "brainlm")
    # two chains of three relations exist (via fmri or via ukb_fmri); either is shortest
    assert len(steps) == 3
    assert (steps[0].predicate, steps[0].end, steps[0].forward) == ("mentions", "brainjepa", True)
    assert all(a.end == b.start for a, b in zip(steps, steps[1:], strict=False))
    assert (steps[2].end, steps[2].forward) == ("brainlm", False)
    assert steps[2].source == "kb/model_cards/brainlm.yaml"
    assert (
        str(steps[0])
        == "docs/models/brainjepa.md —mentions→ brainjepa  (docs/models/brainjepa.md:4)"
    )
    assert f"←{steps[2].label}— brainlm" in str(steps[2])
    assert shortest_path(graph(), "brainlm", "brainlm") == []


def test_no_path_and_unknown_ids_raise_clear_errors():
    g = graph(small_kb() + [dataset_source("island", "Isolated data")])
    g.remove_edges_from([("island", "fmri")] * 2)
    with pytest.raises(NoPathError, match="no chain of relations connects 'island' and 'brainlm'"):
        shortest_path(g, "island", "brainlm")
    with pytest.raises(UnknownEntityError, match="ghost"):
        shortest_path(g, "brainlm", "ghost")


def test_the_view_builds_from_the_sql_store(tmp_path):
    store = SqlStore(f"sqlite:///{tmp_path / 'kg.sqlite'}")
    store.migrate()
    sources = small_kb()
    store.apply(sources, {}, [], [], None, "g1")
    g = build_graph(store.all_entities(), store.all_relations())
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 8
    assert [s.end for s in shortest_path(g, "brainjepa_2024", "ukb_fmri")] == [
        "brainjepa",
        "ukb_fmri",
    ]
    store.dispose()

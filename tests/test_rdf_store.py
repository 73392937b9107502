"""The on-disk RDF store: named graph per source, generations staged beside live readers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from store_fixtures import BASE, dataset_source, model_source, small_kb

from kg.rdf.mapping import quads_for, vocabulary_quads
from kg.rdf.store import RdfStore
from kg.rdf.terms import NS, source_iri

MODEL = "kb/model_cards/brainjepa.yaml"
DOC = "docs/models/brainjepa.md"

CONTEXT_QUERY = """SELECT ?e ?path ?line ?value ?g WHERE {
    GRAPH ?g { ?e nokg:fact ?f . ?f nokg:propertyName "context_length" ;
                  nokg:yamlPath ?path ; nokg:line ?line ; nokg:value ?value } }
    ORDER BY ?e"""


def graphs(sources, base: str = BASE) -> dict[str, list[ox.Quad]]:
    kinds = {e.id: e.kind for ls in sources for e in ls.parsed.entities}
    return {ls.path: quads_for(ls, base, kinds) for ls in sources}


def rows(store: ox.Store, query: str) -> list[tuple]:
    res = store.query(query, prefixes=NS, use_default_graph_as_union=True)
    return [tuple(None if t is None else t.value for t in row) for row in res]


def context_lengths(store: ox.Store) -> dict[str, str]:
    return {e.rsplit("/", 1)[1]: v for e, _p, _l, v, _g in rows(store, CONTEXT_QUERY)}


def graph_quads(store: ox.Store, path: str) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(source_iri(BASE, path))))


@pytest.fixture
def rdf(tmp_path) -> RdfStore:
    store = RdfStore(tmp_path / "rdf", BASE)
    store.stage(None, "g1", {**graphs(small_kb()), "<vocabulary>": vocabulary_quads(BASE)}, [])
    return store


def test_a_cold_build_holds_one_named_graph_per_source(rdf):
    store = rdf.open_read("g1")
    named = {g.value for g in store.named_graphs()}
    assert named == {source_iri(BASE, ls.path) for ls in small_kb()} | {f"{BASE}/vocab"}
    assert rdf.graph_iri(MODEL) == ox.NamedNode(source_iri(BASE, MODEL))
    assert rdf.open_read("g1") is store  # one cached handle per generation
    assert rdf.generations() == ["g1"] and rdf.has_generation("g1")


def test_sparql_returns_an_attributes_yaml_path_line_and_graph(rdf):
    found = rows(rdf.open_read("g1"), CONTEXT_QUERY)
    assert found[0] == (
        f"{BASE}/model/brainjepa",
        "arch.context_length",
        "8",
        "160",
        source_iri(BASE, MODEL),
    )


def test_replacing_one_source_changes_only_its_graph(rdf):
    old = rdf.open_read("g1")
    untouched = {p: graph_quads(old, p) for p in (DOC, "kb/model_cards/brainlm.yaml")}
    changed = model_source(paper="brainjepa_2024", context_length=4096, content="v2")
    rdf.stage("g1", "g2", graphs([changed]), [])
    new = rdf.open_read("g2")

    assert context_lengths(new) == {"brainjepa": "4096", "brainlm": "200"}
    assert {p: graph_quads(new, p) for p in untouched} == untouched
    assert len(new) == len(old)  # same shape of card, one value changed
    assert context_lengths(old) == {"brainjepa": "160", "brainlm": "200"}  # old readers unaffected


def test_deleting_a_source_drops_its_graph_only(rdf):
    rdf.stage("g1", "g2", {}, [DOC])
    new, old = rdf.open_read("g2"), rdf.open_read("g1")
    assert not new.contains_named_graph(ox.NamedNode(source_iri(BASE, DOC)))
    assert old.contains_named_graph(ox.NamedNode(source_iri(BASE, DOC)))
    assert len(old) - len(new) == len(graph_quads(old, DOC))


def test_a_reader_keeps_its_generation_while_the_next_is_staged_and_collected(rdf):
    reader = rdf.open_read("g1")
    before = len(reader)
    rdf.stage("g1", "g2", graphs([dataset_source("new_ds", "New dataset")]), [MODEL])
    assert len(reader) == before
    assert "brainjepa" in context_lengths(reader)
    assert "brainjepa" not in context_lengths(rdf.open_read("g2"))

    rdf.stage("g2", "g3", graphs([model_source(content="back")]), [])
    assert rdf.gc(keep={"g3"}) == ["g1", "g2"]
    assert rdf.generations() == ["g3"]
    with pytest.raises(FileNotFoundError, match="g1"):
        rdf.open_read("g1")
    assert set(context_lengths(rdf.open_read("g3"))) == {"brainjepa", "brainlm"}


def test_graphs_written_under_another_base_are_still_dropped(tmp_path):
    rdf = RdfStore(tmp_path / "rdf")  # default base IRI, the quads use another one
    rdf.stage(None, "a", graphs(small_kb(), "https://other.example/kb"), [])
    rdf.stage("a", "b", {}, [MODEL])
    named = {g.value for g in rdf.open_read("b").named_graphs()}
    assert "https://other.example/kb/source/" + MODEL not in named and len(named) == 5


def test_a_failed_staging_is_replaced_and_generation_names_are_checked(rdf):
    rdf.stage("g1", "g2", graphs([model_source(context_length=1, content="x")]), [])
    rdf.stage("g1", "g2", graphs([model_source(context_length=2, content="y")]), [])
    assert context_lengths(rdf.open_read("g2"))["brainjepa"] == "2"
    with pytest.raises(ValueError):
        rdf.stage("g2", "g2", {}, [])
    with pytest.raises(ValueError):
        rdf.path_of("../x")


def test_the_vocabulary_graph_is_replaced_through_its_own_key(rdf):
    rdf.stage("g1", "g2", {"<vocabulary>": vocabulary_quads(BASE)}, [])
    vocab = ox.NamedNode(f"{BASE}/vocab")
    assert len(list(rdf.open_read("g2").quads_for_pattern(None, None, None, vocab))) == len(
        vocabulary_quads(BASE)
    )


def test_large_changes_go_in_batches_of_whole_sources_with_the_same_result(rdf, monkeypatch):
    import kg.rdf.store as store_module

    kb = small_kb()
    changed = graphs([model_source(context_length=320, content="v2"), *kb[1:]])
    rdf.stage("g1", "whole", changed, [])
    monkeypatch.setattr(store_module, "_BATCH", 3)  # every source is a batch of its own
    lazy = ((path, iter(quads)) for path, quads in changed.items())  # values read once
    rdf.stage("g1", "batched", dict(lazy), [])
    whole, batched = rdf.open_read("whole"), rdf.open_read("batched")
    assert set(batched) == set(whole) and len(batched) == len(whole)
    assert context_lengths(batched)["brainjepa"] == "320"

"""The ingest pipeline end to end: incremental, atomic, and keeping last good versions."""

from __future__ import annotations

import pytest
from conftest import make_settings, write_kb

from kg.errors import IngestError
from kg.knowledge_base import KnowledgeBase

CARDS = {
    "model_cards/alpha.yaml": """
        id: alpha
        name: Alpha-DNA
        modality: genetics
        arch:
          parameters: "~150M (d_model=256)"
        context_length: 131072
        datasets: [hg_ref]
    """,
    "model_cards/beta.yaml": """
        id: beta
        name: BetaBrain
        modality: fmri
        datasets: [hg_ref]
    """,
    "datasets/hg_ref.yaml": """
        id: hg_ref
        name: Reference genome
        access: public
    """,
    "docs/overview.md": """
        # Overview

        Alpha-DNA reads long DNA windows; BetaBrain reads fMRI.
    """,
}


def _kb(tmp_path, database_url=None, embed=False) -> KnowledgeBase:
    kb_dir = write_kb(tmp_path / "kb", CARDS)
    return KnowledgeBase(make_settings(kb_dir, tmp_path / "home", database_url, embed))


def _graph_quads(kb: KnowledgeBase, path: str) -> set[str]:
    g = kb.stores.rdf.graph_iri(path)
    store = kb.stores.rdf_read()
    return {str(q) for q in store.quads_for_pattern(None, None, None, g)}


def _context_length(kb: KnowledgeBase, entity: str):
    rows = kb.sparql(
        f"""SELECT ?v WHERE {{ ?e nokg:fact ?f . ?f nokg:propertyName "context_length" ;
        nokg:value ?v . FILTER(STRENDS(STR(?e), "/{entity}")) }}"""
    ).rows
    return [r[0].value for r in rows]


def test_no_change_reingest_writes_nothing(tmp_path, database_url):
    kb = _kb(tmp_path, database_url)
    first = kb.ingest()
    assert first.changed and first.generation
    second = kb.ingest()
    assert not second.changed
    assert second.parsed == 0  # every file came from the parse cache
    assert kb.stores.current_generation() == first.generation


def test_index_made_by_other_chunking_or_embedder_is_rebuilt_without_a_new_generation(
    tmp_path, monkeypatch
):
    import retrieval.index

    kb = _kb(tmp_path, embed=True)
    first = kb.ingest()
    assert not kb.ingest().reindexed  # a current index is left alone
    assert kb.search("long DNA windows", k=1)[0].chunk.source == "docs/overview.md"

    monkeypatch.setattr(retrieval.index, "CHUNKING_VERSION", 999)
    report = kb.ingest()
    assert report.reindexed and not report.changed
    assert kb.stores.current_generation() == first.generation
    meta = (kb.stores.index_dir(first.generation) / "meta.json").read_text()
    assert '"chunking": 999' in meta
    assert not kb.ingest().reindexed

    # Another embedder: the old index would refuse to load; the next ingest rebuilds it.
    kb.settings.retrieval.embedder = "hash-32"
    assert kb.ingest().reindexed
    assert kb.search("long DNA windows", k=1)[0].chunk.source == "docs/overview.md"


def test_editing_one_file_replaces_only_its_rows_and_graph(tmp_path, database_url):
    kb = _kb(tmp_path, database_url)
    kb.ingest()
    before_states = kb.stores.sql.source_states()
    beta_graph = _graph_quads(kb, "model_cards/beta.yaml")

    card = tmp_path / "kb" / "model_cards" / "alpha.yaml"
    card.write_text(card.read_text().replace("131072", "1000000"))
    report = kb.ingest()

    assert report.upserted == ["model_cards/alpha.yaml"]
    assert _context_length(kb, "alpha") == ["1000000"]
    after_states = kb.stores.sql.source_states()
    for path, state in before_states.items():
        if path != "model_cards/alpha.yaml":
            assert after_states[path].digest == state.digest, path
    assert _graph_quads(kb, "model_cards/beta.yaml") == beta_graph


def test_deleting_a_file_removes_its_facts(tmp_path, database_url):
    kb = _kb(tmp_path, database_url)
    kb.ingest()
    (tmp_path / "kb" / "model_cards" / "beta.yaml").unlink()
    report = kb.ingest()
    assert report.deleted == ["model_cards/beta.yaml"]
    assert kb.stores.sql.get_entity("beta") is None
    assert not kb.sparql('ASK { ?e nokg:yamlPath ?p . FILTER(CONTAINS(STR(?e), "beta")) }').boolean
    assert _graph_quads(kb, "model_cards/beta.yaml") == set()


def test_a_broken_edit_keeps_the_last_good_version(tmp_path, database_url):
    kb = _kb(tmp_path, database_url)
    kb.ingest()
    card = tmp_path / "kb" / "model_cards" / "alpha.yaml"
    card.write_text("id: alpha\nname: [unclosed\n")
    report = kb.ingest()

    assert report.failed == ["model_cards/alpha.yaml"]
    broken = [f for f in kb.findings() if f.source == "model_cards/alpha.yaml"]
    assert broken and broken[0].line >= 1 and broken[0].severity == "error"
    # The old facts are still there, in SQL and in SPARQL, and still link.
    assert kb.show("alpha").name == "Alpha-DNA"
    assert _context_length(kb, "alpha") == ["131072"]
    assert any(r.object == "hg_ref" for r in kb.show("alpha").outgoing)
    # The same broken file again is no change.
    assert not kb.ingest().changed
    # Fixing it brings the new version in.
    card.write_text("id: alpha\nname: Alpha-DNA v2\ncontext_length: 4096\n")
    kb.ingest()
    assert kb.show("alpha").name == "Alpha-DNA v2"
    assert _context_length(kb, "alpha") == ["4096"]


def test_a_failure_while_writing_leaves_the_previous_graph_current(tmp_path):
    kb = _kb(tmp_path, embed=True)
    first = kb.ingest()
    card = tmp_path / "kb" / "model_cards" / "alpha.yaml"
    card.write_text(card.read_text().replace("131072", "2048"))
    # A model path that does not exist makes the index stage fail after RDF was staged.
    kb.settings.retrieval.embedder = str(tmp_path / "no-such-model")
    with pytest.raises(IngestError, match="previous graph stays current"):
        kb.ingest()
    assert kb.stores.current_generation() == first.generation
    assert _context_length(kb, "alpha") == ["131072"]
    assert kb.stores.rdf.generations() == [first.generation]
    kb.settings.retrieval.embedder = "hash"
    assert kb.ingest().changed
    assert _context_length(kb, "alpha") == ["2048"]


def test_adding_a_card_resolves_references_in_other_files(tmp_path):
    kb = _kb(tmp_path)
    kb.ingest()
    write_kb(
        tmp_path / "kb", {"model_cards/gamma.yaml": "id: gamma\nname: Gamma\ndatasets: [new_set]\n"}
    )
    kb.ingest()
    assert any(f.code == "unresolved-ref" and "new_set" in f.message for f in kb.findings())
    write_kb(tmp_path / "kb", {"datasets/new_set.yaml": "id: new_set\nname: New set\n"})
    kb.ingest()
    assert not any(f.code == "unresolved-ref" for f in kb.findings())
    assert any(r.object == "new_set" for r in kb.show("gamma").outgoing)

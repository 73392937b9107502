"""The ingest reads each source back from the parse cache as it writes it: failures on the
way still leave the previous generation current, and streamed writes lose nothing."""

from __future__ import annotations

import shutil

import pytest
from conftest import make_settings, write_kb

from kg.errors import IngestError
from kg.knowledge_base import KnowledgeBase

CARDS = {
    "model_cards/alpha.yaml": """
        id: alpha
        name: Alpha-DNA
        context_length: 131072
        datasets: [hg_ref]
    """,
    "model_cards/zeta.yaml": """
        id: zeta
        name: Zeta
        context_length: 2048
    """,
    "datasets/hg_ref.yaml": """
        id: hg_ref
        name: Reference genome
    """,
}


def _kb(tmp_path) -> KnowledgeBase:
    kb_dir = write_kb(tmp_path / "kb", CARDS)
    return KnowledgeBase(make_settings(kb_dir, tmp_path / "home"))


def _context_length(kb: KnowledgeBase, entity: str) -> list[str]:
    return [a.raw for a in kb.stores.sql.attributes(entity) if a.path == "context_length"]


def _edit(tmp_path, rel: str, old: str, new: str) -> None:
    card = tmp_path / "kb" / rel
    card.write_text(card.read_text().replace(old, new))


def test_a_sql_failure_while_rdf_streams_keeps_the_previous_generation(tmp_path, monkeypatch):
    kb = _kb(tmp_path)
    first = kb.ingest()
    _edit(tmp_path, "model_cards/alpha.yaml", "131072", "4096")

    from kg.sql.source_rows import SourceRows

    real_add = SourceRows.add

    def failing_add(self, linked):
        if linked.path == "model_cards/alpha.yaml":
            raise RuntimeError("disk full")
        real_add(self, linked)

    monkeypatch.setattr(SourceRows, "add", failing_add)
    with pytest.raises(IngestError, match="previous graph stays current"):
        kb.ingest()
    assert kb.stores.current_generation() == first.generation
    assert kb.stores.rdf.generations() == [first.generation]
    assert _context_length(kb, "alpha") == ["131072"]

    monkeypatch.setattr(SourceRows, "add", real_add)
    assert kb.ingest().upserted == ["model_cards/alpha.yaml"]
    assert _context_length(kb, "alpha") == ["4096"]


def test_a_parse_gone_from_the_cache_mid_ingest_fails_cleanly(tmp_path):
    kb = _kb(tmp_path)
    first = kb.ingest()
    _edit(tmp_path, "model_cards/alpha.yaml", "131072", "4096")
    cache = kb.settings.state_dir() / "parse-cache"

    def progress(stage, done, total):
        if stage == "write" and done == 0:  # as if another ingest pruned the cache now
            shutil.rmtree(cache)
            cache.mkdir()

    with pytest.raises(IngestError, match="parse cache"):
        kb.ingest(progress)
    assert kb.stores.current_generation() == first.generation
    assert _context_length(kb, "alpha") == ["131072"]
    report = kb.ingest()  # parses again and catches up
    assert report.upserted == ["model_cards/alpha.yaml"] and report.parsed == len(CARDS)
    assert _context_length(kb, "alpha") == ["4096"]


def test_an_id_moving_to_an_earlier_file_is_written_in_one_ingest(tmp_path):
    kb = _kb(tmp_path)
    kb.ingest()
    # alpha.yaml is written before zeta.yaml: its new row for 'zeta' must not meet the old.
    _edit(tmp_path, "model_cards/alpha.yaml", "id: alpha", "id: zeta")
    _edit(tmp_path, "model_cards/zeta.yaml", "id: zeta", "id: omega")
    report = kb.ingest()
    assert report.upserted == ["model_cards/alpha.yaml", "model_cards/zeta.yaml"]
    assert kb.stores.sql.get_entity("zeta").source == "model_cards/alpha.yaml"
    assert _context_length(kb, "omega") == ["2048"]
    assert kb.stores.sql.get_entity("alpha") is None


def test_a_target_changing_kind_rewrites_the_files_that_link_to_it(tmp_path):
    kb = _kb(tmp_path)
    kb.ingest()
    iri = kb.stores.base_iri
    (tmp_path / "kb" / "datasets" / "hg_ref.yaml").rename(
        tmp_path / "kb" / "model_cards" / "hg_ref.yaml"
    )
    report = kb.ingest()
    assert "model_cards/alpha.yaml" in report.upserted  # its graph names hg_ref's IRI
    assert kb.sparql(f"ASK {{ <{iri}/model/alpha> ?p <{iri}/model/hg_ref> }}").boolean
    assert not kb.sparql(f"ASK {{ <{iri}/model/alpha> ?p <{iri}/dataset/hg_ref> }}").boolean

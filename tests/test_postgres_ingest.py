"""PostgreSQL as the SQL store: the reference corpus ingested into a fresh schema reads the
same as from SQLite — stats, every entity's facts, findings, conflicts, comparison tables —
and incremental ingest (no change, one edit, a deletion, a broken file) behaves the same."""

from __future__ import annotations

import shutil

import pytest
from conftest import fresh_pg_schema, make_settings

from kg.knowledge_base import KnowledgeBase

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(pg_database):
    """A fresh schema in the session's PostgreSQL database, dropped afterwards."""
    with fresh_pg_schema(pg_database, prefix="corpus") as url:
        yield url


def _view(kb: KnowledgeBase) -> dict:
    """Everything a user reads from the SQL store, in a comparable form."""
    stats = {k: v for k, v in kb.stats().items() if k != "generation"}
    entities = sorted(e.id for e in kb.stores.sql.all_entities())
    return {
        "stats": stats,
        "entities": entities,
        "facts": {i: kb.show(i) for i in entities},
        "findings": sorted(map(str, kb.findings())),
        "conflicts": sorted(map(repr, kb.conflicts())),
    }


def _same(a: KnowledgeBase, b: KnowledgeBase) -> None:
    va, vb = _view(a), _view(b)
    assert va["stats"] == vb["stats"]
    assert va["entities"] == vb["entities"]
    differing = [i for i in va["entities"] if va["facts"][i] != vb["facts"][i]]
    assert differing == []
    assert va["findings"] == vb["findings"] and va["conflicts"] == vb["conflicts"]


def _both(tmp_path, corpus, pg_url) -> tuple[KnowledgeBase, KnowledgeBase]:
    kb_dir = tmp_path / "kb"
    shutil.copytree(corpus, kb_dir)  # a copy we may edit; the corpus stays read-only
    lite = KnowledgeBase(make_settings(kb_dir, tmp_path / "sqlite"))
    pg = KnowledgeBase(make_settings(kb_dir, tmp_path / "pg", database_url=pg_url))
    return lite, pg


def test_the_corpus_reads_the_same_from_postgresql_as_from_sqlite(tmp_path, corpus, pg_url):
    lite, pg = _both(tmp_path, corpus, pg_url)
    r_lite, r_pg = lite.ingest(), pg.ingest()
    assert pg.stores.sql.engine.dialect.name == "postgresql"
    assert sorted(r_pg.upserted) == sorted(r_lite.upserted) and len(r_pg.upserted) > 100
    assert r_pg.counts == r_lite.counts and r_pg.counts["model"] >= 20
    _same(lite, pg)
    models = [e.id for e in pg.stores.sql.find_entities("model", limit=1000)[0]]
    fields = ["modality", "parameters", "context_length", "license"]
    assert pg.compare(models, fields) == lite.compare(models, fields)
    assert pg.compare(kind="model", modality="fmri") == lite.compare(kind="model", modality="fmri")


def test_incremental_ingest_behaves_the_same_on_postgresql(tmp_path, corpus, pg_url):
    lite, pg = _both(tmp_path, corpus, pg_url)
    lite.ingest(), pg.ingest()
    gen = pg.stats()["generation"]
    again = pg.ingest()
    assert again.upserted == [] and again.deleted == [] and pg.stats()["generation"] == gen

    kb_dir = tmp_path / "kb"
    card = next(
        p for p in sorted((kb_dir / "kb/model_cards").glob("*.yaml")) if "name:" in p.read_text()
    )
    rel = card.relative_to(kb_dir).as_posix()
    card.write_text(card.read_text() + "\nbench_note: edited for the PostgreSQL test\n")
    doc = next(iter(sorted((kb_dir / "docs").rglob("*.md"))))
    doc.unlink()
    r_lite, r_pg = lite.ingest(), pg.ingest()
    assert r_pg.upserted == r_lite.upserted and rel in r_pg.upserted
    assert r_pg.deleted == r_lite.deleted == [doc.relative_to(kb_dir).as_posix()]
    entity = next(e.id for e in pg.stores.sql.all_entities() if e.source == rel)
    assert any(a.path == "bench_note" for a in pg.show(entity).attributes)
    _same(lite, pg)

    card.write_text("id: [unclosed\n  name: broken\n")
    r_lite, r_pg = lite.ingest(), pg.ingest()
    assert r_pg.failed == r_lite.failed == [rel]
    # the broken file keeps its last good facts, and the finding says where it broke
    assert any(a.path == "bench_note" for a in pg.show(entity).attributes)
    assert any(f.source == rel and f.line for f in pg.findings())
    _same(lite, pg)

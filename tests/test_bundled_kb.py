"""The bundled kb/: valid, linked, consistent and complete enough for comparison tables."""

from __future__ import annotations

import pytest
import yaml
from conftest import BUNDLED_KB, ROOT, make_settings

from kg.knowledge_base import KnowledgeBase

# The fields researchers compare models on (canonical properties, kg/vocab.py).
COMPARISON_FIELDS = (
    "parameters", "context_length", "license", "license_weights", "modality", "architecture",
    "tokenizer", "year", "repo", "dataset", "task", "domain", "checkpoint", "integration",
)  # fmt: skip


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> KnowledgeBase:
    kb = KnowledgeBase(make_settings(BUNDLED_KB, tmp_path_factory.mktemp("bundled")))
    kb.ingest()
    return kb


def test_validate_is_clean(bundled):
    findings = bundled.validate()
    assert [str(f) for f in findings] == []


def test_no_conflicts(bundled):
    assert [(c.entity, c.property) for c in bundled.conflicts()] == []


def test_counts_meet_the_floor(bundled):
    kinds = bundled.stats()["entities"]
    assert kinds["model"] >= 18
    assert kinds["paper"] >= 24
    assert kinds["dataset"] >= 15
    assert kinds["integration"] >= 8
    assert kinds["doc"] >= 10


def test_every_model_fills_eight_comparison_fields(bundled):
    models, _ = bundled.stores.sql.find_entities(kind="model", limit=1000)
    facts = bundled.stores.sql.attributes_for([m.id for m in models])
    thin = {}
    for m in models:
        if "catalog" in m.id:
            continue  # a catalogue card lists many models; it has no single size or licence
        filled = {
            a.property
            for a in facts.get(m.id, [])
            if a.property in COMPARISON_FIELDS
            and a.prov.source.startswith("model_cards/")
            and a.value not in (None, "")
        }
        if len(filled) < 8:
            thin[m.id] = sorted(filled)
    assert thin == {}


def test_every_model_links_to_paper_datasets_and_modality(bundled):
    models, _ = bundled.stores.sql.find_entities(kind="model", limit=1000)
    unlinked = {}
    for m in models:
        if "catalog" in m.id:
            continue  # a catalogue card lists many models; it has no single paper
        preds = {r.predicate for r in bundled.stores.sql.relations(m.id, "out")}
        missing = {"described_by", "uses_dataset", "has_modality"} - preds
        if missing:
            unlinked[m.id] = sorted(missing)
    assert unlinked == {}


def test_the_kb_question_set_is_large_and_covers_every_type():
    items = yaml.safe_load((ROOT / "tests" / "qa" / "kb_qa.yaml").read_text())
    assert len(items) >= 40
    assert {i["type"] for i in items} == {
        "lookup", "relation", "filter", "compare", "multi_hop", "text", "unanswerable",
    }  # fmt: skip
    for item in items:
        for src in item.get("gold_sources", []):
            assert (BUNDLED_KB / src).is_file(), f"{item['id']}: {src} does not exist"

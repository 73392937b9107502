"""The synthetic KB generator writes a KB a user could ingest: right layout, fields, links."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest
import yaml

from bench.synth import generate_kb, main

LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")


def _cards(root: Path, folder: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((root / folder).glob("*.yaml"))}


def _resolve(root: Path) -> tuple[int, int]:
    """Check every reference the generator writes against what exists: (total, unresolved)."""
    models, papers = _cards(root, "kb/model_cards"), _cards(root, "kb/paper_cards")
    datasets, integ = _cards(root, "kb/datasets"), _cards(root, "kb/integration_cards")
    exps = _cards(root, "configs/experiments")
    strategies = {s for c in integ.values() for s in c.get("strategies", {})}
    refs: list[bool] = []
    for c in models.values():
        refs += [d in datasets for d in c["datasets"]] + [i in integ for i in c["integrations"]]
    for c in papers.values():
        refs += [(root / r).is_file() for r in c["related_to"]]
    refs += [(root / c["schema_ref"].split("#")[0]).is_file() for c in datasets.values()]
    for c in integ.values():
        refs += [m in models for m in c.get("models", [])] + [
            d in datasets for d in c.get("datasets", [])
        ]
        for entry in [*c.get("strategies", {}).values(), *c.get("methods", {}).values()]:
            refs += [e in exps for e in entry["intended_use"]]
            refs += [(root / s).is_file() for s in entry.get("sources", [])]
    for c in exps.values():
        refs += [(root / d["source"]).is_file() for d in c["datasets"].values()]
        refs += [s in strategies for s in c["embedding_strategies"].values()]
        for prep in c["feature_preparation"].values():
            refs += [prep["model"] in models, (root / prep["model_card"]).is_file()]
        refs += [(root / r).is_file() for r in c["references"]]
    for doc in root.glob("docs/**/*.md"):
        rel = doc.relative_to(root).as_posix()
        for target in LINK.findall(doc.read_text()):
            refs.append(
                (
                    root / posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
                ).is_file()
            )
    return len(refs), refs.count(False)


def test_layout_fields_and_counts(tmp_path: Path) -> None:
    counts = generate_kb(tmp_path, 50, seed=1)
    assert counts["model_cards"] + counts["paper_cards"] + counts["dataset_cards"] == 46
    assert counts["docs"] == 5 and counts["files"] == 55
    models = _cards(tmp_path, "kb/model_cards")
    assert len(models) == counts["model_cards"] == 20
    for stem, card in models.items():
        assert card["id"] == stem  # the linker keys cards by id; the file name must agree
        assert {
            "name",
            "modality",
            "summary",
            "arch",
            "datasets",
            "tasks",
            "tags",
            "license",
        } <= set(card)
        assert isinstance(card["context_length"], int) and card["arch"]["parameters"].startswith(
            "~"
        )
        assert str(card["last_updated"]) == "2025-11-15"
    papers = _cards(tmp_path, "kb/paper_cards")
    assert len(papers) == counts["paper_cards"]
    for card in papers.values():
        assert (
            "id" not in card and isinstance(card["year"], int) and card["authors"][-1] == "et al."
        )
        assert all(r.startswith(("kb/model_cards/", "docs/")) for r in card["related_to"])
    for card in _cards(tmp_path, "kb/datasets").values():
        assert isinstance(card["counts"]["subjects"], int) and card["modalities"]
    registry = yaml.safe_load(
        (tmp_path / "kb/integration_cards/embedding_strategies.yaml").read_text()
    )
    assert len(registry["strategies"]) == 8
    for card in _cards(tmp_path, "configs/experiments").values():
        assert card["experiment_name"] and len(card["embedding_strategies"]) == 2
    doc = next((tmp_path / "docs/models").rglob("*.md")).read_text()
    assert doc.startswith("---\ntitle:") and "| --- |" in doc and '!!! note "' in doc
    assert "<!-- model-id: " in doc and "\n## " in doc and "\n### " in doc
    assert json.loads((tmp_path / ".synth.json").read_text())["n_cards"] == 50


def test_every_reference_resolves_unless_deliberately_broken(tmp_path: Path) -> None:
    counts = generate_kb(tmp_path, 200, seed=3, broken=0.0)
    total, unresolved = _resolve(tmp_path)
    assert total == counts["refs"] > 300
    assert unresolved == counts["broken_refs"] == 0


def test_broken_fraction_is_honoured_and_reported(tmp_path: Path) -> None:
    counts = generate_kb(tmp_path, 200, seed=3, broken=0.1)
    total, unresolved = _resolve(tmp_path)
    assert total == counts["refs"]
    assert unresolved == counts["broken_refs"]  # the report matches what a linker will find
    assert 0.06 < unresolved / total < 0.14


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    def snapshot(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    generate_kb(tmp_path / "a", 50, seed=7)
    generate_kb(tmp_path / "b", 50, seed=7)
    generate_kb(tmp_path / "c", 50, seed=8)
    a, b, c = snapshot(tmp_path / "a"), snapshot(tmp_path / "b"), snapshot(tmp_path / "c")
    assert a == b
    assert a != c


def test_cli_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main([str(tmp_path), "--cards", "20"]) == 0
    assert json.loads(capsys.readouterr().out)["model_cards"] == 8
    assert main([str(tmp_path), "--cards", "20"]) == 2
    assert "--force" in capsys.readouterr().err
    assert main([str(tmp_path), "--cards", "30", "--force"]) == 0
    assert len(list((tmp_path / "kb/model_cards").glob("*.yaml"))) == 12


def test_yaml_emitter_round_trips_values_that_plain_yaml_would_change() -> None:
    from bench.synth.yamlout import Block, Flow, Raw, dump

    tricky = [
        "yes",
        "on",
        "No",
        "null",
        "a: b",
        "x #y",
        "2025-11-15",
        "007",
        "-dash",
        "ends:",
        "",
        "µ×",
    ]
    card = {
        "plain": tricky,
        "flow": Flow(["Kim, A.", 'say "hi"']),
        "nested": [{"name": "ckpt", "path": "https://h.co/x"}],
        "folded": Block("one two three " * 20, ">-"),
        "literal": Block("line 1\n  indented\n"),
        "count": Raw("3_200_000  # bases"),
        "empty": [],
    }
    back = yaml.safe_load(dump(card))
    assert back["plain"] == tricky
    assert back["flow"] == ["Kim, A.", 'say "hi"']
    assert back["nested"] == [{"name": "ckpt", "path": "https://h.co/x"}]
    assert back["folded"] == ("one two three " * 20).strip()
    assert back["literal"] == "line 1\n  indented\n"
    assert back["count"] == 3_200_000 and back["empty"] == []


def test_ingest_finds_exactly_the_broken_references_and_queries_answer(tmp_path: Path) -> None:
    """The real pipeline reads a synthetic KB cleanly: the only findings are the typos."""
    from conftest import make_settings

    from bench.sparql_peers import QUERIES
    from kg.knowledge_base import KnowledgeBase

    counts = generate_kb(tmp_path / "kb", 150, seed=0, broken=0.03)
    kb = KnowledgeBase(make_settings(tmp_path / "kb", tmp_path / "home"))
    kb.ingest()
    findings = kb.findings()
    assert [f.code for f in findings] == ["unresolved-ref"] * counts["broken_refs"], findings
    assert all("did you mean" in f.hint for f in findings)  # near misses, as designed
    assert kb.stats()["entities"]["model"] == counts["model_cards"]
    store = kb.stores.rdf_read()
    for name, query in QUERIES.items():  # the peer benchmark's queries fit the real store
        assert list(store.query(query, use_default_graph_as_union=True)), name

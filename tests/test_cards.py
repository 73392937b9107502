"""YAML cards → IR, on every card of the reference corpus and on small cards in tmp_path."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import yaml
from parse_helpers import CORPUS, MAX_BYTES, parse_kb, write

from ingest.discover import discover
from ingest.kb_config import KBConfig
from ingest.parse import parse_source
from kg.ir import SourceFile

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="reference corpus not available")


@pytest.fixture(scope="module")
def corpus_cards():
    sources, _ = discover(CORPUS, KBConfig(), MAX_BYTES)
    cards = [s for s in sources if s.kind != "doc"]
    return {s.path: parse_source(CORPUS, s, MAX_BYTES) for s in cards}


def attrs_by_path(parsed):
    return {a.path: a for a in parsed.attributes}


def test_every_corpus_card_parses(corpus_cards):
    assert len(corpus_cards) == 85
    bad = {p: [str(f) for f in ps.findings] for p, ps in corpus_cards.items() if not ps.ok}
    assert bad == {}
    kinds = Counter(e.kind for ps in corpus_cards.values() for e in ps.entities)
    assert kinds == {
        "model": 20,
        "paper": 30,
        "dataset": 19,
        "integration": 6,
        "experiment": 10,
        "strategy": 23,
        "method": 4,
        "pipeline": 3,
    }


def _leaves(value, path=""):
    if isinstance(value, dict):
        if not value and path:
            yield path, value
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        if not value:
            yield path, value
        for i, v in enumerate(value):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def _last_key(path: str) -> str:
    return path.rsplit(".", 1)[-1].split("[", 1)[0]


def test_nothing_in_a_card_is_lost(corpus_cards):
    """Every scalar leaf yaml.safe_load sees is an attribute at the same path and a true line."""
    checked = 0
    for path, parsed in corpus_cards.items():
        text = (CORPUS / path).read_text(encoding="utf-8")
        lines = text.splitlines()
        attrs = attrs_by_path(parsed)
        for leaf_path, value in _leaves(yaml.safe_load(text)):
            assert leaf_path in attrs, f"{path}: {leaf_path} missing"
            a = attrs[leaf_path]
            line = lines[a.prov.line_start - 1]
            first_value_line = str(value).strip().splitlines()[0] if str(value).strip() else ""
            assert _last_key(leaf_path) in line or (
                first_value_line and first_value_line[:20] in line
            ), f"{path}:{a.prov.line_start}: {leaf_path} not on this line: {line!r}"
            if isinstance(value, str):
                assert a.raw == value
            elif isinstance(value, (list, dict)):
                assert a.raw in ("[]", "{}") and a.value is None
            checked += 1
    assert checked > 3500


def test_properties_and_normalised_values(corpus_cards):
    cad = attrs_by_path(corpus_cards["kb/model_cards/caduceus.yaml"])
    assert (cad["arch.parameters"].property, cad["arch.parameters"].value) == (
        "parameters",
        150_000_000,
    )
    assert cad["arch.parameters"].raw == "~150M (d_model=256, n_layer=16)"
    assert (cad["arch.context_length"].property, cad["arch.context_length"].value) == (
        "context_length",
        131072,
    )
    assert cad["context_length"].property == "context_length"
    assert cad["checkpoints[0].context_length"].property is None  # only the listed paths carry it
    assert (cad["license.code"].property, cad["license.weights"].property) == (
        "license",
        "license_weights",
    )
    assert (cad["datasets[1]"].property, cad["datasets[1]"].value) == (
        "dataset",
        "genomic_benchmarks",
    )
    assert (cad["tags[0]"].property, cad["checkpoints[1].name"].property) == ("tag", "checkpoint")
    assert (cad["last_updated"].value, cad["last_updated"].datatype) == ("2025-11-15", "date")
    assert (cad["verified"].value, cad["verified"].datatype) == (False, "boolean")
    assert (cad["repo"].datatype, cad["domain"].property, cad["modality"].value) == (
        "uri",
        "domain",
        "genetics",
    )
    assert (
        cad["arch.optimizer_defaults.lr"].value == 0.008
        and cad["arch.optimizer_defaults.lr"].property is None
    )
    jepa = attrs_by_path(corpus_cards["kb/model_cards/brainjepa.yaml"])
    assert jepa["arch.parameters"].raw == "TBD" and jepa["arch.parameters"].value is None
    evo = attrs_by_path(corpus_cards["kb/model_cards/evo2.yaml"])
    assert [evo[f"arch.parameters[{i}]"].value for i in range(3)] == [10**9, 7 * 10**9, 40 * 10**9]
    flamingo = attrs_by_path(corpus_cards["kb/model_cards/flamingo.yaml"])
    assert flamingo["datasets"].raw == "[]" and flamingo["inference_api.endpoint"].value is None
    gener = attrs_by_path(corpus_cards["kb/datasets/gener_tasks.yaml"])
    assert (gener["counts.records"].raw, gener["counts.records"].value) == ("157_334", 157_334)


def test_paper_ids_names_and_venue_years(corpus_cards):
    paper = corpus_cards["kb/paper_cards/caduceus_2024.yaml"]
    e = paper.entities[0]
    assert (e.id, e.kind) == ("caduceus_2024", "paper")
    assert e.name.startswith("Caduceus: Bi-Directional")
    a = attrs_by_path(paper)
    assert (a["venue"].property, a["venue"].value, a["venue"].raw) == ("venue", "ICML", "ICML 2024")
    assert (a["venue:year"].property, a["venue:year"].value) == ("year", 2024)
    assert a["year"].value == 2024 and a["authors[0]"].property == "author"
    yoon = attrs_by_path(corpus_cards["kb/paper_cards/yoon_biokdd2025.yaml"])
    assert yoon["venue:year"].value == 2025 and yoon["venue"].value == "BIOKDD Workshop"
    # Journal papers write `journal:` where conference papers write `venue:`.
    prs = attrs_by_path(corpus_cards["kb/paper_cards/prs_guide.yaml"])
    assert (prs["journal"].property, prs["journal"].value) == ("venue", "Nature Protocols")


def test_experiment_ids_come_from_file_stems(corpus_cards):
    exp = corpus_cards["configs/experiments/01_cca_gene_smri.yaml"]
    assert (exp.entities[0].id, exp.entities[0].name) == (
        "01_cca_gene_smri",
        "CCA: Gene × sMRI Baseline",
    )
    a = attrs_by_path(exp)
    assert a["objective"].property == "objective" and a["created"].value == "2025-11-17"
    refs = {(r.predicate, r.text) for r in exp.references if not r.mention}
    assert ("uses_dataset", "kb/datasets/ukb_wes.yaml") in refs
    assert ("uses_strategy", "genetics_gene_fm_pca512_v1") in refs
    assert ("uses_model", "caduceus") in refs and (
        "uses_model",
        "kb/model_cards/caduceus.yaml",
    ) in refs


def test_aliases_cover_common_spellings(corpus_cards):
    e = corpus_cards["kb/model_cards/brainjepa.yaml"].entities[0]
    assert {"BrainJEPA", "brainjepa", "brain jepa", "brain-jepa"} <= {e.id, e.name, *e.aliases}
    m3 = corpus_cards["kb/model_cards/m3fm.yaml"].entities[0]
    assert "M3FM" in m3.aliases  # the name before its parenthesis


def test_a_name_the_summary_says_a_model_goes_by_is_an_alias(tmp_path):
    summary = "A brain model (released as BrainHarmonix) that fuses scans."
    write(
        tmp_path,
        {"kb/model_cards/h.yaml": f"id: harmony\nname: Brain Harmony\nsummary: {summary}\n"},
    )
    assert "BrainHarmonix" in parse_kb(tmp_path)[0].entities[0].aliases
    # An ordinary word after "released as" is no name.
    summary = "Weights released as ordinary files."
    write(
        tmp_path,
        {"kb/model_cards/h.yaml": f"id: harmony\nname: Brain Harmony\nsummary: {summary}\n"},
    )
    assert not any("ordinary" in a for a in parse_kb(tmp_path)[0].entities[0].aliases)


def test_registry_entries_are_entities(corpus_cards):
    strat = corpus_cards["kb/integration_cards/embedding_strategies.yaml"]
    by_id = {e.id: e for e in strat.entities}
    e = by_id["smri_free_surfer_pca512_v1"]
    assert (e.kind, e.parent, e.prov.line_start) == ("strategy", "embedding_strategies", 6)
    dim = next(
        a
        for a in strat.attributes
        if a.path == "strategies.smri_free_surfer_pca512_v1.projector.dim"
    )
    assert (dim.entity, dim.value, dim.prov.line_start) == ("smri_free_surfer_pca512_v1", 512, 16)
    mod = next(
        a for a in strat.attributes if a.path == "strategies.rsfmri_swift_segments_v1.modality"
    )
    assert (mod.entity, mod.property, mod.value) == ("rsfmri_swift_segments_v1", "modality", "fmri")
    refs = {(r.subject, r.predicate, r.text) for r in strat.references if not r.mention}
    assert ("smri_free_surfer_pca512_v1", "intended_for", "cca_gene_smri_v1") in refs
    assert ("smri_free_surfer_pca512_v1", "uses_method", "combat_smri") in refs
    assert ("smri_ukb_pca32_v1", "uses_dataset", "ukb_smri_freesurfer") in refs
    methods = corpus_cards["kb/integration_cards/harmonization_methods.yaml"].entities
    assert [e.id for e in methods if e.parent] == [
        "none_baseline",
        "combat_smri",
        "murd_t1_t2",
        "site_unlearning_module",
    ]
    pipes = corpus_cards["kb/integration_cards/rsfmri_preprocessing_pipelines.yaml"].entities
    assert {e.kind for e in pipes if e.parent} == {"pipeline"}
    # `pipelines:` holding a list of strings is not a registry
    assert len(corpus_cards["kb/integration_cards/genetics_embeddings_pipeline.yaml"].entities) == 1


def test_references_from_fields_paths_and_prose(corpus_cards):
    swift = corpus_cards["kb/model_cards/swift.yaml"]
    refs = {(r.predicate, r.text) for r in swift.references if not r.mention}
    assert ("uses_dataset", "ukb_fmri_tensor") in refs
    assert (
        "uses_strategy",
        "rsfmri_swift_segments_v1",
    ) in refs  # embedding_recipe...reference_strategy
    assert (
        "uses_strategy",
        "embedding_strategies.rs_fmri_swift_segments_v1",
    ) in refs  # found in prose
    assert ("refers_to", "docs/code_walkthroughs/swift_walkthrough.md#integration-hooks") in refs
    assert ("has_modality", "brain") in refs and ("has_modality", "fmri") in refs
    assert not any(t.startswith("external_repos/") and t.endswith(".py") for _, t in refs)
    ukb = corpus_cards[
        "kb/integration_cards/ukb_genetics_brain_alignment.yaml"
    ]  # "(coming soon)" dropped
    assert ("uses_dataset", "ukb_covariates") in {(r.predicate, r.text) for r in ukb.references}
    mentions = [r for r in swift.references if r.mention]
    assert {r.prov.path for r in mentions} >= {"summary", "notes"}


def test_bad_ids_wrong_types_and_empty_containers(tmp_path):
    write(
        tmp_path,
        {
            "kb/model_cards/m.yaml": """
            id: "Brain JEPA/2"
            name: [1, 2]
            datasets: 5
            tags: []
            extra: {}
            1: numeric key
            true: bool key
        """,
            "kb/datasets/no_id.yaml": "name: Something\n",
        },
    )
    parsed = {p.source.path: p for p in parse_kb(tmp_path)}
    m = parsed["kb/model_cards/m.yaml"]
    assert m.ok and m.entities[0].id == "m" and m.entities[0].name == "m"
    codes = {(f.code, f.line) for f in m.findings}
    assert {("bad-id", 1), ("wrong-type", 2), ("wrong-type", 3)} <= codes
    a = attrs_by_path(m)
    assert a["name[0]"].value == 1 and a["datasets"].value == 5
    assert a["tags"].raw == "[]" and a["extra"].raw == "{}"
    assert a["1"].raw == "numeric key" and a["true"].raw == "bool key"
    assert all(f.hint for f in m.findings)
    no_id = parsed["kb/datasets/no_id.yaml"]
    assert no_id.entities[0].id == "no_id" and {f.code for f in no_id.findings} == {"missing-id"}


def test_unknown_modality_is_reported(tmp_path):
    write(tmp_path, {"kb/model_cards/x.yaml": "id: x\nmodality: telepathy\ndomain: architecture\n"})
    (parsed,) = parse_kb(tmp_path)
    assert [(f.code, f.line) for f in parsed.findings] == [("unknown-modality", 2)]


def test_dates_and_yaml_types_keep_raw_text(tmp_path):
    write(
        tmp_path,
        {
            "kb/datasets/d.yaml": "id: d\nlast_updated: 2025-01-02\nsize: 1_000\nflag: yes\nnote: ~\n"
        },
    )
    (parsed,) = parse_kb(tmp_path)
    a = attrs_by_path(parsed)
    assert (a["last_updated"].raw, a["last_updated"].value) == (
        "2025-01-02",
        dt.date(2025, 1, 2).isoformat(),
    )
    assert (a["size"].raw, a["size"].value, a["size"].datatype) == ("1_000", 1000, "integer")
    assert (a["flag"].raw, a["flag"].value) == ("yes", True)
    assert a["note"].value is None


def test_parse_source_reads_from_the_kb_root(tmp_path):
    write(tmp_path, {"kb/model_cards/a.yaml": "id: a\nname: A\n"})
    ps = parse_source(tmp_path, SourceFile("kb/model_cards/a.yaml", "model_card", "x"), MAX_BYTES)
    assert ps.ok and ps.entities[0].prov.source == "kb/model_cards/a.yaml"

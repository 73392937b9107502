"""`kg catalog`: registry pages generated from the cards (plain data, then the corpus)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from kg.catalog import build_catalog, write_catalog
from kg.cli import cli
from kg.compare import EntitySummary
from kg.ir import Attribute, Provenance, Relation

FOLDER = {"model": "model_cards", "paper": "paper_cards", "dataset": "datasets", "doc": "docs"}


def e(eid, kind, name):
    ext = "md" if kind == "doc" else "yaml"
    return EntitySummary(eid, kind, name, f"kb/{FOLDER[kind]}/{eid}.{ext}", 1)


def a(entity, kind, path, raw, value=None, prop=None, line=2):
    src = f"kb/{FOLDER[kind]}/{entity}.yaml"
    return Attribute(entity, path, str(raw), raw if value is None else value,
                     Provenance(src, line, line, path), prop)  # fmt: skip


def rel(s, p, o, src="kb/model_cards/x.yaml", line=9):
    return Relation(s, p, o, Provenance(src, line, line), o)


ENTITIES = [
    e("dnabert", "model", "DNABERT"),
    e("swift", "model", "SwiFT"),
    e("brainmix", "model", "BrainMix"),
    e("loner", "model", "Loner"),
    e("dnabert_2024", "paper", "DNABERT: a paper"),
    e("swift_2023", "paper", "SwiFT: a paper"),
    e("old", "paper", "Undated notes"),
    e("hcp", "dataset", "HCP"),
    e("hg38", "dataset", "hg38"),
    e("dnabert_doc", "doc", "DNABERT notes"),
]
FACTS = {
    "dnabert": [
        a("dnabert", "model", "modality", "genetics", prop="modality"),
        a("dnabert", "model", "arch.parameters", "117M", 117_000_000, "parameters"),
        a("dnabert", "model", "context_length", "512", 512, "context_length"),
        a("dnabert", "model", "license.code", "Apache-2.0", prop="license"),
    ],
    "swift": [a("swift", "model", "modality", "fmri", prop="modality")],
    "brainmix": [
        a("brainmix", "model", "modalities[0]", "smri", prop="modality"),
        a("brainmix", "model", "modalities[1]", "fmri", prop="modality"),
    ],
    "loner": [],
    "dnabert_2024": [
        a("dnabert_2024", "paper", "year", "2024", 2024, "year"),
        a("dnabert_2024", "paper", "venue", "ICLR | 2024", prop="venue"),
    ],
    "swift_2023": [a("swift_2023", "paper", "year", "2023", 2023, "year")],
    "old": [],
    "hcp": [a("hcp", "dataset", "access", "restricted", prop="access")],
    "hg38": [a("hg38", "dataset", "access", "public", prop="access")],
}
RELATIONS = [
    rel("dnabert", "documented_in", "dnabert_doc"),
    rel("dnabert", "described_by", "dnabert_2024"),
    rel("dnabert_2024", "describes", "dnabert"),
    rel("dnabert", "uses_dataset", "hg38"),
    rel("swift", "uses_dataset", "hcp"),
    rel("dnabert_doc", "mentions", "swift"),  # prose mentions are not listed
]


def sections(page: str) -> list[str]:
    return re.findall(r"^## (.+)$", page, flags=re.M)


def test_models_grouped_by_modality_with_fields_and_links():
    pages = build_catalog(ENTITIES, FACTS, RELATIONS)
    models = pages["models.md"]
    assert sections(models) == [
        "Genetics (DNA)", "Structural MRI", "Functional MRI", "Unspecified"
    ]  # fmt: skip
    assert (
        "| Model | Architecture | Parameters | Context length | License | Docs | Papers |" in models
    )
    row = next(line for line in models.splitlines() if line.startswith("| [DNABERT]"))
    assert "(kb/model_cards/dnabert.yaml)" in row and "117M" in row and "Apache-2.0" in row
    assert "[DNABERT notes](kb/docs/dnabert_doc.md)" in row
    assert "[DNABERT: a paper](kb/paper_cards/dnabert_2024.yaml)" in row
    # a model with two modalities is listed under each; a mention adds no doc link
    assert models.count("[BrainMix]") == 2
    swift = next(line for line in models.splitlines() if line.startswith("| [SwiFT]"))
    assert swift.count("—") == 6  # architecture .. papers all missing


def test_papers_by_year_newest_first_and_datasets_by_access():
    pages = build_catalog(ENTITIES, FACTS, RELATIONS)
    assert sections(pages["papers.md"]) == ["2024", "2023", "Undated"]
    assert "ICLR \\| 2024" in pages["papers.md"]  # pipes in values escaped
    assert "[DNABERT](kb/model_cards/dnabert.yaml)" in pages["papers.md"]
    ds = pages["datasets.md"]
    assert sections(ds) == ["Public", "Restricted"]
    assert "[SwiFT](kb/model_cards/swift.yaml)" in ds.split("## Restricted")[1]
    assert "- [Models](models.md) — 4 cards" in pages["index.md"]


def test_every_table_row_has_the_header_width():
    for page in build_catalog(ENTITIES, FACTS, RELATIONS).values():
        for block in page.split("\n\n"):
            rows = [ln for ln in block.splitlines() if ln.startswith("|")]
            assert len({len(re.split(r"(?<!\\)\|", r)) for r in rows}) <= 1


def test_written_pages_link_relative_to_the_output_folder(tmp_path):
    kb_root = tmp_path / "kb"
    pages = write_catalog(tmp_path / "site" / "catalog", kb_root, ENTITIES, FACTS, RELATIONS)
    assert sorted(p.name for p in (tmp_path / "site" / "catalog").iterdir()) == sorted(pages)
    assert "(../../kb/kb/model_cards/dnabert.yaml)" in pages["models.md"]


# -- on the reference corpus ----------------------------------------------------------------


def test_corpus_catalog_lists_every_model_card_with_working_links(corpus_kb, corpus, tmp_path):
    out = tmp_path / "catalog"
    pages = corpus_kb.catalog(out)
    models = pages["models.md"]
    rows = corpus_kb.stores.sql.find_entities("model", limit=1000)[0]
    assert len(rows) >= 20
    for link in re.findall(r"\]\(([^)]+)\)", models):
        assert (out / link).resolve().is_file(), link
    for row in rows:
        assert row.source.rsplit("/", 1)[-1] + ")" in models, row.id
    assert "Genetics (DNA)" in models and "## 2024" in pages["papers.md"]
    assert "## Restricted" in pages["datasets.md"] and "## Public" in pages["datasets.md"]


def test_corpus_catalog_cli_prints_a_page(corpus_kb):
    s = corpus_kb.settings
    res = CliRunner().invoke(
        cli, ["--kb", str(s.kb), "--home", str(s.home), "catalog", "--page", "papers"]
    )
    assert res.exit_code == 0, res.output
    assert res.output.startswith("# Papers by year")


def test_corpus_catalog_cli_writes_pages(corpus_kb, tmp_path):
    s = corpus_kb.settings
    out = tmp_path / "site"
    res = CliRunner().invoke(
        cli, ["--kb", str(s.kb), "--home", str(s.home), "catalog", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout == "" and "wrote 4 pages" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "datasets.md", "index.md", "models.md", "papers.md"
    ]  # fmt: skip
    assert (out / "models.md").read_text(encoding="utf-8").startswith("# Models by modality")

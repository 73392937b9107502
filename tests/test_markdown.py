"""Markdown docs → doc entity, sections, links, facts — on the corpus docs and small docs."""

from __future__ import annotations

import re

import pytest
from parse_helpers import CORPUS, MAX_BYTES, parse_kb, write

from ingest.discover import discover
from ingest.kb_config import KBConfig
from ingest.parse import parse_source

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="reference corpus not available")


@pytest.fixture(scope="module")
def corpus_docs():
    sources, _ = discover(CORPUS, KBConfig(), MAX_BYTES)
    return {s.path: parse_source(CORPUS, s, MAX_BYTES) for s in sources if s.kind == "doc"}


def section(parsed, anchor):
    return next(s for s in parsed.sections if s.id.endswith("#" + anchor))


def test_every_corpus_doc_parses_into_a_doc_entity(corpus_docs):
    assert len(corpus_docs) == 18
    assert all(p.ok for p in corpus_docs.values())
    brainlm = corpus_docs["docs/models/brain/brainlm.md"]
    e = brainlm.entities[0]
    assert (e.id, e.kind, e.name) == ("docs/models/brain/brainlm", "doc", "BrainLM")
    fm = {a.path: a for a in brainlm.attributes}
    assert fm["title"].raw == "BrainLM — Model Card" and fm["title"].prov.line_start == 2
    assert fm["updated"].value == "2025-11-19" and fm["model-id"].raw == "brainlm"
    # no H1: the title comes from the front matter
    assert (
        corpus_docs["docs/generated/kb_curated/papers-md/brainlm_2024.md"]
        .entities[0]
        .name.startswith("BrainLM")
    )


def test_sections_follow_the_heading_tree_with_true_line_ranges(corpus_docs):
    checked = 0
    for path, parsed in corpus_docs.items():
        lines = (CORPUS / path).read_text(encoding="utf-8").split("\n")
        previous_end = 0
        for s in parsed.sections:
            assert s.prov.line_start > previous_end, (path, s.id)
            assert s.prov.line_end >= s.prov.line_start
            previous_end = s.prov.line_end
            if s.level:
                heading = lines[s.prov.line_start - 1]
                assert heading.startswith("#" * s.level + " "), (path, s.id, heading)
                assert re.findall(r"\w+", s.heading_path[-1])[0] in heading
            checked += 1
        ids = [s.id for s in parsed.sections]
        assert len(ids) == len(set(ids))
    assert checked > 150
    hooks = section(
        corpus_docs["docs/code_walkthroughs/caduceus_walkthrough.md"],
        "integration-hooks-genetics-brain",
    )
    assert hooks.heading_path == [
        "Caduceus Code Walkthrough",
        "Integration Hooks (Genetics ↔ Brain)",
    ]
    assert hooks.level == 2 and hooks.prov.line_start == 158
    nested = section(corpus_docs["docs/models/brain/brainlm.md"], "for-neuro-omics-kb")
    assert nested.heading_path == ["BrainLM", "Integration Strategy", "For Neuro-Omics KB"]
    assert nested.text.startswith("Embedding recipe: rsfmri_brainlm_segments_v1")
    assert "**" not in nested.text and "\n- Extract latent embeddings" in nested.text


def test_mkdocs_material_markup_is_reduced(corpus_docs):
    index = corpus_docs["docs/index.md"]
    pipeline = section(index, "standard-pipeline")
    assert "Always Residualize\nConfounds to control:" in pipeline.text  # admonition title + body
    assert "!!!" not in pipeline.text and "- Age, sex, site/scanner" in pipeline.text
    assert pipeline.text.startswith("```mermaid\ngraph LR")  # code kept inside the text, fenced
    assets = section(index, "kb-assets")
    assert "- Model Cards" in assets.text and ":material" not in assets.text
    assert "```" not in assets.text  # grid-card list items are not mistaken for code
    inside = section(index, "whats-inside")
    assert "<div" not in inside.text and "model_cards/ ← 20 FM specs" in inside.text
    for parsed in corpus_docs.values():
        for s in parsed.sections:
            assert "🧬" not in s.text and "{ ." not in s.text and "^[```" not in s.text


def test_tables_become_rows_and_facts(corpus_docs):
    index = corpus_docs["docs/index.md"]
    genetics = section(index, "genetics-models")
    assert (
        "Model: Evo 2; Best For: Ultra-long regulatory regions; Context: 1M context;"
        in genetics.text
    )
    facts = {(c.entity, c.property): c for c in index.claims}
    evo = facts[("Evo 2", "context_length")]
    assert (evo.value, evo.raw, evo.prov.line_start) == (1_000_000, "1M context", 207)
    assert facts[("Brain Harmony", "modality")].value == "smri,fmri"
    assert ("Caduceus", "context_length") not in facts  # "Context: DNA" is wording, not a length
    evo_doc = {
        (c.entity, c.property): c for c in corpus_docs["docs/models/genetics/evo2.md"].claims
    }
    ctx = evo_doc[
        ("evo2", "context_length")
    ]  # "**Context length:** 1,048,576 tokens" in a model-id doc
    assert (ctx.value, ctx.prov.line_start) == (1_048_576, 27)
    walk = {
        (c.entity, c.property): c.value
        for c in corpus_docs["docs/code_walkthroughs/caduceus_walkthrough.md"].claims
    }
    assert walk[("caduceus", "parameters")] == 150_000_000  # one-row "at a glance" table


def test_links_become_references_at_their_line(corpus_docs):
    brainlm = corpus_docs["docs/models/brain/brainlm.md"]
    refs = {(r.predicate, r.text, r.prov.line_start) for r in brainlm.references if not r.mention}
    assert ("links_to", "docs/code_walkthroughs/brainlm_walkthrough.md", 96) in refs
    assert ("links_to", "kb/model_cards/brainlm.yaml", 97) in refs  # a path in a code span
    assert ("refers_to", "brainlm", 7) in refs  # <!-- model-id: brainlm -->
    external = [a for a in brainlm.attributes if a.path.startswith("links[")]
    assert any(
        a.raw == "https://github.com/vandijklab/BrainLM" and a.datatype == "uri" for a in external
    )
    mentions = [r for r in brainlm.references if r.mention]
    assert len(mentions) == len([s for s in brainlm.sections if s.text])


def test_admonitions_tabs_and_multiline_links(tmp_path):
    write(
        tmp_path,
        {
            "docs/guide.md": """
        # Guide

        !!! note "Read first"
            Body line with [a card](../kb/model_cards/a.yaml#x).

            ??? tip
                Nested body.

        === "Python"

            ```python
            print("hi")
            ```

        === "Shell"
            Run `kg ingest` and see docs/other.md { .annotate }

        Text that wraps onto
        a second line with [link](other.md).
        :material-star: starred
        """
        },
    )
    (parsed,) = parse_kb(tmp_path)
    (s,) = parsed.sections
    assert [ln for ln in s.text.splitlines() if ln][:3] == [
        "Read first",
        "Body line with a card.",
        "Tip",
    ]
    assert "Nested body." in s.text and '```python\nprint("hi")\n```' in s.text
    assert "Python" in s.text and "Shell" in s.text and "===" not in s.text
    assert "{ .annotate }" not in s.text and ":material-star:" not in s.text and "starred" in s.text
    refs = {(r.text, r.prov.line_start) for r in parsed.references if not r.mention}
    assert ("kb/model_cards/a.yaml#x", 4) in refs and ("docs/other.md", 19) in refs


def test_duplicate_headings_get_unique_anchors_and_preamble_is_kept(tmp_path):
    write(tmp_path, {"notes.md": "Intro text.\n\n# Title\n\n## Usage\nA\n\n## Usage\nB\n"})
    (parsed,) = parse_kb(tmp_path)
    assert [s.id for s in parsed.sections] == [
        "notes#top",
        "notes#title",
        "notes#usage",
        "notes#usage_1",
    ]
    assert [(s.prov.line_start, s.prov.line_end) for s in parsed.sections] == [
        (1, 1),
        (3, 3),
        (5, 6),
        (8, 9),
    ]
    assert parsed.sections[0].heading_path == ["Title"]


def test_front_matter_errors_are_findings_not_failures(tmp_path):
    write(tmp_path, {"a.md": "---\ntitle: [unclosed\n---\n# A\ntext\n"})
    (parsed,) = parse_kb(tmp_path)
    assert parsed.ok and parsed.entities[0].name == "A"
    assert [(f.code, f.line) for f in parsed.findings] == [("yaml-syntax", 3)]
    assert re.search(r"\S", parsed.findings[0].hint)

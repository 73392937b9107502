"""The assistant with the real packaged MiniLM over part of the real reference corpus.

A slice of the corpus (a few model, dataset and paper cards, two docs) is copied into
tmp_path so the embedding step stays short; the questions cover every intent.
"""

from __future__ import annotations

import shutil

import pytest

from retrieval.evaluate import NOT_IN_KB, fact_found

pytestmark = pytest.mark.integration

SLICE = [
    "kb/model_cards/caduceus.yaml",
    "kb/model_cards/dnabert2.yaml",
    "kb/model_cards/evo2.yaml",
    "kb/model_cards/brainlm.yaml",
    "kb/model_cards/brainmt.yaml",
    "kb/integration_cards/rsfmri_preprocessing_pipelines.yaml",
    "kb/datasets/hg38_reference.yaml",
    "kb/datasets/opengenome2.yaml",
    "kb/datasets/ukb_fmri_tensor.yaml",
    "kb/paper_cards/hyenadna_2023.yaml",
    "kb/paper_cards/brainlm_2024.yaml",
    "docs/integration/analysis_recipes/cca_permutation.md",
    "docs/models/genetics/evo2.md",
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory, corpus):
    from kg.knowledge_base import KnowledgeBase
    from kg.settings import Settings

    root = tmp_path_factory.mktemp("corpus-slice")
    for rel in SLICE:
        (root / "kb" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / rel, root / "kb" / rel)
    kb = KnowledgeBase(Settings(kb=root / "kb", home=root / "home"))  # default: MiniLM
    kb.ingest()
    return kb


@pytest.mark.parametrize(
    "question, fact, source",
    [
        ("What context length does Caduceus support?", "131072", "kb/model_cards/caduceus.yaml"),
        ("How many parameters does DNABERT2 have?", "117M", "kb/model_cards/dnabert2.yaml"),
        ("Which dataset was Evo 2 trained on?", "OpenGenome2", "kb/model_cards/evo2.yaml"),
        ("Which fMRI models are there?", "BrainLM", "kb/model_cards/brainlm.yaml"),
        (
            "Compare the context lengths of Caduceus and DNABERT-2",
            "512",
            "kb/model_cards/dnabert2.yaml",
        ),
        (
            # The kind pointed back at ("that stack") is the one asked, not the recipe.
            "BrainMT's embedding recipe says to use a named preprocessing stack — what "
            "temporal filter band does that stack apply?",
            "0.01-0.1",
            "kb/integration_cards/rsfmri_preprocessing_pipelines.yaml",
        ),
        (
            "Why is CCA paired with a permutation test?",
            "overfit",
            "docs/integration/analysis_recipes/cca_permutation.md",
        ),
    ],
)
def test_answers_hold_the_fact_and_cite_where_it_is(kb, question, fact, source):
    a = kb.ask(question)
    assert fact_found(a["answer"], [fact]), a["answer"]
    assert source in {c["source"] for c in a["citations"]}


def test_the_kb_says_when_it_does_not_know(kb):
    assert kb.ask("How many parameters does Geneformer have?")["answer"].startswith(NOT_IN_KB)


def test_hybrid_search_finds_the_passage_by_meaning(kb):
    hits = kb.search("null distribution from shuffled subjects", k=3)
    assert any(h.chunk.source.endswith("cca_permutation.md") for h in hits)

"""Names read in their noun phrase, and cards naming a dataset as a source (small real KB,
hash embedder): words a named paper's card writes, matched loosely to another name in the
same noun phrase ("the Lee BIOKDD'25 MDD classification work"), describe the paper; an id in
brackets ("sMRI features (smri_fs_pca_v1)") says which entity the words before it mean;
the strategies registered for a cohort include those naming it only as a source (on the hop
from the named cohort itself; a second hop through a cohort keeps to stated uses)."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as BASE_FILES
from assistant_kb import build

FILES = {
    **BASE_FILES,
    "kb/paper_cards/lee_2025.yaml": """
        id: lee_2025
        title: "DNA Language Models for Major Depressive Disorder Classification"
        authors: [Mina Lee, Jun Park]
        year: 2025
        venue: "BIOKDD'25"
        summary: MDD classification from gene embeddings of two DNA models.
        models_used: ["Helix-7", "TinyDNA"]
    """,
    "configs/experiments/mdd_logo.yaml": """
        id: mdd_logo
        experiment_name: "LOGO: Gene Attribution for MDD Classification"
        models: [helix]
    """,
    "kb/datasets/kid_cohort.yaml": """
        id: kid_cohort
        name: Kid Longitudinal Cohort
        modality: [smri, eeg]
        summary: Children scanned at three ages.
    """,
    "kb/integration_cards/recipes.yaml": """
        id: recipes
        name: Embedding recipes
        strategies:
          kid_smri_pca_v1:
            modality: smri
            cohort: kid_cohort
            projector:
              dim: 64
          kid_eeg_fm_v1:
            modality: eeg
            sources: [kb/datasets/kid_cohort.yaml]
            segment:
              duration_seconds: 2
          fs_pca_v1:
            name: FreeSurfer ROI features, PCA-projected
            modality: smri
            projector:
              dim: 48
    """,
    "docs/smri.md": """
        # Structural MRI features

        Regional thickness and volume tables from FreeSurfer.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("phrases"), files=FILES)


def test_loose_words_in_a_named_papers_phrase_describe_the_paper(kb):
    a = kb.ask(
        "Which DNA foundation models were applied in the Lee BIOKDD'25 MDD classification work?"
    )
    assert "Helix-7" in a["answer"] and "TinyDNA" in a["answer"]


def test_an_id_in_brackets_says_which_entity_the_words_before_it_mean(kb):
    a = kb.ask("What PCA width does the sMRI features (fs_pca_v1) strategy project to?")
    assert "48" in a["answer"]


def test_strategies_naming_a_cohort_as_a_source_are_registered_for_it(kb):
    a = kb.ask("List the embedding strategies registered for the Kid Longitudinal Cohort.")
    assert "kid_smri_pca_v1" in a["answer"] and "kid_eeg_fm_v1" in a["answer"]

"""Lists asked with no condition the planner reads as one (small real KB, hash embedder):
"which configs use plain StratifiedKFold" selects by a value the question writes as code,
not the one it sets against ("instead of StratifiedGroupKFold"); in "list all the rs-fMRI
embedding strategies" the modality and "all" keep the list word next to its kind."""

from __future__ import annotations

import pytest
from assistant_kb import build

FILES = {
    "configs/experiments/exp_a.yaml": """
        id: exp_a
        experiment_name: "EXP-A: cohort baseline"
        cv:
          strategy: StratifiedKFold
          n_splits: 5
    """,
    "configs/experiments/exp_b.yaml": """
        id: exp_b
        experiment_name: "EXP-B: multi-site baseline"
        cv:
          strategy: StratifiedGroupKFold
          group_by: site
    """,
    "configs/experiments/exp_c.yaml": """
        id: exp_c
        experiment_name: "EXP-C: probe"
        cv:
          strategy: "StratifiedKFold"
    """,
    "integration_cards/recipes.yaml": """
        id: recipes
        name: Embedding strategies
        strategies:
          rs_alpha_v1:
            modality: fmri
            summary: Windowed run embeddings.
          rs_beta_v1:
            modality: fmri
            summary: ROI token embeddings, built like rs_alpha_v1.
          smri_gamma_v1:
            modality: smri
            summary: Regional table projected by PCA.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("unconditioned"), files=FILES)


def test_a_value_written_as_code_selects_the_configs_holding_it(kb):
    a = kb.ask(
        "Which experiment configs use a plain StratifiedKFold instead of the site-grouped "
        "StratifiedGroupKFold?"
    )
    assert "EXP-A" in a["answer"] and "EXP-C" in a["answer"] and "EXP-B" not in a["answer"]


def test_all_the_and_a_modality_keep_a_list_word_next_to_its_kind(kb):
    a = kb.ask("List all the rs-fMRI embedding strategies registered in the KB.")
    assert "rs_alpha_v1" in a["answer"] and "rs_beta_v1" in a["answer"]
    assert "smri_gamma_v1" not in a["answer"]

"""What a question asks for, on a small real KB (hash embedder): a kind word asked for after
a named thing of that kind, in its sentence, asks for others of the kind ("the fusion
strategy is built from which two embedding strategies?"); "published work" is a paper;
"participants" are counted as subjects; and a verb after the counted word ("how many ROIs
result") is not what is counted."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as BASE_FILES
from assistant_kb import build

FILES = {
    **BASE_FILES,
    "kb/integration_cards/recipes.yaml": """
        id: recipes
        name: Embedding strategies
        summary: Named recipes that turn model outputs into one vector per subject.
        strategies:
          gene_mean_v1:
            modality: genetics
            pooling: mean over exons
          run_cls_v1:
            modality: fmri
            pooling: CLS token
          fusion_pair_768_v1:
            modality: multimodal
            source: [gene_mean_v1, run_cls_v1]
            construction: concatenate the gene and run vectors into 768 dimensions
    """,
    "kb/integration_cards/site_methods.yaml": """
        id: site_methods
        name: Site methods
        methods:
          unlearn_module:
            type: representation_unlearning
            reference: kb/paper_cards/unlearn_2021.yaml
    """,
    "kb/paper_cards/unlearn_2021.yaml": """
        title: Unlearning scanner bias for MRI
        authors: [Nia Dale]
        year: 2021
        venue: NeuroImage
    """,
    "kb/datasets/vale_smri.yaml": """
        id: vale_smri
        name: Vale Cohort sMRI regions
        modality: smri
        counts:
          sessions: 2
          scans: 18_800
          subjects: 9_400
        parcellation:
          atlas: Desikan-Killiany (aparc) + aseg
          n_rois: 176
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("asked"), files=FILES)


def test_a_kind_asked_after_a_named_thing_of_that_kind_asks_for_others(kb):
    a = kb.ask("The fusion_pair_768_v1 strategy is built from which two embedding strategies?")
    assert "gene_mean_v1" in a["answer"] and "run_cls_v1" in a["answer"]
    assert a["answer"].index("gene_mean_v1") < a["answer"].index("fusion_pair_768_v1 —")


def test_a_published_work_is_a_paper(kb):
    a = kb.ask("What published work is the unlearn_module harmonization method based on?")
    assert "Unlearning scanner bias for MRI" in a["answer"]


def test_participants_are_counted_as_subjects(kb):
    a = kb.ask("Roughly how many participants are in the Vale Cohort sMRI regions?")
    assert "9400" in a["answer"].replace("_", "")
    assert "18800" not in a["answer"].replace("_", "")


def test_a_verb_after_the_counted_word_is_not_counted(kb):
    a = kb.ask(
        "Which cortical atlas parcellates the Vale Cohort sMRI regions, and how many ROIs result?"
    )
    assert "Desikan-Killiany" in a["answer"] and "176" in a["answer"]

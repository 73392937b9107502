"""Names and asked things in a question's phrasing, on a small real KB (hash embedder):
"the Vale and Kestrel tensor datasets" names two datasets sharing the head words; "a paper
released where?" asks for the venue (a paper's release is its venue); "Temporal Adaptive
Patch Embedding" is a name of its own, not the entity whose id opens with its last word;
and "what hardware limitation comes with …" asks for a limitation, "comes" being a verb; "the
HVB one or the Kestrel-YA one" names datasets of the kind named first."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as BASE_FILES
from assistant_kb import build

from retrieval.lexicon import FRAME_WORDS

FILES = {
    **BASE_FILES,
    "kb/datasets/vale_fmri_tensor.yaml": """
        id: vale_fmri_tensor
        name: Vale Cohort fMRI tensors
        modality: fmri
        counts:
          subjects: 4_000
          frames_per_subject: 490
    """,
    "kb/datasets/kestrel_fmri_tensor.yaml": """
        id: kestrel_fmri_tensor
        name: Kestrel-YA fMRI tensors
        modality: fmri
        counts:
          subjects: 1_100
          frames_per_subject: 1_200
    """,
    "kb/datasets/harbor_fmri_tensor.yaml": """
        id: harbor_fmri_tensor
        name: Harbor Valley Biobank fMRI tensors
        aliases: [HVB fMRI tensors]
        modality: fmri
        counts:
          subjects: 9_500
    """,
    "kb/datasets/harbor_biobank.yaml": """
        id: harbor_biobank
        name: Harbor Valley Biobank
        aliases: [HVB]
        modality: [genetics, smri, fmri]
        counts:
          subjects: 60_000
    """,
    "kb/datasets/kestrel_cohort.yaml": """
        id: kestrel_cohort
        name: Kestrel Young Adult cohort
        modality: [smri, fmri]
        counts:
          subjects: 1_100
    """,
    "kb/integration_cards/embedding_recipes.yaml": """
        id: embedding_recipes
        name: Subject-level embedding recipes
        summary: Named recipes that pool model outputs into one vector per subject.
    """,
    "kb/model_cards/unison.yaml": """
        id: unison
        name: Unison
        modality: [smri, fmri]
        summary: >-
          Joint sMRI and fMRI encoder that uses Temporal Adaptive Patch Embedding for
          differing repetition times and hub tokens for fusion.
    """,
    "kb/paper_cards/unison_2025.yaml": """
        id: unison_2025
        title: "Unison: one encoder for brain structure and function"
        authors: [Ola Vik]
        year: 2025
        venue: ICLR 2025
        model_card: kb/model_cards/unison.yaml
    """,
    "docs/models/helix.md": """
        # Helix-7

        Model card: [helix.yaml](../../kb/model_cards/helix.yaml)

        ## Strengths

        - **Long context:** one million bases capture distal regulatory elements.

        ## Limitations

        - **Slow inference:** a million tokens run slower than short-context models.
        - **Memory footprint:** the full context needs high-memory GPUs (80GB A100).
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("coordinated"), files=FILES)


def test_coordinated_names_share_their_head_words(kb):
    a = kb.ask("Compare the number of frames per subject in the Vale and Kestrel tensor datasets.")
    assert "490" in a["answer"] and "1200" in a["answer"].replace("_", "")
    assert {"vale_fmri_tensor", "kestrel_fmri_tensor"} <= set(a["entities"])


def test_a_paper_released_where_asks_for_its_venue(kb):
    a = kb.ask("The model trained on Brain Scan Tensors is described in a paper released where?")
    assert "NeurIPS 2024" in a["answer"]


def test_a_title_case_name_is_not_the_entity_its_last_word_opens(kb):
    linker = kb._assistant().view.linker
    run = linker.link("Which brain model uses Temporal Adaptive Patch Embedding?")
    assert "embedding_recipes" not in [e.id for e in run.entities]
    alone = linker.link("What does the Embedding card summarise?")  # the id's head, alone
    assert "embedding_recipes" in [e.id for e in alone.entities]


def test_comes_is_a_verb_after_what_is_asked(kb):
    question = "What hardware limitation comes with Helix-7's million-token context?"
    linked = kb._assistant().view.linker.link(question)
    assert linked.asked_heads(FRAME_WORDS) == {"limitation"}
    assert "80GB" in kb.ask(question)["answer"]


def test_a_name_before_one_is_read_with_the_kind_phrase_named_first(kb):
    a = kb.ask(
        "Which fMRI tensor dataset has more subjects, the HVB one or the Kestrel-YA one,"
        " and what are the counts?"
    )
    assert "9_500" in a["answer"] and "1_100" in a["answer"]
    assert "60_000" not in a["answer"]  # the biobank itself is no tensor dataset
    assert {"kb/datasets/harbor_fmri_tensor.yaml", "kb/datasets/kestrel_fmri_tensor.yaml"} <= {
        c["source"] for c in a["citations"]
    }

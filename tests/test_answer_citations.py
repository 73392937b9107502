"""Methods that cite their paper in free text, on a small real KB (hash embedder): the
citation links the method to the paper's card, a path may pass through the second kind a
question names when the first leads nowhere, a registry asked for is the kind asked, an option of a registry described in a
sentence of its own is found by what that sentence says, and a name followed by the kind
word of another kind names the entity of that kind whose id starts so."""

from __future__ import annotations

import pytest
from assistant_kb import build

FILES = {
    "kb/model_cards/ripple.yaml": """
        id: ripple
        name: Ripple
        modality: fmri
        summary: fMRI encoder over 4D volumes.
        datasets: [big_bank_fmri, aging_fmri]
        arch:
          special_features: [2D positional bias over slices]
        embedding_recipe:
          pooling: "encode_scan returns a 512-d scan embedding."
          pipeline:
            rsfmri:
              reference_strategy: ripple_segments_v1
              harmonization_hooks:
                - none_baseline
                - unlearning_head
    """,
    "kb/model_cards/helix.yaml": """
        id: helix
        name: Helix
        modality: genetics
        summary: DNA language model.
        arch:
          special_features: [2D rotary positions over strand pairs]
    """,
    "kb/model_cards/med_catalog.yaml": """
        id: med_catalog
        name: Medical model list
        tags: [catalog]
    """,
    "kb/integration_cards/gene_brain_alignment.yaml": """
        id: gene_brain_alignment
        name: Gene-brain alignment
        models: [helix, ripple]
    """,
    "kb/paper_cards/ripple_2023.yaml": """
        title: "Ripple: a 4D fMRI encoder"
        authors: [Kim Park]
        year: 2023
        venue: NeurIPS 2023
        related_to: [kb/model_cards/ripple.yaml]
    """,
    "kb/paper_cards/unlearning_2021.yaml": """
        title: Unlearning scanner bias from MRI representations
        short_name: Unlearning (Marsh 2021)
        authors: [Ada B. Marsh, Ben Quill]
        year: 2021
        venue: NeuroImage
        implications_for_project:
          - "Provides a template for `unlearning_head` in integration cards."
    """,
    "kb/datasets/big_bank_fmri.yaml": """
        id: big_bank_fmri
        name: Big Bank functional MRI
        modality: fmri
        tags: [Lakeshore Biobank]
    """,
    "kb/datasets/big_bank_genotypes.yaml": """
        id: big_bank_genotypes
        name: Big Bank genotypes
        modality: genetics
        tags: [Lakeshore Biobank]
    """,
    "kb/datasets/aging_fmri.yaml": """
        id: aging_fmri
        name: Aging Connectome fMRI
        modality: fmri
        tags: [aging]
    """,
    "kb/paper_cards/disentangle_2024.yaml": """
        title: Disentangling site style from anatomy
        authors: [Cora Wren, Lin Yu]
        year: 2024
        venue: Communications Engineering
        tags: [mri]
    """,
    "kb/integration_cards/embedding_strategies.yaml": """
        id: embedding_strategies
        name: Embedding strategies
        strategies:
          ripple_segments_v1:
            model: ripple
            modality: fmri
            description: Mean-pooled Ripple segment embeddings.
            pooling: mean over segments
          helix_genes_v1:
            name: Helix gene embeddings
            model: helix
            modality: genetics
            pooling: CLS token
          tidal_windows_v1:
            name: Tidal window embeddings
            modality: fmri
            pooling: max over windows
    """,
    "kb/configs/experiments/pilot_baseline.yaml": """
        id: pilot_baseline
        name: Pilot brain-gene baseline
        embedding_strategies:
          fmri: ripple_segments_v1
          genetics: helix_genes_v1
    """,
    "kb/integration_cards/rsfmri_preprocessing_pipelines.yaml": """
        id: rsfmri_preprocessing_pipelines
        name: Reference rs-fMRI preprocessing pipelines
        pipelines:
          hcp_like_minimal:
            steps:
              - motion_correction
              - parcellation: "Grid-400"
          native_export:
            steps:
              - motion_correction
              - smoothing: "FWHM=5mm"
    """,
    "kb/integration_cards/harmonization_methods.yaml": """
        id: harmonization_methods
        name: Harmonization methods
        summary: Central catalog of harmonization options for site effects.
        methods:
          none_baseline:
            type: none
            description: Only z-scoring and covariate residualization.
          unlearning_head:
            type: representation_unlearning
            reference: "Marsh et al., NeuroImage 2021"
            description: Adversarial head removing site information from embeddings.
          style_swap:
            type: deep_unsupervised
            reference: "Wren & Yu, Communications Engineering 2024"
            description: Image-space T1/T2 harmonizer swapping site style.
            properties:
              - no traveling phantoms required
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("citations"), files=FILES)


def _cited(a) -> set[str]:
    return {c["source"] for c in a["citations"]}


def test_the_paper_behind_a_hook_is_reached_through_the_method_not_the_strategy(kb):
    a = kb.ask(
        "Ripple's embedding recipe lists harmonization hooks besides the no-op baseline. "
        "In which journal was the paper behind that other hook published?"
    )
    assert "NeuroImage" in a["answer"]
    assert "NeurIPS" not in a["answer"]  # Ripple's own paper is not the hook's
    assert "kb/integration_cards/harmonization_methods.yaml" in _cited(a)


def test_which_hook_and_whose_paper(kb):
    a = kb.ask(
        "Besides none_baseline, Ripple's embedding recipe lists one other harmonization "
        "hook. Which is it and whose paper is it based on?"
    )
    assert "unlearning_head" in a["answer"] and "Marsh" in a["answer"]


def test_an_option_described_in_a_sentence_of_its_own(kb):
    a = kb.ask(
        "One harmonization option in the catalog advertises that it needs no traveling "
        "phantoms. Who are the authors of the paper behind it?"
    )
    assert "Cora Wren" in a["answer"] and "Lin Yu" in a["answer"]
    assert "Marsh" not in a["answer"]


def test_a_name_before_another_kinds_word_names_that_kinds_entity(kb):
    a = kb.ask(
        "The unlearning harmonization option in the KB is based on which author's paper, "
        "and in which journal did it appear?"
    )
    assert "unlearning_head" in a["entities"]
    assert "Marsh" in a["answer"] and "NeuroImage" in a["answer"]


def test_a_registry_named_in_the_asked_phrase_is_the_kind_asked(kb):
    a = kb.ask(
        "The Marsh et al. 2021 adversarial unlearning paper is the template for which "
        "harmonization method ID in the KB?"
    )
    assert "unlearning_head" in a["answer"][:200]
    assert a["confidence"] >= 0.5


def test_who_wrote_and_where_published_are_both_asked(kb):
    a = kb.ask("Who wrote the paper behind style_swap and where was it published?")
    assert "Cora Wren" in a["answer"] and "Communications Engineering" in a["answer"]


def test_a_value_set_aside_is_excluded_not_required(kb):
    a = kb.ask("Besides Lakeshore Biobank, which cohorts is Ripple evaluated on?")
    assert "Aging Connectome fMRI" in a["answer"]
    assert "Big Bank functional MRI" not in a["answer"]


def test_a_value_nearer_a_description_than_a_kind_word_is_not_that_kinds_condition(kb):
    # "catalog" is a tag of some card; here it says where the harmonizer is listed.
    a = kb.ask(
        "The deep, phantom-free T1/T2 harmonizer in the harmonization catalog comes from a "
        "paper. In which journal was it published?"
    )
    assert "Communications Engineering" in a["answer"]


def test_modalities_that_chose_the_models_are_no_field_to_find(kb):
    a = kb.ask(
        "Which brain (fMRI) encoders appear in the model list of the gene-brain alignment "
        "integration card?"
    )
    assert "Ripple" in a["answer"][:80] and "Helix" not in a["answer"][:80]
    assert a["confidence"] >= 0.5


def test_a_dimensionality_is_a_number_written_with_d_not_a_2d_feature(kb):
    a = kb.ask("What is the dimensionality of the scan embedding Ripple produces?")
    assert "512-d" in a["answer"][:200]
    a = kb.ask("What is the dimensionality of the embedding Helix produces?")
    assert a["answer"].startswith("The knowledge base does not contain")
    from retrieval.value_units import UNIT_PATTERNS

    written = UNIT_PATTERNS["dimensionality"]
    assert written.search("returns a 768-d slide embedding") and written.search("256-dim")
    assert not written.search("2D ALiBi positional bias")  # two-dimensional, not a width


def test_modality_words_of_the_asked_phrase_are_conditions_not_fields_to_find(kb):
    from retrieval.intent import plan
    from retrieval.projection import projection_words

    view = kb._assistant().view
    linked = view.linker.link(
        "Which brain (fMRI) encoders appear in the model list of the gene-brain alignment "
        "integration card?"
    )
    p = plan(linked, view)
    assert p.constraints["model"].modalities
    asked, _rest, _helping, _subst = projection_words(p, linked, True, set(), {"model"}, set())
    assert not {"brain", "fmri"} & set(asked)


def test_members_of_a_registry_named_for_a_modality_are_of_that_modality(kb):
    # No pipeline states a modality; their registry's name does ("rs-fMRI"). "Grid-400" is
    # a name, not a quantity of 400 to match.
    a = kb.ask("Which of the named rs-fMRI preprocessing stacks include a Grid-400 parcellation?")
    assert "hcp_like_minimal" in a["answer"]
    assert "holds no" not in a["answer"]


def test_a_modality_after_a_comma_describes_what_follows_not_the_named_entity(kb):
    a = kb.ask(
        "In the pilot brain-gene baseline, the fMRI input uses a particular embedding "
        "strategy — which pooling does it use?"
    )
    assert "mean over segments" in a["answer"]
    assert "CLS token" not in a["answer"]


def test_harmonization_approaches_are_methods(kb):
    for asked in ("approaches", "alternatives"):
        linked = kb._assistant().view.linker.link(f"Which harmonization {asked} are compared?")
        assert [k for k, _ in linked.kinds] == ["method"]


def test_a_word_before_one_of_two_alternative_kind_words_is_no_condition(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    q = "Which of the fMRI benchmark or pretraining-corpus datasets are restricted?"
    p = plan(view.linker.link(q), view)
    assert "pretraining" not in p.constraints["dataset"].words
    q = "Which pretraining corpora are restricted?"  # one kind word: its modifier narrows
    assert "pretraining" in plan(view.linker.link(q), view).constraints["dataset"].words


def test_words_describing_a_named_entitys_kind_word_are_no_condition_on_the_kind_asked(kb):
    a = kb.ask(
        "Who are the authors of the paper behind the deep image-space T1/T2 harmonizer "
        "(style_swap), and in which journal did it appear?"
    )
    assert "Cora Wren" in a["answer"] and "Communications Engineering" in a["answer"]


def test_a_name_in_brackets_after_a_kind_word_names_that_kinds_entity(kb):
    a = kb.ask("At which venue was the 4D fMRI paper (Ripple) published?")
    assert "ripple_2023" in a["entities"][:1]
    assert "NeurIPS 2023" in a["answer"]


def test_three_named_things_written_as_a_list_are_read_side_by_side(kb):
    a = kb.ask(
        "How are the Ripple segment embeddings, the Helix gene embeddings and the Tidal "
        "window embeddings pooled?"
    )
    assert a["intent"] == "compare"
    for pooled in ("mean over segments", "CLS token", "max over windows"):
        assert pooled in a["answer"]


def test_a_word_cards_use_for_the_kind_asked_stands_for_the_kind(kb):
    a = kb.ask(
        "Which brain fMRI encoders are listed among the models of the gene-brain alignment "
        "integration card?"
    )
    assert a["answer"].startswith("Gene-brain alignment → models: Ripple.")

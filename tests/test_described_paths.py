"""Paths through what a question describes, on a small real KB (hash embedder): a field only
papers state is asked of a described registry option's paper; "the <name>-based model" is
the model built on it; a kind word far from a named thing of its kind is another of that
kind; what answers the asked parts comes before what each reached thing is; an empty
field gives way to one with a value; a clause naming another kind word describes that
thing; a description no card of its kind fits may fit a card it relates to; and things
compared are of the kind the question names ("what kind of method is …")."""

from __future__ import annotations

import pytest
from assistant_kb import build
from test_answer_citations import FILES as CITATION_FILES

FILES = {
    **CITATION_FILES,
    "kb/paper_cards/disentangle_2024.yaml": """
        title: Disentangling site style from anatomy
        short_name: SWAP
        authors: [Cora Wren, Lin Yu]
        year: 2024
        venue: Communications Engineering
    """,
    "kb/paper_cards/swirl_systems_2025.yaml": """
        title: Systems for convolutional hybrid language models at scale
        short_name: Swirl 2 Systems
        authors: [Ira Moss]
        year: 2025
        summary: >-
          Introduces the Swirl 2 hybrid architecture and trains Tidal and Kelpie with it.
    """,
    "kb/model_cards/tidal.yaml": """
        id: tidal
        name: Tidal
        modality: genetics
        summary: Swirl 2 based autoregressive DNA model.
        arch:
          type: Swirl 2 (hybrid decoder)
        datasets: [ocean_corpus]
        weights:
          huggingface: []
          artifacts: []
        license:
          code: MIT
          weights: unreleased
    """,
    "kb/model_cards/kelpie.yaml": """
        id: kelpie
        name: Kelpie
        modality: genetics
        summary: Small DNA model whose decoder is Swirl 2 based as well.
        tokenizer:
          type: learns byte-pair tokens over DNA
        datasets: [reef_benchmark, kelp_corpus]
        notes: Tidal is the main Swirl 2 model in this KB; Kelpie stays for short inputs.
    """,
    "kb/datasets/ocean_corpus.yaml": """
        id: ocean_corpus
        name: Ocean genome corpus
        modality: genetics
        summary: Genome corpus of 2.5 trillion base pairs used to train Tidal.
    """,
    "kb/datasets/reef_benchmark.yaml": """
        id: reef_benchmark
        name: Reef sequence benchmark
        modality: genetics
        summary: Classification benchmark released with Kelpie's paper.
        counts:
          tasks: 28
    """,
    "kb/datasets/coral_eval.yaml": """
        id: coral_eval
        name: Coral Evaluation
        modality: genetics
        summary: Twelve-task evaluation suite distributed with Kelpie.
        counts:
          tasks: 12
    """,
    "kb/datasets/kelp_corpus.yaml": """
        id: kelp_corpus
        name: Kelp multi-species corpus
        modality: genetics
        summary: Reference genomes from 48 species used to pretrain Kelpie.
    """,
    "kb/paper_cards/kelp_genes_2025.yaml": """
        title: DNA models for depression classification and gene attribution
        authors: [Uma Lee]
        year: 2025
        venue: BIOKDD Workshop 2025
        summary: Applies Kelpie and Tidal to 38 candidate genes and ranks them by attribution.
    """,
    "kb/paper_cards/reef_models_2024.yaml": """
        title: Strand-aware DNA sequence models
        authors: [Rob Finch]
        year: 2024
        venue: ICML 2024
        summary: A DNA model whose layers see both strands at once.
    """,
    "kb/model_cards/gradus.yaml": """
        id: gradus
        name: Gradus
        modality: fmri
        summary: fMRI model that positions regions by their functional gradient coordinates.
        arch:
          context_length: 4096
        tokenizer:
          notes: 400 parcels; each token is a short window of one parcel's signal.
    """,
    "kb/paper_cards/gradus_2024.yaml": """
        title: "Gradus: brain dynamics at scale"
        authors: [Ola Berg]
        year: 2024
        venue: NeurIPS 2024
        related_to: [kb/model_cards/gradus.yaml]
    """,
    "kb/model_cards/swell.yaml": """
        id: swell
        name: Swell
        modality: fmri
        summary: fMRI encoder over parcel time series.
        embedding_recipe:
          pipeline:
            rsfmri:
              notes: Use exports aligned to rsfmri_preprocessing_pipelines.native_export.
    """,
    "kb/model_cards/heron.yaml": """
        id: heron
        name: Heron
        modality: multimodal
        summary: Vision-language model.
        datasets: [gull_web, tern_pairs, alt_pairs]
    """,
    "kb/datasets/gull_web.yaml": """
        id: gull_web
        name: Gull web corpus
        summary: Web pages that Skylab collected to pretrain Heron. Skylab never released it.
    """,
    "kb/datasets/tern_pairs.yaml": """
        id: tern_pairs
        name: Tern image-text pairs
        summary: Image-text pairs Skylab collected for Heron pretraining; not released.
    """,
    "kb/datasets/alt_pairs.yaml": """
        id: alt_pairs
        name: Alt-text pairs
        summary: Image and alt-text pairs from another project, reused for Heron pretraining.
    """,
    "kb/model_cards/quill.yaml": """
        id: quill
        name: Quill
        modality: text
        arch:
          parameters: 13B
        summary: >-
          Medical language model continually pretrained on a corpus of 129B medical tokens
          from literature and clinical notes.
    """,
    "kb/configs/experiments/gene_attribution.yaml": """
        id: gene_attribution
        name: Leave-one-gene-out attribution
        references:
          - kb/paper_cards/kelp_genes_2025.yaml
          - kb/paper_cards/reef_models_2024.yaml
        notes: |
          - Nested folds keep the ranking honest.
          - Expected to replicate the KELP1 signal from prior work.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("paths"), files=FILES)


def _cited(a) -> set[str]:
    return {c["source"] for c in a["citations"]}


def test_a_field_only_papers_state_is_asked_of_a_described_options_paper(kb):
    a = kb.ask(
        "The harmonization method that needs no traveling phantoms was published in which venue?"
    )
    assert "Communications Engineering" in a["answer"]
    assert "kb/paper_cards/disentangle_2024.yaml" in _cited(a)


def test_a_name_based_kind_is_the_entity_of_that_kind_built_on_it(kb):
    a = kb.ask("How many base pairs are in the training corpus of the Swirl 2-based DNA model?")
    assert "2.5 trillion" in a["answer"]
    assert "kb/datasets/ocean_corpus.yaml" in _cited(a)
    # Reported as a field and read again as a passage's sentence: said once.
    assert a["answer"].count("2.5 trillion") == 1


def test_a_kind_word_apart_from_a_named_thing_of_its_kind_is_another_of_that_kind(kb):
    a = kb.ask(
        "How many species went into the pretraining corpus of the model whose paper "
        "released the Reef benchmark?"
    )
    assert "48" in a["answer"]
    assert "kb/datasets/kelp_corpus.yaml" in _cited(a)


def test_a_clause_naming_another_kind_word_describes_that_thing(kb):
    a = kb.ask(
        "At which conference was the paper on the fMRI model that positions regions by their "
        "functional gradient coordinates published?"
    )
    assert "NeurIPS 2024" in a["answer"] and "Ripple" not in a["answer"]
    assert "gradus" in a["entities"]


def test_a_description_no_card_of_its_kind_fits_may_fit_what_it_relates_to(kb):
    a = kb.ask(
        "How many tasks make up the benchmark that was released together with the DNA "
        "encoder that learns byte-pair tokens?"
    )
    assert "28" in a["answer"]
    assert "reef_benchmark" in a["entities"]


def test_a_modalitys_encoder_is_a_model(kb):
    a = kb.ask(
        "The DNA encoder that learns byte-pair tokens came with its own benchmark. How many "
        "tasks does that benchmark contain?"
    )
    assert "28" in a["answer"]
    assert "kelpie" in a["entities"]


def test_things_compared_are_of_the_kind_the_question_names(kb):
    a = kb.ask("What kind of method is unlearning_head versus SWAP?")
    assert "representation_unlearning" in a["answer"] and "deep_unsupervised" in a["answer"]
    assert {"unlearning_head", "style_swap"} <= set(a["entities"])
    assert "Marsh" not in a["answer"]  # the kind is the `type` field, not every field


def test_a_clause_after_the_kind_asked_narrows_what_a_hop_reached(kb):
    a = kb.ask(
        "Which of Heron's pretraining datasets were collected by Skylab itself and never released?"
    )
    assert "Gull web corpus" in a["answer"] and "Tern image-text pairs" in a["answer"]
    assert "Alt-text pairs" not in a["answer"]
    assert a["intent"] == "relation"  # "which of Heron's datasets": the datasets are listed
    # The question's own clause ("is Heron linked to") narrows nothing.
    a = kb.ask("Which datasets is Heron linked to?")
    for name in ("Gull web corpus", "Tern image-text pairs", "Alt-text pairs"):
        assert name in a["answer"]


def test_the_size_of_a_corpus_is_no_parameter_count(kb):
    a = kb.ask("How large was the medical text corpus used to pretrain Quill?")
    assert "129B" in a["answer"] and "parameters" not in a["answer"]


def test_a_name_in_a_relative_clause_says_which_thing_is_asked_about(kb):
    a = kb.ask("How many tasks are in the Reef benchmark that ships with Kelpie?")
    assert "28" in a["answer"]
    assert "kelpie" not in a["entities"] and "Kelpie —" not in a["answer"]


def test_a_relative_clause_may_follow_the_kind_word_after_a_name(kb):
    a = kb.ask("How many tasks are in the Coral Evaluation benchmark that ships with Kelpie?")
    assert "12" in a["answer"]
    assert "kelpie" not in a["entities"]


def test_a_kind_word_after_two_coordinated_names_is_both_names(kb):
    a = kb.ask("At which venues were the Ripple and Gradus papers published?")
    assert "NeurIPS 2023" in a["answer"] and "NeurIPS 2024" in a["answer"]
    assert {"ripple_2023", "gradus_2024"} <= set(a["entities"])


def test_a_number_beside_a_property_word_is_a_condition_on_that_property(kb):
    a = kb.ask(
        "At which venue was the paper for the fMRI model with a 4096-token context published?"
    )
    assert "NeurIPS 2024" in a["answer"] and "Ripple" not in a["answer"]
    assert "gradus" in a["entities"]


def test_a_number_a_note_counts_meets_a_count_condition(kb):
    a = kb.ask(
        "At which venue was the paper behind the fMRI model that tokenizes 400 parcels published?"
    )
    assert "NeurIPS 2024" in a["answer"] and "Ripple" not in a["answer"]


def test_a_kind_word_a_named_thing_owns_is_the_way_not_what_is_asked(kb):
    a = kb.ask(
        "What smoothing is applied by the rs-fMRI preprocessing pipeline that Swell's "
        "embedding recipe is aligned to?"
    )
    assert "FWHM=5mm" in a["answer"]
    assert "native_export" in a["entities"]


def test_respectively_asks_for_no_field(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    q = "What pooling do the ripple_segments_v1 and helix_genes_v1 strategies use, respectively?"
    assert "respectively" not in plan(view.linker.link(q), view).words
    assert "CLS token" in kb.ask(q)["answer"]


def test_the_asked_part_comes_before_what_each_reached_paper_is(kb):
    a = kb.ask(
        "Which gene is expected to come out on top in the gene attribution experiment, and at "
        "what venue was the prior work presented?"
    )
    text = a["answer"]
    assert "BIOKDD" in text and "KELP1" in text
    assert "summary:" not in text[: text.index("KELP1")]


def test_an_empty_field_gives_way_to_one_with_a_value(kb):
    a = kb.ask("What is Tidal's code license, and are its weights released?")
    assert "MIT" in a["answer"] and "unreleased" in a["answer"]

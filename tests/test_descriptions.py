"""Entities described instead of named, and numbers written next to what they count, on a
small real KB (hash embedder): "GenerTeam's DNA language model", "the fMRI model whose
tokens come from the Grid-400 atlas", "Marsh et al.'s unlearning paper"; "how many
whole-slide images" answered by "335,645 WSIs"; a name with initials ("OCB fMRI runs")."""

from __future__ import annotations

import pytest
from assistant_kb import build

FILES = {
    "model_cards/helix.yaml": """
        id: helix
        name: HelixLM
        modality: genetics
        summary: Causal DNA language model from the GenerTeam group.
        arch:
          type: WaveMixer 2 blocks
        checkpoints:
          - path: https://huggingface.co/GenerTeam/HelixLM-base
        license:
          code: MIT
        datasets: [genome_pool]
    """,
    "model_cards/strand.yaml": """
        id: strand
        name: StrandNet
        modality: genetics
        summary: Bidirectional DNA language model for regulatory regions.
        license:
          code: Apache-2.0
    """,
    "model_cards/cortex.yaml": """
        id: cortex
        name: CortexNet
        modality: fmri
        summary: fMRI encoder whose tokens come from the Grid-400 atlas plus Sub-30 nuclei.
        license:
          code: custom
        datasets: [atlas_scans]
        tokenizer:
          notes: Signals are averaged within 430 ROIs, one token per ROI and time window.
          vocabulary: none
    """,
    "model_cards/slab.yaml": """
        id: slab
        name: SlabFM
        modality: pathology
        summary: Whole-slide pathology model.
        license:
          code: CC-BY-NC-4.0
          data: Training data spans 335,645 WSIs and 182k reports from one hospital.
        input:
          image_features: 768-d patch embeddings at 20x magnification.
    """,
    "model_cards/voxel.yaml": """
        id: voxel
        name: VoxelFormer
        modality: fmri
        summary: fMRI encoder over whole-brain volumes.
        notes: Set GRID_SYNC_OFF=1 on workstations whose GPUs cannot talk to each other.
        training:
          launcher: torchrun with two processes per node
        license:
          code: Apache-2.0
    """,
    "datasets/genome_pool.yaml": """
        id: genome_pool
        name: GenomePool
        modality: genetics
        summary: Genomes used to pretrain HelixLM.
        counts:
          base_pairs: 8_800_000
    """,
    "datasets/gener_tasks.yaml": """
        id: gener_tasks
        name: Gener tasks
        modality: genetics
        summary: Classification tasks for evaluating DNA models.
        counts:
          records: 1_500
    """,
    "datasets/motif_bench.yaml": """
        id: motif_bench
        name: Motif Understanding Benchmark (MUB)
        modality: genetics
        description: Multi-species classification benchmark distributed with StrandNet.
        counts:
          records: "14 datasets (~2M sequences)"
    """,
    "datasets/ocean_fmri.yaml": """
        id: ocean_fmri
        name: Ocean Cohort Biobank fMRI runs
        modality: fmri
        counts:
          frames: 490
        baseline_visit:
          nominal_age:
            months: 24
        preprocessing:
          pipeline: strict_minimal
    """,
    "integration_cards/hvs_alignment.yaml": """
        id: hvs_alignment
        name: HVS genetics ↔ brain alignment
        summary: Align DNA embeddings with fMRI embeddings of the same participants.
        models: [helix, cortex, voxel]
    """,
    "integration_cards/joint_alignment.yaml": """
        id: joint_alignment
        name: Genetics and brain alignment recipes
        summary: Contrastive alignment of genetics and brain embeddings in general.
        models: [strand]
    """,
    "integration_cards/prep_stacks.yaml": """
        id: prep_stacks
        name: Reference rs-fMRI preprocessing pipelines
        summary: Named preprocessing stacks.
        pipelines:
          strict_minimal:
            steps:
              - motion_correction
              - temporal_filter: "0.01-0.1 Hz"
    """,
    "configs/experiments/gene_baselines.yaml": """
        experiment_id: gene_baselines
        experiment_name: "Prediction baselines: gene embeddings"
        models: [helix]
        bootstrap:
          n_bootstrap: 1000
    """,
    "configs/experiments/tabular_baselines.yaml": """
        experiment_id: tabular_baselines
        experiment_name: "Prediction baselines: tabular FMs"
        notes: Compares tabular foundation models with gradient boosting.
        bootstrap:
          n_bootstrap: 2000
    """,
    "paper_cards/helix_2024.yaml": """
        id: helix_2024
        title: Causal language modelling of whole genomes
        year: 2024
        architecture:
          resampler_tokens: 64
    """,
    "paper_cards/cortex_2022.yaml": """
        id: cortex_2022
        title: "Tokenizing cortex signals with an atlas-based fMRI transformer model"
        year: 2022
    """,
    "datasets/atlas_scans.yaml": """
        id: atlas_scans
        name: Atlas scan archive
        modality: fmri
        summary: Resting-state scans used to pretrain CortexNet.
    """,
    "paper_cards/marsh_2021.yaml": """
        id: marsh_2021
        title: Removing scanner effects with adversarial unlearning
        authors: [Marsh, Jenkinson, Namburete]
        year: 2021
        venue: NeuroImage
    """,
    "paper_cards/lee_2020.yaml": """
        id: lee_2020
        title: Scanner harmonisation with linear models
        authors: [Lee, Park]
        year: 2020
        venue: Biostatistics
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("described"), files=FILES)


def test_a_model_described_by_its_maker_is_that_model(kb):
    a = kb.ask("GenerTeam's DNA language model was pretrained on which corpus?")
    assert "GenomePool" in a["answer"]
    assert "helix" in a["entities"]


def test_a_model_described_by_a_relative_clause_is_that_model(kb):
    a = kb.ask(
        "What is the code licence of the fMRI model whose tokens come from Grid-400 plus Sub-30?"
    )
    assert "custom" in a["answer"]
    assert "Apache-2.0" not in a["answer"]  # the other fMRI model's licence


def test_a_paper_described_by_its_authors_and_topic_is_that_paper(kb):
    a = kb.ask("In which venue did Marsh et al.'s adversarial unlearning paper appear?")
    assert "NeuroImage" in a["answer"]
    assert "Biostatistics" not in a["answer"]
    # A surname opening the question is a name all the same ("Marsh et al. (2021) …").
    b = kb.ask("Marsh et al. wrote about adversarial unlearning. In which venue did it appear?")
    assert "NeuroImage" in b["answer"] and "Biostatistics" not in b["answer"]


def test_a_description_that_fits_several_cards_names_none(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    # Both DNA models are "DNA language models": the description singles neither out.
    vague = view.linker.link("What is the code licence of the DNA language model?")
    plan(vague, view)
    assert not {e.id for e in vague.entities} & {"helix", "strand"}
    # Named by its maker, one of them is meant.
    named = view.linker.link("What is the code licence of GenerTeam's DNA language model?")
    plan(named, view)
    assert [e.id for e in named.entities] == ["helix"]


def test_a_possessive_s_is_no_unknown_word_to_match_fuzzily(kb):
    # "GenerTeam's" once read as the key "generteams", a typo of "genertasks" (Gener tasks).
    linked = kb._assistant().view.linker.link("Which models did GenerTeam's group release?")
    assert "gener_tasks" not in {e.id for e in linked.entities}


def test_a_count_written_as_initials_answers_how_many(kb):
    a = kb.ask("How many whole-slide images were used to train SlabFM?")
    assert "335,645" in a["answer"]


def test_a_name_may_shorten_its_capitalised_words_to_initials(kb):
    linked = kb._assistant().view.linker.link("How many frames are in the OCB fMRI runs?")
    assert [e.id for e in linked.entities] == ["ocean_fmri"]


def test_a_bare_number_is_given_with_the_unit_its_key_names(kb):
    a = kb.ask(
        "What is the nominal age at the baseline visit of the Ocean Cohort Biobank fMRI runs?"
    )
    assert "24 months" in a["answer"]


def test_capitalised_words_whose_initials_the_kb_writes_are_no_unknown_name(kb):
    linker = kb._assistant().view.linker
    # The KB writes "CC-BY-NC-4.0": "Creative Commons" is known by its initials.
    assert linker.link("Which models have a Creative Commons licence?").unknown == []
    assert "Quixotic" in linker.link("Which models have a Quixotic Commons licence?").unknown


def test_a_field_the_model_card_lacks_is_read_from_its_papers_card(kb):
    a = kb.ask("How many resampler tokens does HelixLM emit?")
    assert "64" in a["answer"]
    assert "paper_cards/helix_2024.yaml" in {c["source"] for c in a["citations"]}


def test_a_phrase_with_of_is_found_by_its_initials(kb):
    a = kb.ask("How many regions of interest does CortexNet average signals in?")
    assert "430 ROIs" in a["answer"]


def test_one_shared_word_is_no_description(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    # Only SlabFM's card says "slide", but "a slide model" is too little to name it.
    linked = view.linker.link("Why train a slide model at once?")
    plan(linked, view)
    assert "slab" not in {e.id for e in linked.entities}


def test_a_kind_word_modifying_another_is_part_of_the_description(kb):
    # "FM" is a kind word, but here it modifies "baselines config", the head.
    a = kb.ask("What n_bootstrap does the tabular FM baselines config set?")
    assert "2000" in a["answer"] and "1000" not in a["answer"]
    assert a["entities"][:1] == ["tabular_baselines"]


def test_a_large_count_written_in_digits_is_also_said_in_words(kb):
    a = kb.ask("How many base pairs does GenomePool hold?")
    assert "8800000" in a["answer"] and "8.8 million" in a["answer"]


def test_a_listed_property_is_given_whole_in_the_cards_order(kb):
    a = kb.ask("Who are the first and last authors of Marsh et al.'s adversarial unlearning paper?")
    assert "Marsh; Jenkinson; Namburete" in a["answer"]


def test_an_env_variable_asked_is_a_name_written_like_one(kb):
    a = kb.ask("VoxelFormer training hangs on my workstation. Which env variable should I set?")
    assert "GRID_SYNC_OFF" in a["answer"]


def test_a_paper_title_read_as_a_model_stands_for_the_model_it_describes(kb):
    # The words come from the paper's title, but "… model" asks about the model; the topic
    # before the colon only says which one.
    a = kb.ask(
        "Hill's atlas-based fMRI transformer model with grid tokens: which datasets are "
        "linked to it?"
    )
    assert "Atlas scan archive" in a["answer"]


def test_rows_are_records_and_a_bracketed_name_is_an_aside(kb):
    a = kb.ask("How many rows does Gener tasks (HelixLM's evaluation suite) have?")
    assert "1500" in a["answer"].replace("_", "")
    assert "helix" not in a["entities"]


def test_a_stack_reached_from_a_dataset_is_an_fmri_one_by_its_registrys_name(kb):
    a = kb.ask(
        "Which rs-fMRI preprocessing stack are the Ocean Cohort Biobank fMRI runs aligned "
        "with, and what temporal band-pass does that stack apply?"
    )
    assert "strict_minimal" in a["answer"] and "0.01-0.1 Hz" in a["answer"]


def test_how_big_a_dataset_is_is_read_from_its_counts(kb):
    a = kb.ask(
        "How big is the MUB benchmark that ships with StrandNet (number of datasets and sequences)?"
    )
    assert "14 datasets (~2M sequences)" in a["answer"][:600]


def test_a_description_spelling_a_name_out_fits_the_card_using_its_initials(kb):
    a = kb.ask(
        "Which fMRI models are named in the models list of the Harbor Valley Study "
        "genetics-to-brain alignment integration card?"
    )
    assert "CortexNet" in a["answer"] and "VoxelFormer" in a["answer"]
    assert "hvs_alignment" in a["entities"]


def test_a_description_after_instead_of_names_no_card(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    linked = view.linker.link(
        "Why pretrain on genomes first instead of on a causal DNA language model from GenerTeam?"
    )
    plan(linked, view)  # reads descriptions in place
    assert "helix" not in [e.id for e in linked.entities]
    linked = view.linker.link("Why pretrain on a causal DNA language model from GenerTeam?")
    plan(linked, view)
    assert "helix" in [e.id for e in linked.entities]  # the same words, not negated


def test_a_version_number_after_a_capitalised_name_is_part_of_the_description(kb):
    # "WaveMixer 2" names an architecture, not a quantity of 2.
    a = kb.ask("Which corpus was the WaveMixer 2 DNA model pretrained on?")
    assert "GenomePool" in a["answer"]
    assert "helix" in a["entities"]


def test_words_about_a_card_describe_no_other_card(tmp_path):
    files = {
        "model_cards/vlm.yaml": """
            id: vlm_dev
            name: Developmental clinical VLM (placeholder)
            modality: video
            datasets: [clinic_cohort]
        """,
        "datasets/clinic.yaml": """
            id: clinic_cohort
            name: Clinic longitudinal cohort
            access: restricted
        """,
        "datasets/manifest.yaml": """
            id: manifest
            name: Multimodal manifest
            description: One card that names every file of one dataset release.
            access: public
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "As a clinician: the developmental clinical VLM placeholder card names one dataset. "
        "Which cohort is it and what is its access level?"
    )
    assert "Clinic longitudinal cohort" in a["answer"] and "restricted" in a["answer"]
    assert "Multimodal manifest" not in a["answer"]


def test_one_of_a_kind_is_described_by_what_the_sentence_says_of_it(tmp_path):
    files = {
        "integration_cards/hub.yaml": """
            id: hub_fusion
            name: Hub-token fusion
            summary: A small set of learnable bottleneck tokens shared between modality encoders.
            models: [harmony]
        """,
        "integration_cards/late.yaml": """
            id: late_fusion
            name: Late fusion
            summary: Concatenate per-modality predictions and fit a small stacker.
            models: [stacker]
        """,
        "model_cards/stacker.yaml": """
            id: stacker
            name: StackNet
            modality: multimodal
            license:
              code: MIT
        """,
        "model_cards/harmony.yaml": """
            id: harmony
            name: HarmonyNet
            modality: multimodal
            license:
              code: CC-BY-NC-SA-4.0
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "One of the fusion patterns we track uses learnable bottleneck tokens shared between "
        "modality encoders. Which model is the example of it, and under what licence is "
        "that model's code released?"
    )
    assert "HarmonyNet" in a["answer"] and "CC-BY-NC-SA-4.0" in a["answer"]
    assert "StackNet" not in a["answer"]


def test_some_kind_is_one_to_reach_not_one_described(tmp_path):
    files = {
        "configs/experiments/cca.yaml": """
            id: cca_gene_smri
            experiment_name: "CCA: gene embeddings x structural MRI"
            models: [strand]
        """,
        "model_cards/strand.yaml": """
            id: strand
            name: StrandNet
            modality: genetics
            summary: Bidirectional model of long DNA windows.
            arch:
              context_length: 131072
        """,
        "model_cards/bpe.yaml": """
            id: bpe
            name: BPENet
            modality: genetics
            summary: The config that embeds genes uses this DNA model when asked.
            arch:
              context_length: 512
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "The CCA gene x sMRI config embeds genes with some DNA model. What's the max context "
        "length of that model?"
    )
    assert "131072" in a["answer"] and "512" not in a["answer"]


def test_a_paper_title_read_at_the_end_of_a_question_stands_for_its_model(kb):
    # The title ends in "model" and ends the question: the model it describes is meant.
    a = kb.ask("What license covers the atlas-based fMRI transformer model?")
    assert a["answer"].startswith("CortexNet — license: custom")


def test_a_hyphenated_compound_after_a_name_is_no_word_for_its_kind(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    q = "What fraction of genome tokens gets masked during HelixLM masked-language-model pretraining?"
    linked = view.linker.link(q)
    plan(linked, view)
    assert [e.id for e in linked.entities] == ["helix"]
    # "masked" (after the name) is no word for models: the earlier "masked" describes none.
    assert [k for k, _ in linked.kinds] == ["model"]

"""Paths through the graph the assistant must follow, on a small real KB (hash embedder):
a kind named between an entity and the kind asked is passed through, later parts of a
question read the fields of what the path reached, "the X paper" for a method X is the
paper it refers to, a kind word after a name picks the entity of that kind, and a licence
stated only in prose answers the licence asked."""

from __future__ import annotations

import pytest
from assistant_kb import build

FILES = {
    "model_cards/helix.yaml": """
        id: helix
        name: HelixLM
        modality: genetics
        arch:
          parameters: 117M
          context_length: 512
        tokenizer:
          notes: Pad or trim sequences to a length that is a multiple of 4 to avoid out-of-vocabulary tokens.
        datasets: [genome_pool]
        embedding_recipe:
          notes: "Use exports aligned to `prep_registry.strict_minimal`."
    """,
    "model_cards/cortex.yaml": """
        id: cortex
        name: CortexNet
        modality: fmri
        arch:
          parameters: 650M
        datasets: [scan_bank, eval_suite]
        tokenizer:
          notes: 300 parcels; one token per parcel and time window.
    """,
    "datasets/scan_bank.yaml": """
        id: scan_bank
        name: CortexNet scan bank
        modality: fmri
        summary: Pretraining scans collected for CortexNet.
        counts:
          frames: 5_000_000
    """,
    "datasets/ocean_genotypes.yaml": """
        id: ocean_genotypes
        name: Ocean Cohort Study genotype arrays
        modality: genetics
        description: Array genotypes for the whole cohort.
    """,
    "datasets/ocean_fmri.yaml": """
        id: ocean_fmri
        name: Ocean Cohort Study functional MRI
        modality: fmri
        description: Resting-state runs from the imaging visit.
        counts:
          resting_state_volumes_per_run: 490
    """,
    "datasets/lake_fmri.yaml": """
        id: lake_fmri
        name: Lake Study fMRI
        modality: fmri
        counts:
          resting_state_volumes_per_run: 1200
    """,
    "docs/overview.md": """
        # Overview

        We fit per-site models first. The reasons are written down in the site decision.
    """,
    "docs/site_decision.md": """
        # Decision: per-site models first

        ## Reasons
        1. **Scanner drift.** Each site's scanner drifts on its own schedule.
        2. **Small sites.** A pooled model lets the largest site dominate the small ones.
    """,
    "docs/roadmap.md": """
        # Roadmap

        ## Phase 2: joint model

        **Trigger**: per-site models show a stable signal (p<0.01 in two cohorts).
    """,
    "docs/volume_features.md": """
        # Tessera regional volume features

        Regional volumes come from the Tessera toolkit, one value per region.
    """,
    "docs/map.md": """
        # Map

        - Roadmap → Phase 2 → the signal that triggers moving to the joint model.
    """,
    "datasets/eval_suite.yaml": """
        id: eval_suite
        name: EvalSuite
        modality: fmri
        summary: Downstream evaluation tasks.
        counts:
          tasks: 12
    """,
    "paper_cards/helix_2024.yaml": """
        id: helix_2024
        title: "HelixLM: Efficient Foundation Model for Many Genomes"
        authors: [Grace Hopper]
        year: 2024
        venue: ICLR
        describes: [helix]
    """,
    "paper_cards/shrink_2007.yaml": """
        id: shrink_2007
        title: "Adjusting batch effects with empirical Bayes"
        authors: [Ann Johnson]
        year: 2007
        venue: Biostatistics
    """,
    "paper_cards/shrink_mri_2018.yaml": """
        id: shrink_mri_2018
        title: "Harmonizing cortical thickness across scanners"
        authors: [Jean Fortin]
        year: 2018
        venue: NeuroImage
    """,
    "paper_cards/unlearn_2021.yaml": """
        id: unlearn_2021
        title: "Unlearning scanner bias from brain images"
        authors: [Nora Dale]
        year: 2021
        venue: Medical Image Analysis
    """,
    "model_cards/voxel.yaml": """
        id: voxel
        name: VoxelFM
        modality: fmri
        embedding_recipe:
          harmonization_hooks: [plain_baseline, unlearn_site]
    """,
    "integration_cards/recipes.yaml": """
        id: recipes
        name: Embedding recipes
        summary: Named recipes that turn model outputs into one vector per subject.
        strategies:
          helix_mean_v1:
            name: Gene embeddings, mean-pooled
            modality: genetics
            model: helix
            pooling: mean over positions
            projector:
              type: PCA
              dim: 256
          cortex_cls_v1:
            name: Run embeddings, CLS-pooled
            modality: fmri
            model: cortex
            pooling: CLS token of the encoder
            projector:
              type: PCA
              dim: 128
          roi_volume_pca_v1:
            name: Regional volumes from the Tessera toolkit, PCA-projected
            modality: smri
            projector:
              type: PCA
              dim: 64
    """,
    "integration_cards/methods.yaml": """
        id: methods
        name: Harmonisation methods
        summary: Ways to remove site effects.
        methods:
          shrink:
            name: Shrink site harmonisation
            type: statistical
            references: [shrink_2007, shrink_mri_2018]
          plain_baseline:
            name: Plain baseline
            type: none
          unlearn_site:
            name: Site unlearning
            type: deep_learning
            references: [unlearn_2021]
    """,
    "integration_cards/prep_registry.yaml": """
        id: prep_registry
        name: Reference preprocessing stacks
        summary: Named preprocessing stacks.
        pipelines:
          strict_minimal:
            steps:
              - motion_correction
              - parcellation: "Grid-400"
    """,
    "configs/experiments/gene_scan.yaml": """
        id: gene_scan
        experiment_name: "Gene scan: attribution over a gene panel"
        embedding_strategies:
          genetics: helix_mean_v1
        feature_preparation:
          baseline:
            model: cortex
    """,
    "configs/experiments/scan_ablation.yaml": """
        id: scan_ablation
        experiment_name: "Scan harmonisation ablation"
        harmonization:
          arm_plain: [plain_baseline]
          arm_shrink: [plain_baseline, shrink]
    """,
    "configs/experiments/brain_scores.yaml": """
        id: brain_scores
        experiment_name: "Brain scores against behaviour"
        embedding_strategies:
          fmri: cortex_cls_v1
        harmonization: [shrink]
    """,
    "datasets/genome_pool.yaml": """
        id: genome_pool
        name: GenomePool
        modality: genetics
        access: public
        summary: Genomes used to pretrain HelixLM.
        counts:
          base_pairs: 8_800_000
        restrictions: >
          Apache-2.0 license. Cite the release preprint.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("paths"), files=FILES)


def _cited(answer: dict) -> set[str]:
    return {c["source"] for c in answer["citations"]}


def test_a_kind_named_on_the_way_is_passed_through_and_later_parts_read_its_fields(kb):
    # gene_scan names a baseline model of its own; the strategy's model is the one asked.
    a = kb.ask(
        "The gene scan config's embedding strategy uses which model, and to what width "
        "does that strategy project with PCA?"
    )
    assert "HelixLM" in a["answer"] and "256" in a["answer"]
    assert "128" not in a["answer"]  # the other strategy's width
    assert "CortexNet" not in a["answer"]
    assert "integration_cards/recipes.yaml" in _cited(a)


def test_every_later_part_about_the_reached_strategy_is_answered(kb):
    a = kb.ask(
        "In the brain scores config, what fMRI strategy is used, which token does it pool, "
        "and to what width does it project?"
    )
    assert "cortex_cls_v1" in a["answer"]
    assert "CLS token" in a["answer"] and "128" in a["answer"]


def test_the_paper_of_a_method_is_the_one_the_words_around_it_name(kb):
    a = kb.ask(
        "The original Shrink paper versus the neuroimaging Shrink paper by Fortin et al.: "
        "which years and journals?"
    )
    assert a["intent"] == "compare"
    for fact in ("2007", "Biostatistics", "2018", "NeuroImage"):
        assert fact in a["answer"]


def test_a_kind_word_after_a_name_picks_the_entity_of_that_kind(kb):
    # "HelixLM models" could extend to the paper title "HelixLM: … Foundation Model …".
    a = kb.ask("Compare the parameter counts of the CortexNet and HelixLM models.")
    assert "117M" in a["answer"] and "650M" in a["answer"]
    assert a["entities"][:2] == ["cortex", "helix"]


def test_which_one_of_two_named_things_is_a_comparison(kb):
    a = kb.ask("HelixLM or CortexNet - which one has more parameters?")
    assert a["intent"] == "compare"
    assert a["answer"].startswith("CortexNet")


def test_a_named_field_is_compared_even_beside_a_kind_word(kb):
    a = kb.ask("Which is bigger by default config, HelixLM or CortexNet, and what are their sizes?")
    assert a["intent"] == "compare"
    assert "117M" in a["answer"] and "650M" in a["answer"]


def test_a_hop_to_a_described_target_reaches_it_and_reads_the_asked_field(kb):
    a = kb.ask(
        "HelixLM's embedding recipe points to a named preprocessing pipeline; which "
        "parcellation does that pipeline end with?"
    )
    assert "strict_minimal" in a["answer"] and "Grid-400" in a["answer"]


def test_a_licence_stated_only_in_prose_answers_the_licence_asked(kb):
    a = kb.ask("What licence covers the dataset HelixLM was trained on?")
    assert "GenomePool" in a["answer"] and "Apache-2.0" in a["answer"]
    assert "datasets/genome_pool.yaml" in _cited(a)


def test_a_month_abbreviation_is_no_unknown_name(kb):
    a = kb.ask("According to the Nov 2024 HelixLM paper, at which venue did it appear?")
    assert "ICLR" in a["answer"]


def test_which_one_asks_for_the_kind_named_last_before_it(kb):
    a = kb.ask(
        "HelixLM's embedding recipe says to align exports to a named preprocessing "
        "pipeline. Which one, and which parcellation does that pipeline use?"
    )
    assert "strict_minimal" in a["answer"] and "Grid-400" in a["answer"]


def test_the_possessed_things_are_compared_on_their_size(kb):
    a = kb.ask("Compare the size of HelixLM's GenomePool data with CortexNet's scan bank.")
    assert a["intent"] == "compare"
    assert "8_800_000" in a["answer"] and "5_000_000" in a["answer"]
    assert "117M" not in a["answer"]  # not the models' sizes


def test_a_name_inside_a_longer_name_is_part_of_it(kb):
    a = kb.ask("Which corpus is bigger: GenomePool or the CortexNet scan bank?")
    assert a["intent"] == "compare"
    assert a["entities"][:2] == ["genome_pool", "scan_bank"]
    # Base pairs and frames are no common unit: both sizes are shown, no winner named.
    assert "8_800_000" in a["answer"] and "5_000_000" in a["answer"]


def test_more_data_compares_the_datasets_each_model_was_pretrained_on(kb):
    a = kb.ask("Was HelixLM or CortexNet pretrained on more data?")
    assert "8_800_000" in a["answer"] and "5_000_000" in a["answer"]
    assert "EvalSuite" not in a["answer"]


def test_a_caution_question_is_answered_by_what_the_card_says_to_avoid(kb):
    # "Anything" opens a sentence: a capitalised plain word, not an unknown name.
    a = kb.ask(
        "I am feeding DNA sequences of any length into HelixLM. Anything I should watch out for?"
    )
    assert "multiple of 4" in a["answer"]
    assert "model_cards/helix.yaml" in _cited(a)


def test_words_opening_several_names_mean_the_one_the_question_is_about(kb):
    # "Ocean Cohort" opens two names; only the fMRI card speaks of resting-state runs.
    a = kb.ask(
        "How do resting-state runs in Lake Study fMRI and Ocean Cohort differ in number of "
        "volumes per run?"
    )
    assert a["intent"] == "compare"
    assert a["entities"][:2] == ["lake_fmri", "ocean_fmri"]
    assert "490" in a["answer"] and "1200" in a["answer"]


def test_what_reasons_lists_the_reasons_not_the_sentence_pointing_to_them(kb):
    a = kb.ask("What reasons does the decision give for fitting per-site models first?")
    assert "Scanner drift" in a["answer"] and "Small sites" in a["answer"]
    assert "written down" not in a["answer"]
    assert a["citations"][0]["source"] == "docs/site_decision.md"


def test_a_sentence_that_only_points_to_the_answer_does_not_stand_for_it(kb):
    a = kb.ask("What signal triggers moving to the joint model?")
    assert "p<0.01" in a["answer"]
    assert a["citations"][0]["source"] == "docs/roadmap.md"


def test_of_two_kind_words_in_a_row_the_last_is_asked_for(kb):
    a = kb.ask("Which methods papers does the brain scores config rely on?")
    assert "(Johnson, 2007)" in a["answer"] and "(Fortin, 2018)" in a["answer"]


def test_how_big_asks_a_models_parameters_and_a_datasets_counts(kb):
    assert "117M" in kb.ask("How big is HelixLM?")["answer"]
    a = kb.ask("How large is the CortexNet scan bank?")
    assert "5000000" in a["answer"].replace("_", "").replace(",", "")


def test_a_foundation_model_asked_first_then_a_count_of_what_it_reached(kb):
    a = kb.ask(
        "In the brain scores config, which foundation model does the fMRI strategy use, "
        "and how many parcels does its atlas have?"
    )
    assert "CortexNet" in a["answer"] and "300 parcels" in a["answer"]


def test_which_one_of_a_registry_and_the_venue_of_the_paper_it_is_based_on(kb):
    # "Which one" asks for the registry's kind (a method), "besides" sets one aside, and
    # the journal asked is the paper's, one hop further.
    a = kb.ask(
        "Besides the plain baseline, VoxelFM's embedding recipe hooks into one harmonisation "
        "method. Which one is it, and in which journal was the paper it is based on published?"
    )
    assert "unlearn_site" in a["answer"] and "Medical Image Analysis" in a["answer"]
    assert "plain_baseline" not in a["answer"].split(".")[0]
    assert "paper_cards/unlearn_2021.yaml" in _cited(a)


def test_an_unnamed_item_of_a_listed_kind_is_described_by_its_words(kb):
    a = kb.ask(
        "What PCA widths do the Tessera volume, HelixLM gene and CortexNet run strategies use?"
    )
    # "Tessera volume" names no card; beside two named items it describes one strategy.
    assert "roi_volume_pca_v1" in a["entities"]
    # Three listed items are read side by side: each width beside its strategy.
    assert "Tessera toolkit, PCA-projected: 64" in a["answer"]


def test_a_doc_compared_with_a_card_stands_for_the_card_of_that_kind_it_describes(kb):
    a = kb.ask(
        "What PCA width do we use for the Tessera regional volume features compared with "
        "the mean-pooled gene embeddings?"
    )
    assert "64" in a["answer"] and "256" in a["answer"]
    assert "integration_cards/recipes.yaml" in _cited(a)


def test_what_a_question_goes_beyond_is_set_aside_even_across_sentences(kb):
    a = kb.ask(
        "The scan harmonisation ablation has one arm that goes beyond the plain baseline. "
        "Which method does that arm add?"
    )
    assert "Shrink site harmonisation" in a["answer"]
    assert "Plain baseline (plain_baseline)" not in a["answer"]


def test_two_kinds_asked_of_one_entity_are_both_reached_from_it(kb):
    a = kb.ask("Which embedding strategy and which preprocessing pipeline does HelixLM use?")
    assert "helix_mean_v1" in a["answer"] or "Gene embeddings, mean-pooled" in a["answer"]
    assert "strict_minimal" in a["answer"]


def test_capitalised_words_opening_several_names_may_open_the_question(kb):
    a = kb.ask("Ocean Cohort vs Lake Study fMRI: how many resting-state volumes per run?")
    assert "490" in a["answer"] and "1200" in a["answer"]
    # … and an acronym stands for the names its initials open ("OCS" ~ "Ocean Cohort Study").
    b = kb.ask("OCS vs Lake Study fMRI: how many resting-state volumes per run?")
    assert "490" in b["answer"] and "1200" in b["answer"]


def test_the_kind_a_question_points_back_at_is_the_one_asked(kb):
    # Two kinds named before the question; "that stack" says which one is asked.
    a = kb.ask(
        "HelixLM's embedding strategy says to use a named preprocessing stack — what "
        "parcellation does that stack apply?"
    )
    assert "Grid-400" in a["answer"]


def test_a_specific_kind_is_one_of_that_kind_not_one_described_as_specific(kb):
    a = kb.ask("The brain scores config uses a specific fMRI strategy. Which token does it pool?")
    assert "cortex_cls_v1" in a["answer"] and "CLS token" in a["answer"]


def test_a_modality_before_the_kind_asked_keeps_the_reached_ones_of_it(tmp_path):
    files = {
        "configs/experiments/ablation.yaml": """
            id: ablation_smri
            experiment_name: "Harmonization Ablation: sMRI FreeSurfer"
            datasets: [fs_measures, exomes]
        """,
        "datasets/rois.yaml": """
            id: fs_measures
            name: FreeSurfer regional measures
            modality: smri
            parcellation:
              atlas: Desikan-Killiany
              n_rois: 176
        """,
        "datasets/exomes.yaml": """
            id: exomes
            name: Exome calls
            modality: genetics
            parcellation:
              atlas: none
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "For the sMRI dataset used in the harmonization ablation experiment, which atlas is "
        "used and how many ROIs are there?"
    )
    assert "Desikan-Killiany" in a["answer"] and "176" in a["answer"]
    assert "Exome calls" not in a["answer"]
    # Coordinated modalities keep the reached entities of each.
    both = kb2.ask(
        "For the sMRI and genetics datasets used in the harmonization ablation experiment, which atlas is used?"
    )
    assert "FreeSurfer regional measures" in both["answer"] and "Exome calls" in both["answer"]


def test_a_value_in_one_clause_is_no_condition_on_a_kind_asked_in_the_next(tmp_path):
    files = {
        "configs/experiments/drop.yaml": """
            id: gene_drop
            experiment_name: "Gene drop attribution"
            statistics:
              test: Wilcoxon signed-rank on per-fold AUC drops
            references: [lovelace_2025]
        """,
        "paper_cards/lovelace.yaml": """
            id: lovelace_2025
            title: "Leave-one-gene-out attribution"
            authors: [Ada Lovelace]
            year: 2025
        """,
        "paper_cards/other.yaml": """
            id: turing_2024
            title: "Ranking classifiers"
            year: 2024
            tags: [auc]
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "For the gene drop attribution experiment, what test is applied to the per-fold AUC "
        "drops, and whose paper is the protocol taken from?"
    )
    assert "Leave-one-gene-out attribution" in a["answer"]


_STRATEGY_FILES = {
    "integration_cards/strategies.yaml": """
            id: embedding_strategies
            name: Embedding strategies
            strategies:
              helix_rc_v1:
                name: HelixNet gene embeddings, RC-averaged
                modality: genetics
                model: helixnet
                projector:
                  type: PCA
                  dim: 256
              smri_volume_pca_v1:
                name: Regional volume features, residualised and PCA-projected
                modality: smri
                projector:
                  type: PCA
                  dim: 64
              cortex_run_v1:
                name: CortexLM run embeddings averaged per subject
                modality: fmri
                model: cortexlm
                projector:
                  type: PCA
                  dim: 128
    """,
    "model_cards/helixnet.yaml": "id: helixnet\nname: HelixNet\nmodality: genetics\n",
    "model_cards/cortexlm.yaml": "id: cortexlm\nname: CortexLM\nmodality: fmri\n",
}


def test_a_noun_after_a_named_strategy_names_that_kind_in_the_rest_of_the_list(tmp_path):
    kb2 = build(tmp_path, files=_STRATEGY_FILES)
    a = kb2.ask(
        "what PCA width do the helixnet gene recipe and the regional volume sMRI recipe each "
        "project to?"
    )
    assert "256" in a["answer"] and "64" in a["answer"]


def test_items_of_a_written_out_list_may_each_open_with_an_article(tmp_path):
    kb2 = build(tmp_path, files=_STRATEGY_FILES)
    a = kb2.ask(
        "What PCA dimensionality do the HelixNet gene embedding, the regional volume sMRI "
        "and the CortexLM fMRI strategies project down to?"
    )
    assert "256" in a["answer"] and "64" in a["answer"]
    assert "smri_volume_pca_v1" in a["entities"]  # read as a description of one strategy


def test_a_vs_inside_a_described_name_compares_nothing(tmp_path):
    files = {
        "configs/experiments/pc.yaml": """
            id: partial_corr
            experiment_name: "Partial correlations: brain embedding axes vs behaviour"
            embedding_strategies:
              fmri: run_cls_v1
        """,
        "integration_cards/strategies.yaml": """
            id: strategies
            name: Embedding strategies
            strategies:
              run_cls_v1:
                name: CortexLM run embeddings averaged per subject
                modality: fmri
                model: cortexlm
        """,
        "model_cards/cortexlm.yaml": "id: cortexlm\nname: CortexLM\nmodality: fmri\n",
        "docs/fmri.md": "# Functional MRI features\n\nParcel time series go to CortexLM.\n",
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "In the brain-vs-behaviour partial correlation experiment, which embedding strategy "
        "produces the fMRI features, and which foundation model is behind it?"
    )
    assert a["intent"] != "compare"
    assert "run_cls_v1" in a["answer"] and "CortexLM" in a["answer"]


def test_what_paper_it_is_based_on_asks_for_the_paper_not_an_architecture(kb):
    a = kb.ask("The unlearn_site harmonization option — what paper is it based on?")
    assert "Unlearning scanner bias" in a["answer"]


def test_a_kind_describing_the_start_is_passed_over_when_the_path_through_it_fails(tmp_path):
    files = {
        "configs/experiments/kids.yaml": """
            id: kids_baseline
            experiment_name: "KIDS-01: brain-only baseline (template)"
            datasets:
              cohort: "datasets/lake_kids.yaml"
            embedding_strategies:
              smri: kids_smri_pca_v1
              eeg: kids_eeg_fm_v1
        """,
        "datasets/lake_kids.yaml": """
            id: lake_kids
            name: Lake children's cohort
            modality: smri
            planned_embedding_strategies:
              smri: kids_smri_pca_v1
        """,
        "integration_cards/strategies.yaml": """
            id: strategies
            name: Embedding strategies
            strategies:
              kids_smri_pca_v1:
                modality: smri
                projector: {type: PCA, dim: 64}
              kids_eeg_fm_v1:
                modality: eeg
                segment: {duration_seconds: 4}
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "The KIDS-01 baseline for the pediatric cohort uses an EEG embedding strategy. "
        "What segment duration does that strategy cut the EEG into?"
    )
    assert "kids_eeg_fm_v1" in a["answer"] and "duration_seconds: 4" in a["answer"]


def test_the_kind_the_asking_sentence_names_is_asked_before_those_of_context(tmp_path):
    files = {
        "model_cards/swin.yaml": """
            id: swin4d
            name: Swin4D
            modality: fmri
            checkpoints:
              - name: contrastive_pretrained.ckpt
        """,
        "paper_cards/swin_2023.yaml": """
            id: swin_2023
            title: "Swin4D: a 4D fMRI transformer"
            year: 2023
            venue: NeurIPS 2023
            describes: [swin4d]
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "There's a model in the KB that ships a contrastive_pretrained.ckpt checkpoint. "
        "At which conference was its paper published?"
    )
    assert "NeurIPS" in a["answer"]
    assert not a["answer"].startswith("Models")  # the paper is asked, not a list of models


def test_a_question_without_a_question_word_asks_in_its_last_sentence(tmp_path):
    files = {
        "model_cards/uni.yaml": """
            id: unimix
            name: UniMix
            modality: multimodal
            datasets: [unimix_corpus]
        """,
        "paper_cards/uni_2025.yaml": """
            id: uni_2025
            title: "Emergent skills in one mixed-modal network"
            year: 2025
            models: [unimix]
            related_to: [unimix]
        """,
        "datasets/unimix_corpus.yaml": """
            id: unimix_corpus
            name: UniMix pretraining corpus
            modality: multimodal
            access: restricted
            access_notes: Not released; only the recipe is public.
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "The paper 'Emergent skills in one mixed-modal network' presents a model. "
        "Can I get hold of the corpus that model was pretrained on?"
    )
    assert "UniMix pretraining corpus" in a["answer"] and "restricted" in a["answer"]
    assert "→ datasets: UniMix pretraining corpus" in a["answer"]  # the corpus is asked for


_LONG_TAIL = " ".join(["It adds a long discussion of priors and batches."] * 8)
# Two papers an ablation config and a method registry both cite.
_ABLATION_FILES = {
    "configs/experiments/abl.yaml": """
        id: site_ablation
        experiment_name: "Site harmonisation ablation"
        harmonization:
          references: [shrink_2007, shrink_mri_2018]
    """,
    "integration_cards/methods.yaml": """
        id: methods
        name: Harmonisation methods
        methods:
          shrink:
            name: Shrink site harmonisation
            references: [shrink_2007, shrink_mri_2018]
    """,
    "paper_cards/a.yaml": f"""
        id: shrink_2007
        title: "Adjusting batch effects with empirical Bayes"
        authors: [Ann Johnson, Bo Li, Cy Rabinovic]
        year: 2007
        venue: Biostatistics
        summary: Introduces shrinkage of batch effects for microarrays. {_LONG_TAIL}
    """,
    "paper_cards/b.yaml": f"""
        id: shrink_mri_2018
        title: "Harmonizing cortical thickness across scanners"
        authors: [Jean Fortin, Dee Parker]
        year: 2018
        venue: NeuroImage
        summary: Carries shrinkage over to neuroimaging. {_LONG_TAIL}
    """,
}


def test_papers_reached_from_two_named_starts_are_said_once_each_and_briefly(tmp_path):
    kb2 = build(tmp_path, files=_ABLATION_FILES)
    a = kb2.ask(
        "The site harmonisation ablation cites two papers. Who is first author of the one "
        "that carried shrink site harmonisation over to neuroimaging, and which journal?"
    )
    text = a["answer"]
    assert "NeuroImage" in text[:1200] and "Biostatistics" in text
    assert text.count("refers to: Harmonizing cortical thickness") == 1
    assert "long discussion" not in text  # each reached paper by its first sentence


def test_fields_only_papers_state_are_asked_of_the_paper_behind_a_named_method(tmp_path):
    files = {
        "integration_cards/methods.yaml": """
            id: methods
            name: Harmonisation methods
            methods:
              disentangle_t1:
                name: Image-level disentangling harmonizer
                notes: Based on the MURD-like paper (phantom_2024).
        """,
        "paper_cards/p.yaml": """
            id: phantom_2024
            title: "Harmonizing images without travelling phantoms"
            authors: [Siyu Lin, Pat Yang]
            year: 2024
            venue: Communications Engineering
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "Where does the disentangle_t1 harmonization option come from - who are the authors "
        "and which journal published it?"
    )
    assert "Communications Engineering" in a["answer"]
    assert "Siyu Lin" in a["answer"] and "Pat Yang" in a["answer"]


def test_a_first_author_asked_is_the_first_one_and_fields_come_before_summaries(tmp_path):
    kb2 = build(tmp_path, files=_ABLATION_FILES)
    a = kb2.ask(
        "The site harmonisation ablation cites two papers. Who is first author of each, "
        "and which journal was each in?"
    )
    text = a["answer"]
    assert "Ann Johnson" in text and "Jean Fortin" in text
    assert "Bo Li" not in text and "Dee Parker" not in text  # the first author only
    assert text.index("NeuroImage") < text.index("for microarrays")  # fields, then summaries


def test_any_catch_asks_for_what_limits_the_thing(tmp_path):
    files = {
        "model_cards/tab.yaml": """
            id: tabprior
            name: TabPrior
            modality: tabular
            summary: Prior-fitted network for small tables.
            limitations: >-
              Published benchmarks cover at most 10k samples; scaling to a 40k-subject cohort
              requires chunking.
        """,
        "datasets/cohort.yaml": "id: big_cohort\nname: Big Cohort\nmodality: tabular\n",
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "Is there any catch in running TabPrior on the full Big Cohort? Explain what the KB recommends."
    )
    assert "chunking" in a["answer"]

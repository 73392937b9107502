"""Answers read one or two relations away from the entity a question names, when the plan
finds nothing strong (retrieval/neighbourhood.py), on a small real KB (hash embedder):
every asked part must be found in a field named for it, on an entity the question may
mean, and another entity of the named one's own kind never answers for it. Also: the notes
a card keeps on a property it states come with the value."""

from __future__ import annotations

import pytest
from assistant_kb import build

from retrieval.evaluate import says_not_in_kb

FILES = {
    "model_cards/vesper.yaml": """
        id: vesper
        name: Vesper
        modality: fmri
        summary: Masked model over parcel time series.
        datasets: [sky_bank]
        embedding_recipe:
          notes: Export run embeddings aligned to prep_pipelines.tight_minimal.
    """,
    "model_cards/lyra.yaml": """
        id: lyra
        name: Lyra
        modality: fmri
        arch:
          parameters: 300M
        license:
          code: MIT
        datasets: [sky_bank, orbit_suite]
    """,
    "datasets/sky_bank.yaml": """
        id: sky_bank
        name: Sky Bank scans
        modality: fmri
        license: Sky Bank data-use terms
        access: controlled
        access_notes: Granted through the Nimbus portal after a data use agreement.
        counts:
          subjects: 12_000
    """,
    "datasets/orbit_suite.yaml": """
        id: orbit_suite
        name: Orbit benchmark suite
        modality: fmri
        summary: Downstream evaluation tasks for resting-state models.
        counts:
          datasets: 14
          tasks: 5
    """,
    "integration_cards/prep_pipelines.yaml": """
        id: prep_pipelines
        name: Reference preprocessing stacks
        summary: Named preprocessing stacks for resting-state runs.
        pipelines:
          tight_minimal:
            steps:
              - motion_correction: rigid body
              - temporal_filter: 0.008-0.09 Hz
              - parcellation: Mosaic-300
    """,
    "integration_cards/recipes.yaml": """
        id: recipes
        name: Embedding recipes
        summary: Named recipes that turn model outputs into one vector per subject.
        strategies:
          vesper_mean_v1:
            name: Vesper run embeddings, mean-pooled
            modality: fmri
            model: vesper
            preprocessing:
              - z-score within fold
              - residualize(age, site, head_motion)
            projector:
              type: PCA
              dim: 96
    """,
    "configs/experiments/exp07.yaml": """
        id: exp07_brain_only
        experiment_name: "EXP-07: Vesper brain-only baseline"
        embedding_strategies:
          fmri: vesper_mean_v1
        feature_preparation:
          fmri: run embeddings averaged per subject
    """,
    "configs/experiments/orbit_cca.yaml": """
        id: orbit_cca
        experiment_name: "Orbit CCA: brain embeddings against behaviour"
        embedding_strategies:
          fmri: vesper_mean_v1
        analysis:
          n_permutations: 5000
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("near"), files=FILES)


def _cited(answer: dict) -> set[str]:
    return {c["source"] for c in answer["citations"]}


def test_the_fields_of_a_pipeline_a_card_points_to_answer_what_the_question_asks(kb):
    from retrieval import neighbourhood
    from retrieval.intent import plan

    q = (
        "Vesper's embedding recipe says to export runs aligned to a named preprocessing "
        "pipeline. What parcellation and temporal filter does that pipeline use?"
    )
    # The reader itself (the planner happens to answer this small KB on its own too).
    view = kb._assistant().view
    linked = view.linker.link(q)
    near = neighbourhood.answer(plan(linked, view), linked, view)
    facts = [f for b in near.blocks for f in b.facts]
    assert {f.text for f in facts} >= {"Mosaic-300", "0.008-0.09 Hz"}
    assert any(b.heading == "via" for b in near.blocks)  # the path that reached them, cited
    a = kb.ask(q)
    assert "Mosaic-300" in a["answer"] and "0.008-0.09" in a["answer"]
    assert "integration_cards/prep_pipelines.yaml" in _cited(a)


def test_a_strategy_field_and_the_configs_own_field_answer_one_question_together(kb):
    a = kb.ask(
        "In the Orbit CCA experiment, what PCA width does the embedding strategy it cites "
        "use, and how many permutations are run?"
    )
    assert "96" in a["answer"] and "5000" in a["answer"]
    assert {"integration_cards/recipes.yaml", "configs/experiments/orbit_cca.yaml"} <= _cited(a)


def test_another_model_sharing_a_dataset_does_not_answer_for_the_one_named(kb):
    # Lyra states 300M parameters and shares Vesper's dataset; Vesper states none.
    a = kb.ask("How many parameters does Vesper have?")
    assert "300M" not in a["answer"]
    assert says_not_in_kb(a["answer"])


def test_a_datasets_licence_is_not_the_licence_of_the_models_code(kb):
    a = kb.ask("Under which licence is the Vesper code released?")
    assert "data-use terms" not in a["answer"]
    assert says_not_in_kb(a["answer"])


def test_the_notes_a_card_keeps_on_a_property_come_with_its_value(kb):
    a = kb.ask("What access does Sky Bank scans have?")
    assert "controlled" in a["answer"] and "Nimbus portal" in a["answer"]


def test_a_code_before_a_colon_names_the_card(kb):
    a = kb.ask("Which embedding strategy does EXP-07 use?")
    assert "vesper_mean_v1" in a["answer"]
    assert "exp07_brain_only" in a["entities"]


def test_a_later_part_no_field_is_named_for_is_read_in_the_values_of_what_the_hop_reached(kb):
    # No key says "covariates": the strategy's preprocessing step names the verb asked.
    a = kb.ask(
        "Which embedding strategy does EXP-07 use, and what covariates does that strategy "
        "residualize?"
    )
    assert "vesper_mean_v1" in a["answer"] and "head_motion" in a["answer"]
    assert "integration_cards/recipes.yaml" in _cited(a)


def test_how_many_of_a_kind_is_answered_by_a_count_not_by_a_relations_label(kb):
    # The relation "uses dataset" names the word; only "datasets: 14" answers how many.
    a = kb.ask("Which model uses the Orbit benchmark suite, and how many datasets does it hold?")
    assert "Lyra" in a["answer"] and "14" in a["answer"]


def test_each_part_of_a_question_is_read_in_the_named_cards_own_fields(tmp_path):
    files = {
        "configs/experiments/ablation.yaml": """
            id: ablation
            experiment_name: "Harmonization Ablation: sMRI FreeSurfer"
            datasets: [fs_rois]
        """,
        "datasets/fs_rois.yaml": """
            id: fs_rois
            name: UKB sMRI FreeSurfer-derived ROIs
            modality: smri
            summary: Structural MRI ROI features extracted with FreeSurfer for UKB subjects.
            required_columns: [eid, roi_id, roi_feature_vector]
            parcellation:
              atlas: Desikan-Killiany
              n_rois: 176
        """,
    }
    kb2 = build(tmp_path, files=files)
    # Only the counted part wants a number; "ROI features" counts the ROIs.
    a = kb2.ask(
        "The sMRI harmonization ablation runs on a FreeSurfer ROI dataset. Which atlas does "
        "that dataset use and how many ROI features are there?"
    )
    assert "Desikan-Killiany" in a["answer"] and "176" in a["answer"]


def test_a_neighbour_is_what_its_own_summary_calls_it(tmp_path):
    files = {
        "model_cards/strand.yaml": """
            id: strand
            name: StrandLM
            modality: dna
            summary: Long-context DNA model from the Helix Institute.
            datasets: [gene_atlas]
        """,
        "datasets/gene_atlas.yaml": """
            id: gene_atlas
            name: GeneBank-9
            modality: dna
            summary: Pretraining atlas assembled for StrandLM from genomes of all kingdoms.
            counts:
              tokens: "4.2 trillion"
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("How many tokens are in the pretraining atlas of StrandLM?")
    assert "4.2 trillion" in a["answer"] and not says_not_in_kb(a["answer"])

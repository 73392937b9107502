"""What a question asks for, on a small real KB (hash embedder): a kind word asked for after
a named thing of that kind, in its sentence, asks for others of the kind ("the fusion
strategy is built from which two embedding strategies?"); "published work" is a paper;
"participants" are counted as subjects; and a verb after the counted word ("how many ROIs
result") is not what is counted; a DOI is a value of a DOI's shape, not any link; a key
counting a thing (`n_bootstrap`) counts "bootstrap resamples", in a lookup and as a compared
column inside list items; and words every card writes describe the card whose name holds
clearly more of them ("the embedding prediction baselines config"); and "how many synthetic
datasets", when no dataset card is synthetic, counts what a card states; a preposition may
lead a list question ("For which models …"); "the method compared in the ablation" says
where it is compared, it asks for no comparison; and "the only fMRI model" is one such model,
not a model of fMRI alone; "which LLM/VLM alignment strategies are in the alignment strategies
card" asks for the strategies (a modality word between two kind words aside), all members of
a registry whose own name states the modality asked, the registry named again no seed; and
"rank the corpora of A and B" reads each one's own, not only what both share; "larger in
context length" compares context lengths, not sizes; and a field mostly papers state (a
venue, which one model card writes too) asked of a card is asked of the paper it cites."""

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
    **{
        f"kb/model_cards/{name.lower()}.yaml": f"""
        id: {name.lower()}
        name: {name}
        modality: genetics
        license:
          weights: Apache-2.0
        """
        for name in ("Otter", "Marten")
    },
    "kb/integration_cards/alignment_strategies.yaml": """
        id: alignment_strategies
        name: Cross-modal alignment strategies (LLM/VLM hubs)
        summary: Documentation-only strategies that align subject embeddings to language models.
        strategies:
          brain_hub_v1:
            modalities: [fmri, text]
            approach: contrastive projection of run embeddings into the language space
          gene_hub_v1:
            modalities: [genetics, text]
            approach: gene embeddings projected into the language space
    """,
    "kb/model_cards/hub_llm.yaml": """
        id: hub_llm
        name: Hub language model
        modality: text
        integrations: [alignment_strategies]
    """,
    **{
        f"kb/model_cards/{m}.yaml": f"""
        id: {m}
        name: {m.title()}
        modality: genetics
        datasets: [{m}_corpus, shared_bench]
        """
        for m in ("wren", "finch")
    },
    **{
        f"kb/datasets/{m}_corpus.yaml": f"""
        id: {m}_corpus
        name: {m.title()} genome corpus
        modality: genetics
        counts:
          base_pairs: {bp}
        """
        for m, bp in (("wren", "515_000_000_000"), ("finch", "420_000_000_000"))
    },
    "kb/datasets/shared_bench.yaml": """
        id: shared_bench
        name: Shared sequence benchmark
        modality: genetics
        counts:
          tasks: 12
    """,
    "kb/integration_cards/baseline_recipe.yaml": """
        id: baseline_recipe
        name: Baseline recipe (scored with the unlearning test)
        summary: Logistic-regression baselines scored with a test from earlier work.
        references: [unlearn_2021]
    """,
    "kb/configs/experiments/vale_ablation.yaml": """
        experiment_name: "Vale harmonization ablation"
        objective: Compare the unlearn_module arm against no harmonization on Vale sMRI.
        datasets: [vale_smri]
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
    "kb/paper_cards/vale_2023.yaml": """
        title: The Vale Cohort imaging protocol
        authors: [Ola Vik]
        year: 2023
        link: https://openreview.net/forum?id=vale2023
    """,
    "kb/paper_cards/dale_2022.yaml": """
        title: Site effects in regional volumes
        authors: [Nia Dale]
        year: 2022
        doi: 10.1016/j.neuroimage.2022.119000
    """,
    **{
        f"kb/configs/experiments/{name}.yaml": f"""
        experiment_name: "{title}"
        objective: Compare gene, brain and fusion embeddings for prediction against baselines.
        datasets: [vale_smri]
        models: [{model}]
        evaluation:
          statistical_tests:
            - name: DeLong
            - name: Bootstrap
              n_bootstrap: {n}
        """
        for name, title, n, model in [
            ("02_pred", "Prediction Baselines: Gene vs Brain", 1000, "helix"),
            ("03_pred_tabular", "Prediction Baselines: Tabular FMs", 2000, "tabby"),
            ("01_cca", "CCA Baseline: Gene and Brain", 500, "helix"),
            ("dev_01", "Brain-only Baseline", 300, "cortex"),
        ]
    },
    "kb/model_cards/tabby.yaml": """
        id: tabby
        name: Tabby
        modality: tabular
        venue: NeurIPS 2022
        license:
          weights: Apache-2.0
        summary: Tabular foundation model trained on 90M synthetic datasets of causal models.
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


def test_a_doi_is_a_value_of_a_dois_shape(kb):
    from retrieval.evaluate import says_not_in_kb

    assert says_not_in_kb(
        kb.ask("What is the DOI of the Vale Cohort imaging protocol paper?")["answer"]
    )
    a = kb.ask("What is the DOI of the site effects in regional volumes paper?")
    assert "10.1016/j.neuroimage.2022.119000" in a["answer"]


def test_a_key_counting_a_thing_is_compared_inside_list_items(kb):
    a = kb.ask(
        "How many bootstrap resamples are specified in the embedding prediction baselines "
        "config versus the tabular FM baselines config?"
    )
    head = a["answer"].split("DeLong")[0]  # the count itself is compared, not the test list
    assert "1000" in head and "2000" in head
    assert "500" not in a["answer"] and "300" not in a["answer"]


def test_a_key_counting_a_thing_answers_how_many(kb):
    a = kb.ask(
        "How many bootstrap resamples does the Prediction Baselines: Tabular FMs config run?"
    )
    assert "2000" in a["answer"]


def test_a_kind_counted_with_a_modifier_no_card_holds_is_a_stated_count(kb):
    a = kb.ask(
        "The tabular model benchmarked in the tabular FM baselines config was trained on how "
        "many synthetic datasets?"
    )
    assert "90M synthetic datasets" in a["answer"]
    assert "Vale Cohort" not in a["answer"]  # no dataset card is what it counts


def test_a_preposition_may_lead_a_list_question(kb):
    a = kb.ask("For which models does the KB record an Apache-2.0 licence on the weights?")
    for name in ("Helix-7", "Tabby", "Otter", "Marten"):  # four: a list, not one described
        assert name in a["answer"]


def test_a_thing_compared_in_an_experiment_is_asked_about_not_compared(kb):
    a = kb.ask(
        "The unlearn_module method compared in the Vale harmonization ablation comes from "
        "which authors and journal?"
    )
    assert "Nia Dale" in a["answer"] and "NeuroImage" in a["answer"]
    assert a["intent"] != "compare"


def test_the_only_fmri_model_is_one_such_not_one_of_fmri_alone(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    c = plan(view.linker.link("Which is the only fMRI model with a 4096 context?"), view)
    assert c.constraints["model"].only == [] and "only" not in c.constraints["model"].words
    c = plan(view.linker.link("Which fMRI-only models are there?"), view)
    assert c.constraints["model"].only == ["fmri"]


def test_the_members_of_a_registry_named_for_the_modality_asked(kb):
    a = kb.ask(
        "Which cross-modal LLM/VLM alignment strategies are documented in the alignment "
        "strategies card?"
    )
    assert "brain_hub_v1" in a["answer"] and "gene_hub_v1" in a["answer"]
    from retrieval.intent import plan

    view = kb._assistant().view
    assert plan(view.linker.link(a["question"]), view).target == "strategy"  # not "LLM"


def test_ranking_the_things_of_several_reads_each_ones_own(kb):
    a = kb.ask("Rank the corpora of Wren and Finch by size in base pairs.")
    assert "515" in a["answer"] and "420" in a["answer"]
    lead = a["answer"].split(". ")[0]  # what the hop reached, not what a passage adds
    assert "Wren genome corpus" in lead and "Finch genome corpus" in lead


def test_larger_in_a_property_compares_that_property(kb):
    a = kb.ask("Which is larger in context length: Helix-7 or CortexLM?")
    assert "131072" in a["answer"] and "4096" in a["answer"]


def test_a_field_mostly_papers_state_is_asked_of_the_paper_a_card_cites(kb):
    a = kb.ask("In which journal was the test used in the baseline recipe published?")
    assert "NeuroImage" in a["answer"]

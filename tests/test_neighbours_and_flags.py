"""Answers one relation away and yes/no fields (small real KB, hash embedder): a lookup in
the named card that says nothing asked ("how many tokens" answered by an "8,192-token"
window) gives way to the dataset the card uses; a value carrying what is asked ("which
hospital" ~ "… Medical Center") may come from a neighbour the question does not name, when
that field shares the question's other words; "what maximum sequence length" asks a value,
not the largest; "which datasets are (not) verified" filters by a yes/no field; "subjects
who lack some modalities" is a condition, not a property asked, and "lack" is written
"missing"; a doc the question names is read in full, however low its sections rank."""

from __future__ import annotations

import pytest
from assistant_kb import build

from retrieval.evaluate import says_not_in_kb
from retrieval.quantities import superlative

FILES = {
    "model_cards/strand.yaml": """
        id: strand
        name: StrandLM
        modality: genetics
        summary: Long-context DNA model from the Helix Institute.
        arch:
          special_features:
            - Two-stage training (8,192-token pretraining, then context extension)
        datasets: [gene_atlas]
    """,
    "datasets/gene_atlas.yaml": """
        id: gene_atlas
        name: GeneBank-9
        modality: genetics
        summary: Pretraining atlas assembled for StrandLM from genomes of all kingdoms.
        counts:
          tokens: "4.2 trillion"
    """,
    "model_cards/medllm.yaml": """
        id: medllm
        name: MedLLM
        modality: text
        summary: Medical language model continued from a general decoder.
        datasets: [ward_notes]
        notes: The training data include clinical notes, so weights need credentialed access.
    """,
    "datasets/ward_notes.yaml": """
        id: ward_notes
        name: Ward Notes Archive
        modality: text
        summary: De-identified notes on patients seen at Riverside Medical Center.
        verified: true
    """,
    "datasets/scan_suite.yaml": """
        id: scan_suite
        name: Scan Suite
        modality: fmri
        summary: Resting-state scans for benchmarking.
        verified: false
    """,
    "configs/experiments/medllm_probe.yaml": """
        id: medllm_probe
        experiment_name: MedLLM probing baseline
        datasets: [ward_notes]
        models: [medllm]
        evaluation:
          reporting: Odds ratios with 95% CIs
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("neighbours"), files=FILES)


def test_a_count_the_named_card_only_mentions_is_read_on_the_dataset_it_uses(kb):
    a = kb.ask("How many tokens are in the pretraining atlas used to train StrandLM?")
    assert "4.2 trillion" in a["answer"]
    assert "datasets/gene_atlas.yaml" in {c["source"] for c in a["citations"]}


def test_a_hospital_is_read_on_the_dataset_behind_the_named_model(kb):
    a = kb.ask(
        "At which hospital were the patients whose clinical notes were used to train "
        "MedLLM treated?"
    )
    assert "Riverside Medical Center" in a["answer"]


def test_a_percentage_sign_alone_does_not_make_a_neighbours_field_an_answer(kb):
    a = kb.ask("What percentage of the MedLLM cohort is of European ancestry?")
    assert "95%" not in a["answer"]


def test_a_bound_named_right_after_the_question_word_is_part_of_the_value_asked():
    asked = [
        "what",
        "maximum",
        "sequence",
        "length",
        "does",
        "that",
        "model",
        "s",
        "card",
        "specify",
    ]
    assert superlative(asked) is None
    assert superlative(["which", "model", "has", "the", "maximum", "context", "length"]) == (
        "max",
        None,
    )


def test_a_yes_no_field_filters_the_kind_asked(kb):
    yes = kb.ask("Which dataset cards are marked as verified?")
    assert "Ward Notes Archive" in yes["answer"] and "Scan Suite" not in yes["answer"]
    no = kb.ask("Which datasets are not verified?")
    assert "Scan Suite" in no["answer"] and "Ward Notes Archive" not in no["answer"]


FUSION = {
    "integration_cards/late_fusion.yaml": """
        id: late_fusion
        name: Late fusion
        modality: [genetics, fmri]
        summary: One model per modality; their predictions are combined.
    """,
    "integration_cards/early_fusion.yaml": """
        id: early_fusion
        name: Early fusion
        modality: [genetics, fmri]
        summary: Modality features are concatenated before one model.
    """,
    "docs/decisions/fusion.md": """
        # Decision: late fusion first

        ## Reasons

        1. **Missing modalities.** Late fusion uses every subject for the modalities they
           have; early fusion must drop or impute.
        2. **Attribution.** One model per modality says which modality helped.
    """,
    "docs/compute.md": """
        # Compute notes

        Groups that lack GPUs cope better with late fusion than with early fusion.
    """,
}


def test_a_relative_clause_about_people_names_no_property_asked(tmp_path):
    kb2 = build(tmp_path, files=FUSION)
    a = kb2.ask(
        "How does late fusion cope better than early fusion with subjects who lack some modalities?"
    )
    assert a["answer"].startswith("Missing modalities.")


def _filler_doc(n: int) -> str:
    return f"""
        # Integration strategy notes {n}

        ## Preprocessing during integration {n}

        The integration strategy recommends preprocessing during every integration run,
        avoiding ad hoc steps; the strategy is recommended for integration preprocessing.
    """


def test_a_doc_the_question_names_is_read_beyond_the_passages_found(tmp_path):
    files = {f"docs/notes_{n}.md": _filler_doc(n) for n in range(12)}
    sections = "\n".join(
        f"## Part {n}\n\nGeneral remarks on topic {n} of the plan.\n" for n in range(30)
    )
    files["docs/integration_strategy.md"] = (
        "# Integration Strategy\n\n"
        + sections
        + "\n## Risks and mitigations\n\n"
        + "- Leakage: do scaling and residualization within train folds only.\n"
    )
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "How does the integration strategy recommend avoiding leakage during preprocessing?"
    )
    assert "within train folds" in a["answer"] and not says_not_in_kb(a["answer"])

"""Questions that describe a symptom or a criterion rather than name a field, on a small real
KB (hash embedder): "… getting strange tokens. What am I doing wrong?" is answered by what
the model's card says to do or avoid, "what would justify …?" by a trigger; a section
headed by the question in short ("What counts as a real gain") answers it; a yes/no
question asks about its main clause, not its "if …" condition; "UKB" finds a
passage that writes "UK Biobank" out; a number the question itself holds ("the March 14
run") is no answer to "what F1 …?"; "According to the model cards, which … are fMRI-only?"
lists models of that modality and no other, and "rather than parcellated" leaves out the
parcellated ones; "X's limitations compared with Y" is X's Limitations section, and "a
different brain model" is any other one."""

from __future__ import annotations

import pytest
from assistant_kb import build

from retrieval.evaluate import NOT_IN_KB

FILES = {
    "model_cards/quartet.yaml": """
        id: quartet
        name: Quartet
        modality: genetics
        summary: Decoder-only DNA language model with a 4-mer tokenizer.
        tokenizer:
          type: 4-mer
        context_length: 8192
        notes: Always pad sequences to multiples of 4 to avoid unknown tokens at the end.
    """,
    "model_cards/lantern.yaml": """
        id: lantern
        name: Lantern
        modality: fmri
        summary: Masked autoencoder over parcellated fMRI time series.
        notes: Scans are resampled to a 2 s repetition time before tokenising.
        how_to_infer:
          training: torchrun --nproc-per-node=4 train.py --epochs 300 (one GPU per process)
    """,
    "model_cards/prism.yaml": """
        id: prism
        name: Prism
        modality: brain
        domain: smri+fmri
        summary: Brain model over structural and functional scans taken at different rates.
    """,
    "model_cards/grid.yaml": """
        id: grid
        name: GridNet
        modality: fmri
        summary: Encoder over parcel time series.
        tags: [parcellated]
    """,
    "docs/models/lantern.md": """
        # Lantern

        [Lantern](../../model_cards/lantern.yaml) embeds parcel time series of resting-state
        runs.

        ## Limitations

        - Needs a fixed repetition time: cohorts scanned at other rates must be resampled.
        - No raw volumes: scans must be parcellated first, unlike Prism.
    """,
    "docs/guide/evaluation.md": """
        # Evaluating fused predictors

        ## Protocol

        Every predictor is scored on the same held-out subjects with five folds.

        ## What counts as a real improvement

        A fused predictor must beat the best single-modality predictor by more than the
        spread between folds. A gain that vanishes once age and sex are added was a confound.
    """,
    "docs/guide/genetics.md": """
        # Gene features

        ## Pipeline

        Exon sequences are cut from the reference and each UK Biobank participant's
        variants are applied before embedding.

        ## Reference-only features

        If variants are not applied, every participant gets the same gene vectors and the
        genetics block has no variance. Check that the per-gene variance is non-zero.
    """,
    "model_cards/twin.yaml": """
        id: twin
        name: TwinDNA
        modality: genetics
        summary: Bidirectional DNA model released in two checkpoint variants.
        checkpoints:
          - name: twin-s
          - name: twin-h
    """,
    "docs/guide/strands.md": """
        # Strand averaging

        Both strands of a gene are embedded and the two vectors averaged.

        ## What goes wrong without it

        - Strand becomes a hidden feature: a minus-strand gene cut from the reference
          sequence is its reverse complement, and embedding only one orientation leaks it.

        ## TwinDNA variants

        The shared-weight variant twin-s is strand-independent by construction. The post-hoc
        variant twin-h is not: averaging the two strands is required, not optional.
    """,
    "docs/plans/roadmap.md": """
        # Fusion roadmap

        ## Stage 2: joint encoder

        Trigger: the stacked model beats every single modality at p < 0.01 on two cohorts.

        The joint encoder is trained on paired scans and sequences.
    """,
    "docs/plans/schedule.md": """
        # Schedule

        ## Ensemble baselines

        - Deadline: March 14
        - Metric: F1 of the fused predictor against each single-modality one.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("trouble"), files=FILES)


def test_a_symptom_and_what_am_i_doing_wrong_is_answered_by_the_cards_caution(kb):
    a = kb.ask(
        "I'm feeding raw sequences of arbitrary length into Quartet and getting strange "
        "tokens. What am I doing wrong?"
    )
    assert "multiples of 4" in a["answer"][:600]
    assert "model_cards/quartet.yaml" in {c["source"] for c in a["citations"]}


def test_a_section_headed_by_the_question_in_short_answers_it(kb):
    # "F1" is named in passing: no number is asked for.
    a = kb.ask("What has to be true before a fused model's F1 improvement counts as a real one?")
    assert "spread between folds" in a["answer"][:600]
    assert "docs/guide/evaluation.md" in {c["source"] for c in a["citations"]}


def test_initials_in_the_question_find_the_name_written_out(kb):
    a = kb.ask(
        "My gene features are identical for every UKB participant, with no variance. "
        "What did I forget?"
    )
    assert "variants are not applied" in a["answer"][:600]


def test_a_number_the_question_holds_is_no_answer_to_what_value(kb):
    a = kb.ask("What F1 did the fused predictor actually reach in the March 14 baselines?")
    assert a["answer"].startswith(NOT_IN_KB), a["answer"]


def test_what_would_justify_a_move_is_answered_by_its_trigger(kb):
    a = kb.ask("What results would justify moving from stacking to the joint encoder?")
    assert "p < 0.01 on two cohorts" in a["answer"][:600]


def test_a_yes_no_question_asks_about_its_main_clause_not_its_condition(kb):
    # "checkpoint" names the condition, not what is asked: the checkpoint list is no answer.
    a = kb.ask("Is strand averaging optional if I use the twin-h checkpoint of TwinDNA?")
    assert "required, not optional" in a["answer"][:600]


def test_what_goes_wrong_is_the_frame_and_the_topic_picks_the_section(kb):
    # "What goes wrong without it" heads a section on strands: the frame matches, the
    # topic does not; "without applying … variants" is the case "variants are not applied".
    a = kb.ask(
        "What goes wrong if I embed only reference exon sequences without applying each "
        "participant's variants?"
    )
    head = a["answer"][:600]
    assert "If variants are not applied" in head, head
    assert "hidden feature" not in head.split("If variants are not applied")[0]


def test_how_many_of_a_thing_is_not_answered_by_a_number_of_something_else(kb):
    # The training command holds numbers (4 processes, 300 epochs) and "GPU", but no hours.
    a = kb.ask("How many GPU hours did it take to train Lantern?")
    assert a["answer"].startswith(NOT_IN_KB), a["answer"][:300]


def test_a_modality_written_with_only_excludes_models_with_another_one(kb):
    a = kb.ask("According to the model cards, which brain models are fMRI-only?")
    assert a["intent"] == "filter"
    assert "Lantern" in a["answer"] and "Prism" not in a["answer"]


def test_a_value_after_rather_than_excludes_the_models_that_have_it(kb):
    a = kb.ask("Which fMRI models learn from whole volumes rather than from parcellated series?")
    assert a["intent"] == "filter"
    assert "Lantern" in a["answer"] and "GridNet" not in a["answer"]


def test_limitations_compared_with_others_are_the_section_not_a_field_table(kb):
    a = kb.ask("What are Lantern's main limitations compared with alternatives like Prism?")
    assert "fixed repetition time" in a["answer"][:400] or "No raw volumes" in a["answer"][:400]
    assert "docs/models/lantern.md" in {c["source"] for c in a["citations"]}


def test_a_different_model_is_any_other_one_not_a_description(kb):
    a = kb.ask(
        "What are the main limitations of Lantern, and when should I consider a different "
        "brain model?"
    )
    assert a["intent"] != "compare"
    assert "fixed repetition time" in a["answer"][:600]

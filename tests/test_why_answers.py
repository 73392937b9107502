"""'Why …?' answered by the reasons a doc gives, on a small real KB (hash embedder): a
section saying what goes wrong without the practice holds its reasons, and an index entry
that only names the page to read ("Why X: page title") is no answer, and a tab's or a
note's title heads the paragraph under it; a question written in a doc as a title over
its paragraph ("Why censor … instead of …?") is answered by the whole paragraph."""

from __future__ import annotations

import pytest
from assistant_kb import build

FILES = {
    "docs/index.md": """
        # Scanner notes

        ## Where to look for what

        - Why scans are resampled to a common grid: [Resampling](guide/resampling.md).
        - Which atlas a run used: the `atlas` field of its config.
        - How motion was scored: the [motion guide](guide/motion.md).
    """,
    "docs/guide/resampling.md": """
        # Why scans are resampled to a common grid

        Scanners write volumes at their own voxel sizes and orientations.

        ## What goes wrong without it

        - **Voxel size leaks into features.** Regional means computed on coarse grids are
          smoother, so a classifier can learn the scanner from the grain of the data.
        - **Atlases misalign.** An atlas drawn on one grid cuts regions at different
          boundaries on another, so the same region index names different tissue.

        ## What we do

        Every run is resampled to two millimetre isotropic voxels before any feature is
        computed, with the same interpolation for every site.
    """,
    "docs/guide/checkpoints.md": """
        # Checkpoint variants

        === "Twin-S"

            The shared-weight variant gives the same vector for both strands by construction.
            We still embed both strands as a cheap check that the right weights were loaded.

        === "Twin-H"

            The post-hoc variant only becomes strand-independent when both strands are
            embedded and averaged, so the second pass is required for every gene.
    """,
    "docs/guide/grid_model.md": """
        # Grid encoder

        The grid encoder embeds resampled volumes directly.

        ## Limitations

        - **Large memory use:** whole volumes need a high-memory accelerator per batch.
        - **Fixed grid:** scans must be resampled to the training grid first.
    """,
    "model_cards/hexa.yaml": """
        id: hexa
        name: HexaLM
        modality: genetics
        tokenizer:
          notes: Pad or trim sequences to multiples of 6 to avoid out-of-vocabulary tokens.
    """,
    "docs/guide/long_context.md": """
        # Why long context matters for DNA models

        Attention cost grows quadratically with sequence length, so long prompts are slow.
        Regulatory variants can sit far from the gene they act on.
    """,
    "docs/guide/motion.md": """
        # Motion

        Motion is scored as framewise displacement per volume.

        ## Reading the scores

        A high mean displacement flags a run for review. Short spikes are censored.

        Why censor volumes instead of dropping the run?
        Dropping a run loses every clean volume in it along with the bad ones.
        Censoring keeps the clean volumes, so short runs still reach the minimum length.
        It costs a shorter effective run, which the models tolerate.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("why"), files=FILES)


def test_why_is_answered_by_what_goes_wrong_without_it(kb):
    a = kb.ask("Why do we resample every scan to a common grid?")
    head = a["answer"][:600]
    assert "Voxel size leaks into features" in head or "Atlases misalign" in head
    assert {c["source"] for c in a["citations"]} & {"docs/guide/resampling.md"}


def test_an_index_entry_naming_the_page_to_read_is_no_answer(kb):
    a = kb.ask("Why are scans resampled to a common grid?")
    assert "docs/index.md" not in {c["source"] for c in a["citations"]}


def test_a_breadcrumb_describing_a_page_points_to_the_answer():
    from retrieval.lexicon import POINTER

    # A line of a site map: the page's place, then what the page says.
    assert POINTER.search("Decisions → Integration plan (Nov 2025): Why we start with late fusion")
    # An arrow inside a statement is no breadcrumb.
    assert not POINTER.search("Exons are cut from hg38 → each is embedded on both strands.")


def test_a_tab_title_heads_the_paragraph_under_it(kb):
    a = kb.ask("For Twin-H, is the second pass optional?")
    assert a["answer"].startswith("The post-hoc variant only becomes strand-independent")
    assert "Twin-S (" not in a["answer"]  # a bare title is no answer


def test_drawbacks_are_read_under_a_limitations_heading(kb):
    a = kb.ask("What are the main drawbacks of the grid encoder?")
    assert "Large memory use" in a["answer"] and "Fixed grid" in a["answer"]


def test_a_question_titling_a_paragraph_is_answered_by_the_whole_paragraph(kb):
    a = kb.ask("Why are noisy volumes censored rather than the whole run being dropped?")
    head = a["answer"][:600]
    assert "loses every clean volume" in head and "minimum length" in head
    assert "costs a shorter effective run" in head  # the argument whole, not its best lines
    assert "Scanners write volumes" not in a["answer"]  # … nor padded with stray sentences
    assert {"source": "docs/guide/motion.md", "lines": [10, 12]}.items() <= a["citations"][
        0
    ].items()


def test_what_causes_after_a_sentence_of_context_is_a_why_question(tmp_path):
    files = {
        "datasets/genome_set.yaml": """
            id: genome_set
            name: GenomeSet
            modality: genetics
            notes: >-
              The Hugging Face dataset viewer shows a CastError because some JSONL shards
              carry an extra column. This affects only the viewer; the underlying FASTA
              files are usable for training.
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "The Hugging Face viewer for GenomeSet throws an error. What causes it, and can "
        "the files still be used for training?"
    )
    assert "CastError" in a["answer"] and "extra column" in a["answer"]


def test_a_property_named_in_a_why_question_is_not_what_is_asked(tmp_path):
    files = {
        "model_cards/strand.yaml": """
            id: strand
            name: StrandNet
            modality: genetics
            checkpoints:
              - name: strand-ph-131k
              - name: strand-ps-131k
        """,
        "docs/rc.md": """
            # Averaging both strands with StrandNet

            ## The post-hoc checkpoint
            The post-hoc StrandNet variant is trained with RC augmentation and made invariant by
            combining both strands at inference. Averaging the two passes is that
            combination, so it is required, not optional.
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "StrandNet is supposed to be RC-equivariant, so why do we still average forward and "
        "reverse-complement passes for the post-hoc checkpoint?"
    )
    assert "required, not optional" in a["answer"]
    assert "strand-ps-131k" not in a["answer"]


def test_why_cannot_is_answered_by_what_limits_it(tmp_path):
    files = {
        "model_cards/tab.yaml": """
            id: tabnet_fm
            name: TabFM
            modality: tabular
            summary: In-context learner for small tables.
            limitations:
              - Published benchmarks cover at most 10k samples; a 40k cohort requires chunking.
        """,
        "datasets/cohort.yaml": """
            id: big_cohort
            name: Big cohort
            summary: About 40k subjects with imaging and genetics.
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "We have ~40k subjects. Why can't TabFM just be run on the whole cohort in one pass?"
    )
    assert "requires chunking" in a["answer"]


def test_why_would_i_not_use_it_is_answered_by_its_limitations_section(tmp_path):
    files = {
        "model_cards/vortex.yaml": """
            id: vortex
            name: Vortex-9
            modality: genetics
            arch:
              context_length: 1000000
            summary_md_path: docs/vortex.md
        """,
        "docs/vortex.md": """
            # Vortex-9 guide

            ## Strengths
            - Ultra-long context: one million tokens capture distal regulatory elements.
            - Whole-locus modelling: no need to pick regulatory windows by hand.

            ## Limitations
            - Memory: the full context needs 80GB GPUs.
            - Overkill for coding sequences: most genes are under 10kb.

            ## When to use it
            - Use it for gene embeddings when regulatory context matters.
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "Why wouldn't I just use Vortex-9 for every gene embedding, given its huge context?"
    )
    assert "80GB" in a["answer"] and "Overkill" in a["answer"]


def test_a_principle_stated_for_a_choice_is_its_reason(tmp_path):
    files = {
        "docs/plan.md": """
            # Integration baseline plan

            ## Phase 1: late fusion baselines
            **Principle**: Prefer late integration first under heterogeneous semantics.

            - **Inference**: Keep each modality's own signal; no joint space yet.
            - Start with the sMRI regional measures.

            ## When to escalate to phase 3
            - Two-tower alignment beats late fusion by more than 10% AUROC.
            - A question needs cross-modal reasoning.
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("why does the integration plan start with late fusion rather than a joint model?")
    assert "heterogeneous semantics" in a["answer"]


def test_a_purpose_clause_about_the_named_model_outranks_another_docs_reasons(kb):
    # A doc titled "Why …" about something else shares "sequence length"; the model's own
    # note says why ("… to avoid out-of-vocabulary tokens").
    a = kb.ask("Why must DNA prompts fed to HexaLM have lengths that are multiples of 6?")
    assert a["answer"].startswith("HexaLM — tokenizer.notes: Pad or trim")
    assert "out-of-vocabulary" in a["answer"]


def test_a_purpose_clause_gives_a_reason():
    from retrieval.lexicon import gives_reason

    q = "Why must prompts be multiples of 6?"
    assert gives_reason(q, "Pad sequences to multiples of 6 to avoid out-of-vocabulary tokens.")
    assert gives_reason(q, "Trim inputs in order to keep the 6-mer frame.")
    assert not gives_reason(q, "Pad sequences to multiples of 6.")


def test_a_word_counts_as_held_where_the_text_writes_it_another_way():
    from retrieval.text_answers import covered

    weights = {"multiple": 1.0, "6": 1.0, "repetition": 2.0}
    assert covered(weights, {"divisible", "6"}) == 0.5  # "divisible by 6"
    assert covered(weights, {"tr"}) == 0.5  # an fMRI "repetition time" is its TR
    assert covered(weights, {"sequence"}) == 0.0

"""Descriptions a question gives instead of a name, on a small real KB (hash embedder): a
number written into a compound ("the 3.1-trillion-base-pair genome corpus") describes the
kind word the compound ends in, not a kind word nearer before it; "a BERT-style encoder" is
one like BERT;
with nothing named, the kind word that states the field asked is asked ("— at which venue
was its paper published?"); a single name-like word that is also a stored value ("built on
Mamba blocks") is that value, not the one title holding it; a value no entity of its kind
holds ("BERT" where no model is tagged so) describes by its words; "a 14-task benchmark" states
how many tasks, beside another suite's task count; a name's words written together name it,
not those beyond the question's verb; "a prior study" is a paper, and when "that study" is asked about, the kind word
of the experiment named before it is the experiment's own, not the kind asked; and a versioned
name the KB writes only in another version ("Pelican-3" beside "Pelican-2") is a name it lacks."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as BASE_FILES
from assistant_kb import build

from retrieval.evaluate import says_not_in_kb

FILES = {
    **BASE_FILES,
    "kb/model_cards/marlin.yaml": """
        id: marlin
        name: Marlin
        modality: genetics
        summary: Autoregressive DNA model over whole genomes.
        arch:
          type: hybrid convolution decoder
          parameters: 1B; 9B
        checkpoints: [marlin_1b, marlin_9b]
        datasets: [deep_corpus]
    """,
    "kb/datasets/deep_corpus.yaml": """
        id: deep_corpus
        name: Deep genome corpus
        modality: genetics
        summary: Genome corpus drawn from many species.
        counts:
          base_pairs: 3_100_000_000_000
    """,
    "kb/model_cards/pelican2.yaml": """
        id: pelican2
        name: Pelican-2
        modality: genetics
        summary: DNA encoder with byte-pair tokens.
        arch:
          type: BERT encoder
          parameters: 95M
        checkpoints: [pelican2_95m]
        datasets: [pelican_bench]
    """,
    "kb/paper_cards/pelican_2023.yaml": """
        title: "Pelican-2: byte-pair DNA encoders"
        authors: [Ada Stone]
        year: 2023
        venue: ICLR 2023
        tags: [bert]
        related_to: [kb/model_cards/pelican2.yaml]
    """,
    "kb/datasets/pelican_bench.yaml": """
        id: pelican_bench
        name: Pelican evaluation suite
        modality: genetics
        summary: A 14-task benchmark released with Pelican-2.
        tags: [evaluation]
    """,
    "kb/datasets/coral_tasks.yaml": """
        id: coral_tasks
        name: Coral sequence downstream tasks
        modality: genetics
        summary: Downstream classification tasks over coral genomes.
        counts:
          tasks: 18
    """,
    "kb/datasets/reefy_tasks.yaml": """
        id: reefy_tasks
        name: Reefy task suite
        modality: genetics
        summary: Generation tasks over reef genomes.
        counts:
          tasks: 9
    """,
    "kb/configs/experiments/loso_attribution.yaml": """
        id: loso_attribution
        name: "LOSO: gene attribution for depression"
        references: [kb/paper_cards/lee_2025.yaml]
        notes: Expected to replicate the signal of prior work.
    """,
    "kb/paper_cards/lee_2025.yaml": """
        title: Gene models for depression classification
        authors: [Ana Lee]
        year: 2025
        tags: [depression]
        summary: Classifies depression from gene embeddings and finds KELP1 the top predictive gene.
    """,
    "kb/model_cards/eel.yaml": """
        id: eel
        name: Eel
        modality: genetics
        summary: Bidirectional DNA model.
        tags: [mamba]
    """,
    "kb/model_cards/ray.yaml": """
        id: ray
        name: Ray
        modality: fmri
        summary: Hybrid fMRI model.
        tags: [mamba]
    """,
    "kb/paper_cards/ray_2025.yaml": """
        title: "Ray: a Mamba-Transformer hybrid for fMRI"
        authors: [Bo Lind]
        year: 2025
        related_to: [kb/model_cards/ray.yaml]
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("numbers"), files=FILES)


def test_a_number_in_a_compound_describes_the_kind_word_the_compound_ends_in(kb):
    a = kb.ask(
        "Which model is trained on the 3.1-trillion-base-pair genome corpus, and what is its "
        "largest checkpoint size?"
    )
    assert "Marlin" in a["answer"]
    assert "9B" in a["answer"]
    assert "kb/model_cards/marlin.yaml" in {c["source"] for c in a["citations"]}


def test_a_like_named_encoder_and_the_field_only_its_paper_states(kb):
    a = kb.ask(
        "The 95M-parameter BERT-style DNA encoder in the KB — at which venue was its paper published?"
    )
    assert "ICLR 2023" in a["answer"]
    assert "kb/paper_cards/pelican_2023.yaml" in {c["source"] for c in a["citations"]}


def test_a_stored_value_is_no_single_titles_word(kb):
    a = kb.ask("Which models in the KB are built on Mamba blocks?")
    assert "Eel" in a["answer"] and "Ray" in a["answer"]


def test_a_version_the_kb_does_not_write_is_a_name_it_lacks(kb):
    assert says_not_in_kb(kb.ask("Which Pelican-3 checkpoint does the KB recommend?")["answer"])
    assert "pelican2_95m" in kb.ask("Which Pelican-2 checkpoint does the KB list?")["answer"]


def test_a_value_no_entity_of_its_kind_holds_describes_by_its_words(kb):
    a = kb.ask(
        "The 95M-parameter BERT-style DNA encoder ships with its own evaluation benchmark. "
        "How many tasks does that benchmark contain?"
    )
    assert "14-task" in a["answer"]
    assert "kb/datasets/pelican_bench.yaml" in {c["source"] for c in a["citations"]}


def test_that_study_is_the_paper_an_experiment_follows(kb):
    a = kb.ask(
        "The LOSO gene-attribution experiment follows a prior depression study; which gene "
        "did that study identify as most predictive?"
    )
    assert "KELP1" in a["answer"]
    assert "kb/paper_cards/lee_2025.yaml" in {c["source"] for c in a["citations"]}


def test_a_count_written_in_prose_is_compared_with_a_counted_field(kb):
    a = kb.ask(
        "Does the Pelican evaluation suite or the Coral sequence downstream suite contain more tasks?"
    )
    # The prose count stands in the compared column, beside the counted field.
    assert "Pelican evaluation suite: A 14-task" in a["answer"]
    assert "Coral sequence downstream tasks: 18" in a["answer"]
    assert "reefy_tasks" not in a["entities"]  # "suite contain more tasks" names no suite


SHARED_WORDS = {
    **BASE_FILES,
    "kb/paper_cards/deep_site_2022.yaml": """
        title: Deep learning removal of site effects
        authors: [Kim Park]
        year: 2022
    """,
    "kb/paper_cards/scale_2023.yaml": """
        title: Scanner harmonization at scale
        authors: [Lou Berg]
        year: 2023
        summary: A deep learning method that removes scanner effects, one arm per site.
    """,
}


def test_a_name_decides_only_for_a_card_holding_every_description_word(tmp_path):
    from retrieval.described import _best_card

    view = build(tmp_path, files=SHARED_WORDS)._assistant().view
    assert _best_card(view, "paper", ["deep", "learning"], set()) == "deep_site_2022"
    # "the deep-learning *arm*": the other card holds every word, this name only some; the
    # name decides nothing between them.
    assert _best_card(view, "paper", ["deep", "learning", "arm"], set()) is None


def test_a_thing_compared_in_an_experiment_is_no_comparison_asked(kb):
    from retrieval.seed_reading import compare_cue

    view = kb._assistant().view
    for q, asks in [
        ("The Marlin model compared in the LOSO experiment uses which corpus?", False),
        ("Which models are compared in the LOSO experiment?", True),
    ]:
        linked = view.linker.link(q)
        assert compare_cue(linked, linked.entities) is asks, q

"""Past the first hop, and where the question says to read (small real KB, hash embedder):
a count named for what is counted is read next to the entity an answer reached ("the
model whose paper introduced benchmark X was pretrained on how many species?"), never next
to the named one for a cohort it does not hold ("how many ABCD participants trained Y?");
"which version number" and "the vocabulary size of X" ask for numbers; a unit of the doc
the question names ("why does the X documentation argue …") leads."""

from __future__ import annotations

import pytest
from assistant_kb import build

from retrieval.evaluate import says_not_in_kb
from retrieval.lexicon import asks_number

FILES = {
    "datasets/motif_suite.yaml": """
        id: motif_suite
        name: Motif Suite
        modality: genetics
        summary: Benchmark of promoter and splice-site tasks.
        counts:
          tasks: 21
    """,
    "datasets/species_mix.yaml": """
        id: species_mix
        name: Species Mix corpus
        modality: genetics
        summary: Reference genomes pooled for pretraining.
        counts:
          species: 77
    """,
    "model_cards/strandlm.yaml": """
        id: strandlm
        name: StrandLM
        modality: genetics
        summary: >-
          Encoder for DNA pretrained on genomes from many species; its paper also
          introduced the Motif Suite benchmark.
        datasets: [species_mix, motif_suite]
        paper: strandlm_2024
    """,
    "paper_cards/strandlm_2024.yaml": """
        id: strandlm_2024
        title: "StrandLM: efficient DNA encoders"
        year: 2024
        venue: ICLR 2024
        model_card: model_cards/strandlm.yaml
    """,
    "model_cards/cortexnet.yaml": """
        id: cortexnet
        name: CortexNet
        modality: fmri
        summary: Transformer over 4D fMRI volumes.
        datasets: [scan_bank]
    """,
    "datasets/scan_bank.yaml": """
        id: scan_bank
        name: Scan Bank fMRI tensors
        modality: fmri
        summary: Preprocessed resting-state volumes.
        counts:
          subjects: 45_000
    """,
    "datasets/hg_ref.yaml": """
        id: hg_ref
        name: Human reference genome (hg-ref)
        modality: genetics
        summary: The reference assembly in which exon sequences are cut for embedding.
        notes: Always record the annotation release (e.g. GENCODE version) next to it.
    """,
    "docs/cohorts.md": """
        # Cohorts

        ABCD and UK Biobank are the two large imaging cohorts discussed here.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("reached"), files=FILES)


def test_a_count_is_read_next_to_the_entity_the_answer_reached(kb):
    a = kb.ask(
        "The DNA model whose paper introduced Motif Suite was pretrained on genomes from how "
        "many species?"
    )
    assert "StrandLM" in a["answer"] and "77" in a["answer"]


def test_a_count_of_a_cohort_the_named_model_does_not_use_is_not_its_count(kb):
    a = kb.ask("How many ABCD participants were used to train CortexNet?")
    assert "45000" not in a["answer"].replace("_", "").replace(",", "")


def test_a_version_number_and_a_named_size_are_numbers_asked(kb):
    assert asks_number("Which GENCODE version number is pinned for hg-ref?")
    assert asks_number("What is the vocabulary size of StrandLM's tokenizer?")
    assert not asks_number("What is the size of the Scan Bank tensors?")
    a = kb.ask("Which GENCODE version number is pinned for cutting exon sequences from hg-ref?")
    assert says_not_in_kb(a["answer"])


DOCS = {
    "docs/models/strandlm.md": """
        # StrandLM

        ## Design

        StrandLM keeps embeddings invariant to strand orientation. DNA has no inherent
        direction, so a model should not prefer one strand.
    """,
    "docs/papers/strandlm_paper.md": """
        # StrandLM paper notes

        ## Notes

        Assays read either strand; symmetry helps.
    """,
}


def test_a_unit_of_the_doc_the_question_names_leads(tmp_path):
    kb2 = build(tmp_path, files=DOCS)
    a = kb2.ask(
        "Why does the StrandLM documentation argue that strand symmetry matters biologically?"
    )
    assert a["citations"][0]["source"] == "docs/models/strandlm.md"

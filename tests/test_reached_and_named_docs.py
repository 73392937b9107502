"""Past the first hop, and where the question says to read (small real KB, hash embedder):
a count named for what is counted is read next to the entity an answer reached ("the
model whose paper introduced benchmark X was pretrained on how many species?"), never next
to the named one for a cohort it does not hold ("how many ABCD participants trained Y?"),
and a count written in a value ("360 parcels; …") names what it counts;
"which version number" and "the vocabulary size of X" ask for numbers; a unit of the doc
the question names ("why does the X documentation argue …") leads."""

from __future__ import annotations

import pytest
from assistant_kb import build

from retrieval.evaluate import says_not_in_kb
from retrieval.intent import plan as make_plan
from retrieval.lexicon import asks_number
from retrieval.neighbourhood import complete

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
        summary: Reference genomes used to pretrain StrandLM and to learn its tokenizer vocabulary.
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
        summary: Masked autoencoder over parcellated BOLD signals; parcel patches are hidden.
        arch:
          parameters: 300M
        datasets: [scan_bank]
        tokenizer:
          type: parcel time-series patches
          notes: >-
            360 parcels; each token is a short window of one parcel's signal projected
            linearly (no discrete vocabulary).
    """,
    "configs/experiments/axes_probe.yaml": """
        id: axes_probe
        experiment_name: "Axes probe: brain embedding axes vs behaviour"
        models: [cortexnet]
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
    "paper_cards/harmony_2024.yaml": """
        id: harmony_2024
        title: "Harmony: site-free MRI harmonisation"
        year: 2024
        venue: NeuroImage
        key_contributions:
          - One model across all sites.
          - Content and style disentangled.
          - Shows gains on 6,000 T1/T2 scans.
    """,
    "integration_cards/site_methods.yaml": """
        id: site_methods
        name: Site methods
        methods:
          harmony_mri:
            type: deep
            reference: harmony_2024
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


def test_a_count_written_in_a_value_answers_how_many_of_the_entity_reached(kb):
    a = kb.ask(
        "The axes probe experiment uses an fMRI foundation model. Which one, how big is its "
        "largest checkpoint, and how many parcels does it expect?"
    )
    assert "CortexNet" in a["answer"] and "300M" in a["answer"] and "360" in a["answer"]


def test_the_field_stating_a_count_in_its_value_completes_the_answer(kb):
    view = kb._assistant().view
    question = (
        "The axes probe experiment uses which fMRI model, and how many parcels does it expect?"
    )
    linked = view.linker.link(question)
    said = "Axes probe → models: CortexNet. CortexNet — parameters: 300M."
    blocks, whole = complete(
        make_plan(linked, view), linked, view, said, ["axes_probe", "cortexnet"]
    )
    assert whole and any("360 parcels" in f.text for b in blocks for f in b.facts)


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


def test_a_count_inside_a_longer_value_is_left_to_the_sentence_stating_it(kb):
    view = kb._assistant().view
    question = "Which paper is the harmony_mri method from, and on how many scans was it shown?"
    linked = view.linker.link(question)
    said = "harmony_mri → papers: Harmony: site-free MRI harmonisation (2024)."
    blocks, _ = complete(
        make_plan(linked, view), linked, view, said, ["harmony_mri", "harmony_2024"]
    )
    assert not any("One model across all sites" in f.text for b in blocks for f in b.facts)


def test_a_neighbours_size_is_not_the_size_the_modifier_names(kb):
    a = kb.ask("What is the vocabulary size of StrandLM's tokenizer?")
    assert "77" not in a["answer"]

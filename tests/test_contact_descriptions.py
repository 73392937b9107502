"""Descriptions in contact clauses: "the model the KB uses as its default gene encoder", "the
only fMRI model in the KB designed to cope with differing repetition times"; the one card
holding every word of a description stands for it (not when the description is a name the KB
lacks: "the largest Nucleotide Transformer model"); "the pretraining genome" is a dataset,
and "how long, in base pairs" reads a `length_bp` field; a whose-clause runs past its own verb
("whose pretraining DNA was drawn from …") to the name it relates to (small real KB, hash
embedder)."""

from __future__ import annotations

import pytest
from assistant_kb import build

FILES = {
    "model_cards/strand.yaml": """
        id: strand
        name: StrandNet
        modality: genetics
        summary: Bidirectional DNA encoder with reverse-complement equivariant blocks.
        notes: In this KB it is the default encoder for strand-robust gene embeddings.
        datasets: [human_ref, motif_tasks]
        paper: strand_2024
    """,
    "model_cards/pairwise.yaml": """
        id: pairwise
        name: PairBERT
        modality: genetics
        summary: DNA encoder over byte-pair tokens, pretrained on many species' genes.
        datasets: [species_mix]
        paper: pairwise_2024
    """,
    "model_cards/longread.yaml": """
        id: longread
        name: LongRead
        modality: genetics
        summary: Nucleotide transformer decoder, the largest of its family, for long genes.
        arch:
          parameters: 1.2B
    """,
    "model_cards/tempo.yaml": """
        id: tempo
        name: TempoFM
        modality: fmri
        summary: fMRI foundation model whose patches adapt to differing repetition times.
        notes: Pretrained on 52,100 fMRI time series from two cohorts.
    """,
    "model_cards/gridfm.yaml": """
        id: gridfm
        name: GridFM
        modality: fmri
        summary: fMRI foundation model over parcel time series from one scanner.
        notes: Pretrained on 8,000 fMRI time series; the default choice for the largest cohort.
    """,
    "model_cards/motifnet.yaml": """
        id: motifnet
        name: MotifNet
        modality: genetics
        summary: DNA encoder of gene promoters, the largest motif model we track.
    """,
    "model_cards/ntlite.yaml": """
        id: ntlite
        name: NT-Lite
        modality: genetics
        summary: Nucleotide transformer encoder for short reads.
    """,
    "datasets/human_ref.yaml": """
        id: human_ref
        name: Human reference assembly
        modality: genetics
        summary: Reference genome used for masked-language pretraining.
        counts:
          approximate_length_bp: about 3.1 billion
    """,
    "datasets/sea_genomes.yaml": """
        id: sea_genomes
        name: Sea Genome Archive
        modality: genetics
        summary: Marine eukaryote assemblies.
    """,
    "model_cards/tidal.yaml": """
        id: tidal
        name: TidalLM
        modality: genetics
        summary: Generative genomic model over long windows.
        tokenizer:
          type: 6-mer
        datasets: [sea_genomes]
    """,
    "model_cards/planta.yaml": """
        id: planta
        name: PlantaLM
        modality: genetics
        summary: Genomic model whose pretraining DNA comes from plant assemblies.
        tokenizer:
          type: BPE
    """,
    "datasets/motif_tasks.yaml": """
        id: motif_tasks
        name: Motif tasks
        modality: genetics
        summary: Classification benchmark of promoter motifs.
        counts:
          records: 12_000
    """,
    "datasets/species_mix.yaml": """
        id: species_mix
        name: Species mix
        modality: genetics
        summary: Genomes of 130 species.
        counts:
          approximate_length_bp: about 32 billion
    """,
    "paper_cards/strand_2024.yaml": """
        id: strand_2024
        title: "StrandNet: Equivariant DNA Encoders"
        year: 2024
        venue: ICML
    """,
    "paper_cards/pairwise_2024.yaml": """
        id: pairwise_2024
        title: "PairBERT: Byte-Pair DNA Encoders"
        year: 2024
        venue: ICLR
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("contact"), files={f"kb/{k}": v for k, v in FILES.items()})


def test_the_model_the_kb_uses_as_is_a_description(kb):
    a = kb.ask(
        "At which conference was the paper published for the model the KB uses as its default"
        " encoder for strand-robust gene embeddings?"
    )
    assert "ICML" in a["answer"] and "ICLR" not in a["answer"]


def test_the_one_card_holding_every_described_word_stands_for_it(kb):
    a = kb.ask(
        "About how long, in base pairs, is the pretraining genome of the DNA model the KB uses"
        " as its default gene encoder?"
    )
    assert "3.1 billion" in a["answer"]
    assert "32 billion" not in a["answer"]


def test_in_the_kb_before_a_clause_keeps_the_clause_in_the_description(kb):
    view = kb._assistant().view
    question = (
        "The only fMRI model in the KB designed to cope with differing repetition times was"
        " pretrained on how many fMRI time series?"
    )
    linked = view.linker.link(question)
    from retrieval.intent import plan

    plan(linked, view)  # reads descriptions in place
    assert [e.id for e in linked.entities if e.kind == "model"] == ["tempo"]
    assert "52,100" in kb.ask(question)["answer"]


def test_a_name_the_kb_lacks_is_no_description_one_card_happens_to_fit(kb):
    from retrieval.intent import plan

    view = kb._assistant().view
    linked = view.linker.link(
        "How many parameters does the largest Nucleotide Transformer model have?"
    )
    plan(linked, view)  # reads descriptions in place
    assert not [e for e in linked.entities if e.kind == "model"]


def test_a_whose_clause_runs_past_its_own_verb_to_the_name_it_relates_to(kb):
    a = kb.ask(
        "The genomic model whose pretraining DNA was drawn from Sea Genome Archive tokenizes sequence how?"
    )
    assert "TidalLM" in a["answer"] and "6-mer" in a["answer"]
    assert "PlantaLM" not in a["answer"]

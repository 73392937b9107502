"""A question in clauses, and values named in other forms: "How many ROIs …, and which atlas
defines them?" asks for the atlas (an object pronoun ends what is asked, with its verb);
"publicly accessible (no restricted access)" names the value by its adverb and excludes the
negated one; "what are the counts?" points back at the property named; "the benchmark
distributed with X" narrows the datasets reached; "how do researchers obtain its data?" asks
for access and its terms; advantages listed under the asked thing answer "what makes it
attractive?", limitations "why might it be a poor choice?"; a question standing as a note's
title heads its paragraph; a tokenizer value and its gloss in parentheses
("character-level (single nucleotide)") are alternatives; "I only want …" is no condition;
"which hospital" is answered by a medical center; in "the benchmark and pretraining datasets"
the modifier of one kind restricts neither (small real KB, hash embedder)."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as BASE_FILES
from assistant_kb import build

FILES = {
    **BASE_FILES,
    "kb/datasets/cortical_rois.yaml": """
        id: cortical_rois
        name: Cortical ROI Table
        modality: smri
        access: restricted
        summary: Structural ROI features computed per subject.
        parcellation:
          atlas: Harvard-Oxford cortical
          n_rois: 96
    """,
    "kb/datasets/motif_bench.yaml": """
        id: motif_bench
        name: Motif Benchmark Suite
        modality: genetics
        access: restricted
        restrictions: Request the archive through the authors' Zenodo record; sign-in needed.
        summary: Promoter and enhancer tasks distributed with TinyDNA.
    """,
    "kb/datasets/plant_genomes.yaml": """
        id: plant_genomes
        name: Plant Genome Collection
        modality: genetics
        access: restricted
        summary: Pretraining genomes gathered from plant assemblies.
    """,
    "kb/model_cards/tiny.yaml": BASE_FILES["kb/model_cards/tiny.yaml"].replace(
        "          - genome_ref\n",
        "          - genome_ref\n          - motif_bench\n          - plant_genomes\n",
    ),
    "kb/model_cards/basecall.yaml": """
        id: basecall
        name: BaseCall
        modality: genetics
        tokenizer:
          type: character
    """,
    "kb/model_cards/pointnet.yaml": """
        id: pointnet
        name: PointNet-DNA
        modality: genetics
        tokenizer:
          type: nucleotide
        tags: [single-nucleotide]
    """,
    "configs/experiments/helix_probe.yaml": """
        id: helix_probe
        name: Helix-7 probe
        models:
          - helix
          - tiny
        datasets:
          - genome_ref
    """,
    "docs/plan.md": """
        # Unified model plan

        ## Option A: Helix-7 (H7)

        - Pattern: shared encoder with per-modality heads
        - Advantages:
          - Half the compute of the dense stack
          - Strand-aware sparsity in the heads

        ## Option B: Dense decoder

        - Pattern: one unified decoder over interleaved tokens, a future superhelixlmish design
        - Advantages:
          - Emergent cross-modal reasoning
    """,
    "docs/tiny_notes.md": """
        # TinyDNA notes

        [TinyDNA](../kb/model_cards/tiny.yaml) embeds short windows quickly on a laptop.

        ## Limitations

        - Short context: windows beyond 512 tokens are cut
        - Memory: the cache grows with every window

        ## Attribution

        Genes are ranked by the drop in AUC when each is left out.

        - A large drop means the classifier found in the gene what no other gene gives.
        - A drop near zero does not mean the gene is irrelevant: a correlated gene may
          cover for it at test time.

        !!! note "Why refit instead of masking?"
            Zeroing a gene at test time measures how much the fitted model leans on it,
            which conflates reliance with redundancy. Refitting lets the other genes
            compensate, so the drop measures unique information.
    """,
    "kb/integration_cards/site_methods.yaml": """
        id: site_methods
        name: Site correction methods
        methods:
          deep_harm_t1_t2:
            type: deep_unsupervised
            reference: "Vik & Oss, Communications Engineering 2024 (DEEPH)"
            description: Image-space harmonizer for T1/T2 volumes.
    """,
    "kb/paper_cards/deeph_2024.yaml": """
        id: deeph_2024
        title: "Deep harmonization of scans across sites"
        short_name: DEEPH
        authors: [Ola Vik, Per Oss]
        year: 2024
        venue: Communications Engineering
        key_contributions:
          - "One generative model for every site."
          - "Demonstrates improved inter-site consistency on >5,000 T1/T2 scans."
    """,
    "kb/datasets/ward_notes.yaml": """
        id: ward_notes
        name: Ward Notes database
        modality: text
        access: controlled
        description: >-
          De-identified clinical notes from patients at Harbor Bay Medical Center, released
          in two versions.
    """,
    "kb/model_cards/notelm.yaml": """
        id: notelm
        name: NoteLM
        modality: text
        summary: Clinical language model.
        datasets: [ward_notes]
    """,
    "docs/strategy.md": """
        # Integration strategy

        ## Rules for every rung

        - One set of folds, drawn once and reused by every model.

        !!! note "Why not start with a joint model?"
            Joint models need many subjects with every modality measured and they learn
            shortcuts readily. The [decision log](decisions/late_first.md) gives the full
            argument.
    """,
    "docs/decisions/late_first.md": """
        # Late fusion first

        ## Reasons

        1. **Heterogeneous semantics.** Concatenating modalities lets the widest block
           dominate; combining predictions keeps each modality's signal.
        2. **Missing modalities.** Late fusion uses every subject; early fusion must drop
           or impute.
    """,
    "docs/variants.md": """
        # Applying variants

        If variants are not applied, every participant gets the same gene vectors and the
        genetics block is constant across the cohort.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("clauses"), files=FILES)


def test_a_clause_asking_a_name_is_answered_beside_a_clause_asking_a_number(kb):
    a = kb.ask("How many ROIs are in the Cortical ROI Table, and which atlas defines them?")
    assert "96" in a["answer"] and "Harvard-Oxford" in a["answer"]


def test_an_adverb_names_a_value_and_no_excludes_one(kb):
    a = kb.ask("Which genetics datasets are publicly accessible (no restricted access)?")
    assert "Genome Reference Corpus" in a["answer"]
    for restricted in ("Motif Benchmark Suite", "Plant Genome Collection"):
        assert restricted not in a["answer"]


def test_the_counts_asked_are_those_of_the_property_named(kb):
    a = kb.ask(
        "Which has more parameters in its default configuration, Helix-7 or TinyDNA,"
        " and what are the counts?"
    )
    assert a["intent"] == "compare"
    assert a["answer"].startswith("Helix-7 is higher in parameters")
    assert "7M" in a["answer"] and "150M" in a["answer"]
    assert "context length" not in a["answer"]  # the counts asked, not every field


def test_an_adverb_names_the_value_its_adjective_does(kb):
    a = kb.ask("Which genetics datasets are publicly accessible?")
    assert "Genome Reference Corpus" in a["answer"]
    assert "Plant Genome Collection" not in a["answer"]


def test_a_participle_after_the_kind_word_picks_the_one_described(kb):
    a = kb.ask(
        "The benchmark distributed together with TinyDNA — how do researchers obtain its data?"
    )
    assert "Motif Benchmark Suite" in a["answer"]
    assert "Zenodo" in a["answer"]  # the card's access terms beside its access level
    assert "Plant Genome Collection" not in a["answer"]


def test_obtaining_something_other_than_data_is_no_access_question(kb):
    view = kb._assistant().view
    linked = view.linker.link("How does TinyDNA obtain strand invariance?")
    assert "access" not in linked.property_names()
    linked = view.linker.link("How do researchers obtain its data?")
    assert "access" in linked.property_names()
    # "it" after the verb is the dataset asked about before it
    linked = view.linker.link("What dataset was TinyDNA trained on, and can anyone download it?")
    assert "access" in linked.property_names()
    linked = view.linker.link("Which model is TinyDNA, and can anyone download it?")
    assert "access" not in linked.property_names()


def test_advantages_listed_under_the_asked_thing_say_what_makes_it_attractive(kb):
    a = kb.ask("What makes the Helix-7 option attractive for a future unified model?")
    # Option B's "superhelixlmish" holds the alias HelixLM only inside a longer word.
    assert a["answer"].startswith("Option A: Helix-7 (H7)")
    assert "Half the compute" in a["answer"]


def test_a_poor_choice_is_explained_by_the_limitations(kb):
    a = kb.ask("Why might TinyDNA be a poor choice for embedding long regulatory regions?")
    assert "windows beyond 512 tokens are cut" in a["answer"]


def test_a_question_titling_a_note_heads_its_paragraph(kb):
    a = kb.ask("Why is the classifier refit without the gene rather than zeroing it at test time?")
    assert a["answer"].startswith("Zeroing a gene at test time")
    assert "unique information" in a["answer"]


def test_a_verb_after_what_names_nothing_asked(kb):
    view = kb._assistant().view
    assert view.linker.link("What makes the Helix-7 backbone attractive?").asked == []
    linked = view.linker.link("How many ROIs are in the table, and which atlas defines them?")
    asked = [linked.tokens[i].low for i in linked.asked]
    assert "atlas" in asked and "defines" not in asked and "them" not in asked


def test_a_note_handing_the_argument_to_another_doc_gives_way_to_it(kb):
    a = kb.ask(
        "What are the arguments for combining modalities at the prediction level before"
        " trying joint models?"
    )
    assert a["citations"][0]["source"] == "docs/decisions/late_first.md"
    assert "dominate" in a["answer"]


def test_carded_names_no_condition(kb):
    a = kb.ask("Which of the carded model papers appeared at NeurIPS?")
    assert a["answer"].startswith("Papers (1): CortexLM: A Foundation Model for Brain Activity")


def test_a_kind_named_before_the_question_is_no_filter_the_kb_cannot_meet(kb):
    a = kb.ask(
        "new to the genetics pipeline - what goes wrong if I embed reference sequences"
        " without applying each participant's variants?"
    )
    assert "It holds no" not in a["answer"]
    assert "same gene vectors" in a["answer"]


def test_a_tokenizer_value_and_its_gloss_in_parentheses_filter_as_alternatives(kb):
    a = kb.ask("Which genetics models use character-level (single nucleotide) tokenization?")
    assert "BaseCall" in a["answer"] and "PointNet-DNA" in a["answer"]
    assert "TinyDNA" not in a["answer"]


def test_the_size_of_the_named_thing_asks_for_its_counts(kb):
    view = kb._assistant().view
    linked = view.linker.link("What is the size of the Cortical ROI Table?")
    assert "the" not in [linked.tokens[i].low for i in linked.asked]
    a = kb.ask("What is the size of the Genome Reference Corpus dataset?")
    assert "3_100_000_000" in a["answer"] or "3100000000" in a["answer"]


def test_a_modality_modifying_the_counted_thing_is_no_condition(kb):
    a = kb.ask(
        "The deep_harm_t1_t2 harmonization option refers to a paper. Roughly how many T1/T2"
        " scans did that paper demonstrate improved inter-site consistency on?"
    )
    assert "5,000 T1/T2 scans" in a["answer"]


def test_what_the_asker_wants_is_no_condition_on_the_cards(kb):
    a = kb.ask(
        "I only want genetics datasets I can download without an access request. Which"
        " genetics dataset cards are marked as public access?"
    )
    assert "Genome Reference Corpus" in a["answer"]
    assert "Plant Genome Collection" not in a["answer"]


def test_a_hospital_is_answered_by_a_medical_center(kb):
    a = kb.ask(
        "NoteLM was trained on clinical notes from the Ward Notes database. Which hospital do"
        " those records come from?"
    )
    assert "Harbor Bay Medical Center" in a["answer"]


def test_a_modifier_of_one_of_two_coordinated_kinds_restricts_neither(kb):
    a = kb.ask("Among the genetics benchmark and pretraining datasets, which ones are restricted?")
    assert "Motif Benchmark Suite" in a["answer"] and "Plant Genome Collection" in a["answer"]


def test_a_tie_between_a_cards_own_fields_goes_by_name_not_hash_order():
    from retrieval.graph_compare import _closest

    # Twenty keys sharing the one asked word equally: set order would pick any of them.
    keys = {f"methods.m.f{n:02d}" for n in range(20)}
    assert _closest(keys, {"method"}) == "methods.m.f00"

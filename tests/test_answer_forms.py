"""Question forms the assistant must read right, on a small real KB (hash embedder):
questions in two parts, "why" answered by a section of reasons, "A or B?" comparisons,
alternatives in filters, lists asked after the kind, papers cited as author-year, and a
compound attribute the KB lacks ("weight decay" is not "weights")."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as ASSISTANT_FILES
from assistant_kb import build

from retrieval.evaluate import NOT_IN_KB

FILES = {
    "model_cards/strand.yaml": """
        id: strand
        name: StrandNet
        modality: genetics
        summary: Bidirectional DNA model that reads both strands.
        arch:
          context_length: 131072
        license:
          code: Apache-2.0
        weights:
          huggingface: https://example.org/strandnet
        datasets: [genome_ref]
    """,
    "model_cards/kmer.yaml": """
        id: kmer
        name: KmerGen
        modality: genetics
        summary: Generative DNA model over 6-mer tokens.
        arch:
          context_length: 98000
        how_to_infer:
          training: torchrun --nproc-per-node=2 train.py task=regression data=/mnt/genomes
        limitations:
          - Published benchmarks cover 10k samples at most; larger cohorts need chunking.
          - Generation only; no embedding export.
        license:
          code: MIT
        datasets: [genome_ref]
    """,
    "model_cards/voxel.yaml": """
        id: voxel
        name: VoxelFormer
        modality: fmri
        summary: Masked autoencoder over fMRI volumes.
        arch:
          context_length: 4096
        license:
          code: CC-BY-NC-4.0
    """,
    "paper_cards/strand_2024.yaml": """
        id: strand_2024
        title: "StrandNet: long-range DNA modelling"
        authors:
          - Ada Lovelace
          - Alan Turing
        year: 2024
        venue: ICML
        describes: [strand]
    """,
    "datasets/genome_ref.yaml": ASSISTANT_FILES["kb/datasets/genome_ref.yaml"],
    "docs/permutation.md": """
        # Permutation recipe

        ## Permutation test
        - Set B = 1,000 shuffles of the subject labels.
        - Compute the empirical p-value
          p = (count of null values at least as large + 1) / (B + 1).
    """,
    "docs/decision.md": """
        # Decision: per-modality models first

        ## Reasons
        1. **Unequal blocks.** Concatenated inputs let the widest block dominate.
        2. **Missing scans.** Separate models keep every subject for what they have.
        3. **Attribution.** One model per modality says which modality helped.
        4. **Cost.** Per-modality models run on a laptop in minutes.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("forms"), files=FILES)


def test_a_question_in_two_parts_gets_both_parts(kb):
    a = kb.ask(
        "How do I compute the empirical p-value in the permutation recipe, "
        "and how many shuffles should I run?"
    )
    assert "(B + 1)" in a["answer"]  # the formula continues the list item on the next line
    assert "1,000" in a["answer"]
    assert {c["source"] for c in a["citations"]} == {"docs/permutation.md"}


def test_why_is_answered_with_every_reason_of_the_reasons_section(kb):
    a = kb.ask("Why did we decide to fit per-modality models first?")
    for reason in ("Unequal blocks", "Missing scans", "Attribution", "Cost"):
        assert reason in a["answer"]
    assert a["citations"][0]["source"] == "docs/decision.md"


def test_the_arguments_for_a_choice_are_its_reasons(kb):
    a = kb.ask("What are the main arguments for fitting per-modality models first?")
    for reason in ("Unequal blocks", "Missing scans", "Attribution", "Cost"):
        assert reason in a["answer"]
    assert a["citations"][0]["source"] == "docs/decision.md"


def test_arguments_justifying_a_choice_are_its_reasons(kb):
    a = kb.ask("What arguments justify fitting per-modality models before trying joint models?")
    for reason in ("Unequal blocks", "Missing scans", "Attribution", "Cost"):
        assert reason in a["answer"]


def test_two_names_offered_as_alternatives_are_compared(kb):
    a = kb.ask("Which reads a longer DNA window, StrandNet or KmerGen?")
    assert a["intent"] == "compare"
    assert a["answer"].startswith("StrandNet")
    assert "131072" in a["answer"] and "98000" in a["answer"]


def test_values_of_one_property_are_alternatives_in_a_filter(kb):
    a = kb.ask("Among the genetics models, which ones have an Apache-2.0 or MIT code licence?")
    assert a["intent"] == "filter"
    assert "StrandNet" in a["answer"] and "KmerGen" in a["answer"]
    assert "VoxelFormer" not in a["answer"]


def test_papers_are_listed_as_title_author_and_year(kb):
    a = kb.ask("Which paper describes StrandNet?")
    assert "Lovelace et al., 2024" in a["answer"]


def test_a_compound_attribute_the_kb_lacks_is_not_answered_by_a_part_of_it(kb):
    a = kb.ask("What weight decay was used to train StrandNet?")
    assert a["answer"].startswith(NOT_IN_KB)
    assert "huggingface" not in a["answer"]


def test_a_command_run_to_train_states_no_value_asked_of_training(kb):
    a = kb.ask("What weight decay value was used when training KmerGen?")
    assert a["answer"].startswith(NOT_IN_KB)


def test_how_long_an_input_asks_for_the_context_length(kb):
    a = kb.ask("How long an input sequence can StrandNet take?")
    assert a["answer"].startswith("StrandNet") and "131072" in a["answer"][:80]


def test_a_field_named_for_what_is_asked_vouches_for_its_items(kb):
    a = kb.ask(
        "What practical limitation arises when applying KmerGen to a full cohort, and how is "
        "it handled?"
    )
    assert "chunking" in a["answer"]


def test_a_class_of_licences_filters_without_naming_one(kb):
    a = kb.ask("Which models come with a non-commercial licence?")
    assert a["intent"] == "filter"
    assert "VoxelFormer" in a["answer"]
    assert "StrandNet" not in a["answer"] and "KmerGen" not in a["answer"]
    b = kb.ask("Which models have a permissive code licence?")
    assert "StrandNet" in b["answer"] and "KmerGen" in b["answer"]
    assert "VoxelFormer" not in b["answer"]


def test_an_opening_who_asks_for_the_authors_beside_a_second_question(kb):
    a = kb.ask("Who wrote the StrandNet paper, and in which venue did it appear?")
    assert "Ada Lovelace" in a["answer"] and "ICML" in a["answer"]


def test_a_kind_in_a_modality_the_kb_lacks_is_said_to_be_absent(kb):
    a = kb.ask("Which EEG models does the KB recommend, and what context length do they take?")
    assert a["answer"].startswith(NOT_IN_KB)
    assert "no eeg models" in a["answer"]
    # A kind named only as context is not what is asked: the passages answer.
    b = kb.ask("new to the EEG models — how many shuffles of the subject labels should I run?")
    assert "1,000" in b["answer"] and "no eeg models" not in b["answer"]


def test_a_second_question_about_what_a_hop_reached_reads_its_fields(kb):
    a = kb.ask("Which dataset does KmerGen use, and how many base pairs does that corpus hold?")
    assert "Genome Reference Corpus" in a["answer"]
    assert "3100000000" in a["answer"].replace(",", "")


def test_kinds_named_before_a_question_about_the_named_card_are_context(tmp_path):
    files = {
        "model_cards/gen.yaml": """
            id: gen
            name: GenDecoder
            modality: genetics
            arch:
              context_length: 1000000
        """,
        "paper_cards/gen_2024.yaml": """
            id: gen_2024
            title: "GenDecoder: long DNA generation"
            year: 2024
            context_length: "98k bp (16k tokens)"
            describes: [gen]
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "The GenDecoder paper card gives a context length that differs from the model card. "
        "What context does the paper card state?"
    )
    assert a["answer"].startswith("GenDecoder: long DNA generation") and "98k bp" in a["answer"]
    assert a["citations"][0]["source"] == "paper_cards/gen_2024.yaml"


def test_a_comparison_leaves_out_fields_that_share_no_asked_word(tmp_path):
    card = """
        id: {id}
        name: {name}
        modality: fmri
        tokenizer:
          notes: {notes}
        weights:
          artifacts:
            - https://drive.example.com/{id}
    """
    files = {
        "model_cards/a.yaml": card.format(id="jepa", name="JepaNet", notes="450 parcels as tokens"),
        "model_cards/b.yaml": card.format(id="lm", name="PatchLM", notes="424 parcels in patches"),
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("How many parcels does JepaNet tokenize compared to PatchLM?")
    assert "450" in a["answer"] and "424" in a["answer"]
    assert "example.com" not in a["answer"]  # the URL's "com" is no "compared"
    from retrieval.facts import same_word

    assert not same_word("compared", "com") and same_word("dimension", "dim", True)


def test_kind_words_glossed_in_parentheses_add_no_condition(tmp_path):
    card = """
        id: {id}
        name: {name}
        description: {text}
        modalities: [dna]
        access: {access}
    """
    files = {
        "datasets/a.yaml": card.format(
            id="corpus_a", name="Corpus A", text="Genomes for pretraining.", access="restricted"
        ),
        "datasets/b.yaml": card.format(
            id="bench_b", name="Bench B", text="A 28-task benchmark.", access="restricted"
        ),
        "datasets/c.yaml": card.format(
            id="open_c", name="Open C", text="Reference genome for pretraining.", access="public"
        ),
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("Among the DNA datasets (pretraining corpora + benchmarks), which are restricted?")
    assert "Corpus A" in a["answer"] and "Bench B" in a["answer"]
    assert "Open C" not in a["answer"]


def test_what_share_is_answered_by_a_percentage(tmp_path):
    files = {
        "model_cards/sparse.yaml": """
            id: sparse_mix
            name: SparseMix
            modality: multimodal
            notes: >-
              SparseMix is an architecture, not one released model. In the 7B setting it
              matched the dense baseline with 55.8% of its FLOPs.
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("What share of the dense baseline's FLOPs did SparseMix need to match its quality?")
    assert "55.8%" in a["answer"]


def test_a_bound_or_a_unit_answers_the_word_that_asks_for_it(tmp_path):
    files = {
        "integration_cards/harm.yaml": """
            id: site_shrink
            name: Site shrinkage
            modality: smri
            requirements:
              - site labels
              - batch size ≥ 40 scans per site
            notes: The reference set holds T1 and T2 scans at 3:1.
        """,
        "docs/big_model.md": """
            # Running the large checkpoint

            ## Limits
            - Overkill for short genes: most genes are far shorter than the window.
            - The large checkpoint runs only on 80GB GPUs with FP8 kernels.
        """,
    }
    kb2 = build(tmp_path, files=files)
    q = "What's the minimum number of scans per site required before running site shrinkage?"
    a = kb2.ask(q)
    assert "≥ 40" in a["answer"]
    from retrieval import text_answers
    from retrieval.confidence import names_asked

    view = kb2._assistant().view
    linked = view.linker.link(q)
    best = text_answers.extract(q, linked, view)[:1]
    assert "≥ 40" in best[0].text and names_asked(best, linked) == 1.0  # "minimum" ~ "≥"
    q = "What mix of scans went into site shrinkage's reference set?"
    linked = view.linker.link(q)
    mixed = [s for s in text_answers.extract(q, linked, view) if "3:1" in s.text]
    assert mixed and names_asked(mixed, linked) == 1.0  # "mix" ~ "3:1"
    # A field is matched the same way: its value's sign, its key's synonym.
    from retrieval.facts import _match, key_word

    assert _match("minimum", set(), set(), "batch size ≥ 30 subjects per site") == 0.5
    assert key_word("need", {"requirement"}) and not key_word("need", {"license"})
    a = kb2.ask(
        "Why is the large checkpoint overkill for short genes, and what hardware does it need?"
    )
    assert "80GB" in a["answer"]


def test_a_value_conditions_the_kind_that_holds_it(tmp_path):
    files = {
        "integration_cards/a.yaml": "id: towers\nname: Two towers\nstatus: planned\n",
        "integration_cards/b.yaml": "id: late\nname: Late fusion\nstatus: adopted\n",
        "datasets/c.yaml": "id: clinic_2020\nname: Clinic cohort\naccess: restricted\n",
    }
    kb2 = build(tmp_path, files=files)
    # 'planned' is a status of patterns, not of cohorts: "for our cohorts" is context.
    a = kb2.ask("which integration patterns are still at 'planned' status for our cohorts?")
    assert "Two towers" in a["answer"] and "Late fusion" not in a["answer"]


def test_where_that_corpus_is_stored_is_read_on_the_corpus_not_the_model(tmp_path):
    files = {
        "model_cards/helix.yaml": """
            id: helix
            name: HelixNet
            modality: genetics
            how_to_infer:
              huggingface: load the pretrained checkpoint and pass pretraining windows
            storage_location:
              local: /models/helix
            datasets: [grch38_text]
        """,
        "datasets/grch38.yaml": """
            id: grch38_text
            name: GRCh38 pretraining corpus
            modality: genetics
            storage_location:
              bucket: gs://genome_barnyard
            counts:
              base_pairs: 3_200_000_000
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "HelixNet lists a GRCh38 pretraining corpus among its datasets — where is that corpus "
        "stored and how many base pairs does it cover?"
    )
    assert "gs://genome_barnyard" in a["answer"] and "3200000000" in a["answer"]
    assert "/models/helix" not in a["answer"]  # the model's own storage is not asked


def test_how_each_tokenizes_asks_for_the_tokenizer(tmp_path):
    card = """
        id: {id}
        name: {name}
        modality: genetics
        arch:
          parameters: {params}
        tokenizer:
          type: {tok}
        license:
          code: {lic}
        tags: [{tag}]
    """
    files = {
        "model_cards/a.yaml": card.format(
            id="rcnet",
            name="RCNet",
            params="7.7M",
            tok="character-level (single nucleotide)",
            lic="Apache-2.0",
            tag="long-context",
        ),
        "model_cards/b.yaml": card.format(
            id="bpenet", name="BPENet", params="117M", tok="BPE", lic="MIT", tag="bpe"
        ),
        "model_cards/c.yaml": card.format(
            id="hyena_like",
            name="HyenaLike",
            params="6.6M",
            tok="character-level (single nucleotide)",
            lic="MIT",
            tag="single-nucleotide",
        ),
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("RCNet vs BPENet: how does each tokenize DNA, and what licences are they under?")
    for value in ("character-level", "BPE", "Apache-2.0", "MIT"):
        assert value in a["answer"]
    # The value may stand under the property asked as well as in a tag.
    b = kb2.ask("Which DNA models tokenize at single-nucleotide resolution?")
    assert "RCNet" in b["answer"] and "HyenaLike" in b["answer"] and "BPENet" not in b["answer"]


def test_a_number_word_before_a_kind_counts_it_and_describes_nothing(kb):
    a = kb.ask("Which two genetics models have a context length above 50000?")
    assert "StrandNet" in a["answer"] and "KmerGen" in a["answer"]


def test_people_asked_by_another_word_are_the_participants_counted(tmp_path):
    files = {
        "datasets/teen.yaml": """
            id: teen_study
            name: Teen brain study
            description: Longitudinal study that enrolled children aged 9 to 10 at 21 sites.
            counts:
              baseline_participants: about 11,880
              sites: 21
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("Roughly how many kids were enrolled at baseline in the Teen brain study?")
    assert "11,880" in a["answer"]


def test_a_list_asked_after_a_sentence_of_context_is_still_a_list(tmp_path):
    card = "id: {id}\nname: {name}\nmodality: fmri\naccess: {access}\n"
    names = ["Lake", "River", "Hill", "Forest", "Coast"]
    files = {
        f"datasets/{n.lower()}.yaml": card.format(
            id=n.lower(), name=f"{n} Cohort", access="restricted" if n == "Coast" else "controlled"
        )
        for n in names
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask(
        "I'm planning data applications. Which of the brain-imaging cohorts in the KB are "
        "under controlled (rather than restricted) access?"
    )
    assert a["intent"] == "filter"
    assert all(f"{n} Cohort" in a["answer"] for n in names[:4])
    assert "Coast Cohort" not in a["answer"]
    a = kb2.ask(
        "Among the brain imaging cohorts in the KB, which are controlled rather than restricted?"
    )
    assert a["intent"] == "filter"
    assert all(f"{n} Cohort" in a["answer"] for n in names[:4])


def test_a_count_asked_of_a_card_without_that_field_is_read_in_its_counts(tmp_path):
    files = {
        "datasets/a.yaml": """
            id: bench_a
            name: Bench A
            modality: dna
            counts:
              records: 510_000
              tasks: 18
        """,
        "datasets/b.yaml": """
            id: bench_b
            name: Bench B
            modality: dna
            counts:
              records: "28 datasets (~3M sequences)"
        """,
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("How many tasks are in Bench A versus Bench B?")
    assert a["intent"] == "compare"
    assert "18" in a["answer"] and "28 datasets" in a["answer"]


def test_a_comparison_asking_no_side_still_says_large_numbers_in_words(tmp_path):
    card = "id: {id}\nname: {name}\nmodality: dna\ncounts:\n  base_pairs: {n}\n"
    files = {
        "datasets/a.yaml": card.format(id="ref_a", name="Reference A", n="3_200_000_000"),
        "datasets/b.yaml": card.format(id="atlas_b", name="Atlas B", n="8_800_000_000_000"),
    }
    kb2 = build(tmp_path, files=files)
    a = kb2.ask("Compare the total base-pair size of Reference A with that of Atlas B.")
    assert "Reference A: 3.2 billion, Atlas B: 8.8 trillion" in a["answer"]

"""Entity and attribute linking: names, aliases, typos, synonyms, values, numbers, kinds."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from retrieval.linking import Linker
from retrieval.quantities import quantities


@dataclass(frozen=True)
class Row:
    id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()


ROWS = [
    Row("caduceus", "model", "Caduceus"),
    Row("brainjepa", "model", "Brain-JEPA", ("BrainJEPA",)),
    Row("dnabert2", "model", "DNABERT-2", ("DNABERT2",)),
    Row("evo2", "model", "Evo 2", ("Evo2",)),
    Row("swift", "model", "SwiFT"),
    Row("swift_2023", "paper", "SwiFT: Swin 4D fMRI Transformer", ("SwiFT",)),
    Row("ukb_smri_freesurfer", "dataset", "UK Biobank sMRI FreeSurfer-derived ROIs"),
    Row("ukb_covariates", "dataset", "UK Biobank Covariates"),
    Row("genetics_embeddings", "dataset", "Precomputed Genetics Embeddings",
        ("genetics embeddings",)),
    Row("harmonization_methods", "integration", "Harmonization methods"),
    Row("refseq_generator", "dataset", "RefSeq GENERator corpus"),
    Row("generator", "model", "GENERator"),
    Row("docs/guide", "doc", "Caduceus"),
    Row("kb/paper_cards/README", "doc", "Paper Cards"),
    Row("delong_1988", "paper", "Comparing the areas under correlated ROC curves"),
]  # fmt: skip
VALUES = {
    "license": ["MIT", "Apache-2.0"],
    "tag": ["flash-attn", "long-context", "fMRI"],
    "venue": ["NeurIPS 2023", "NeurIPS"],
    "access": ["public", "restricted"],
}
KNOWN = {"what", "context", "length", "of", "the", "model", "parameters", "reference", "window"}


@pytest.fixture(scope="module")
def linker():
    def known(word: str, exact: bool = False) -> bool:
        return word.lower() in KNOWN or any(word.lower() in r.name.lower() for r in ROWS)

    return Linker(ROWS, VALUES, known)


def ids(linked):
    return [e.id for e in linked.entities]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("What context length does Caduceus support?", ["caduceus"]),
        ("Which parcellation does Brain JEPA use?", ["brainjepa"]),  # spacing differs
        ("What is the context window of DNABERT2?", ["dnabert2"]),  # alias
        ("What architecture is Evo 2 built on?", ["evo2"]),  # name split over two words
        ("How many ROIs are in the UK Biobank FreeSurfer sMRI table?", ["ukb_smri_freesurfer"]),
        ("Which harmonisation methods exist?", ["harmonization_methods"]),  # British spelling
        ("Which model is trained on the RefSeq corpus?", ["refseq_generator"]),  # one rare word
    ],
)
def test_entities_are_found_by_name_alias_and_part(linker, question, expected):
    assert ids(linker.link(question)) == expected


def test_a_typo_of_a_word_the_kb_never_uses_still_finds_the_entity(linker):
    linked = linker.link("What is the context length of Caduseus?")
    assert ids(linked) == ["caduceus"]
    assert linked.entities[0].score < 1.0  # a fuzzy match is less certain than a name


def test_a_kind_word_after_a_name_prefers_the_entity_of_that_kind(linker):
    assert ids(linker.link("In which year was the SwiFT paper published?")) == ["swift_2023"]
    assert ids(linker.link("What architecture does SwiFT use?")) == ["swift"]


def test_cards_win_over_docs_of_the_same_name(linker):
    assert ids(linker.link("What is the context length of Caduceus?")) == ["caduceus"]


def test_common_words_before_another_kind_describe_that_kind(linker):
    # "genetics embedding strategy" is a kind of strategy, not the embeddings dataset.
    linked = linker.link("Which genetics embedding strategy does the experiment use?")
    assert "genetics_embeddings" not in ids(linked)
    assert "strategy" in linked.kind_names()
    assert "genetics" in linked.modalities


def test_property_synonyms_and_question_forms(linker):
    assert linker.link("What is the context window of Evo 2?").property_names() == [
        "context_length"
    ]
    assert linker.link("Under which licence is SwiFT released?").property_names() == ["license"]
    assert "venue" in linker.link("Where was the SwiFT paper published?").property_names()


def test_values_modalities_and_kinds(linker):
    linked = linker.link("Which fMRI models are tagged flash-attn?")
    assert linked.modalities == ["fmri"]
    assert linked.kind_names() == ["model"]
    assert [(v.key, v.properties) for v in linked.values] == [("flashattn", ("tag",))]
    brain = linker.link("Which brain models are there?")
    assert {"fmri", "smri", "eeg"} <= set(brain.modalities)  # a broader word means all


def test_numbers_with_comparisons_and_units():
    (q,) = quantities("Which models have a context length above 10 million?")
    assert (q.value, q.op) == (10_000_000, ">")
    (q,) = quantities("models with context ≥ 1M tokens")
    assert (q.value, q.op) == (1_000_000, ">=")
    (q,) = quantities("Which DNA corpora contain more than 100 billion base pairs?")
    assert (q.value, q.op) == (1e11, ">")
    assert quantities("Which cards were updated on 2025-11-18?") == []  # a date, not a size
    assert quantities("papers from 2023") == []  # a year is a value
    assert quantities("Yoon et al. (BIOKDD'25) used DNA models") == []  # '25 is a year
    assert quantities("stacks with a Schaefer-400 parcellation") == []  # part of a name
    (q,) = quantities("windows of 2-3 s")  # a digit before the hyphen: still a number
    assert q.value == 3


def test_names_the_kb_lacks_are_reported(linker):
    linked = linker.link("How many parameters does Geneformer have?")
    assert linked.entities == []
    assert linked.unknown == ["Geneformer"]


def test_the_asked_span(linker):
    def asked(q):
        return linker.link(q).asked_words()

    assert asked("What hardware does the 40B Evo 2 checkpoint need?") == ["hardware"]
    assert asked("How many ROIs are in the table?") == ["roi"]
    assert asked("What is the maximum number of samples it handles?") == ["maximum", "sample"]
    # A verb or a preposition after the asked words ends them.
    assert asked("How many whole-slide images went into training X?") == ["whole", "slide", "image"]
    assert asked("Which tokens came from the pooled runs?") == ["token"]
    assert asked("What SNP-based heritability did it report?") == ["snp", "based", "heritability"]
    assert asked("What kind of GPU do I need to run Evo 2?") == ["gpu"]
    # "arises when …" begins a clause: the limitation is what is asked.
    assert asked("What practical limitation arises when applying X?") == ["practical", "limitation"]
    # "bases" are base pairs; the "base" of "the knowledge base" is filler.
    assert asked("How many species went into X, and roughly how many bases?") == ["specy", "base"]
    assert "base" not in linker.link("Does the knowledge base list Caduceus?").words


def test_calendar_words_and_bare_numbers_are_no_names(linker):
    linked = linker.link("What does the November 2025 plan say about Caduceus?")
    assert linked.unknown == []  # "November" is a date, not a thing the KB lacks
    assert "2025" not in linked.names and "November" not in linked.names


def test_computing_words_in_capitals_are_no_names(linker):
    linked = linker.link("Training Caduceus eats all my GPU memory. Can Enformer run on a CPU?")
    assert "GPU" not in linked.names and "CPU" not in linked.names
    assert "Enformer" in linked.names  # a model's name stays one an answer must hold


def test_what_is_it_asks_for_the_thing_the_sentence_before_introduced(linker):
    linked = linker.link("Caduceus has a strict minimum context requirement. What is it?")
    assert [linked.tokens[i].low for i in linked.asked] == [
        "strict",
        "minimum",
        "context",
        "requirement",
    ]
    plain = linker.link("What is it?")
    assert [plain.tokens[i].low for i in plain.asked] == ["it"]  # nothing introduced before


def test_a_weak_cue_that_modifies_the_next_word_names_that_word(linker):
    assert linker.link("Which window length does SwiFT use?").property_names() == []
    assert linker.link("What window does Caduceus read?").property_names() == ["context_length"]


def test_a_repeated_word_counts_where_it_sits_nearest_the_name(linker):
    linked = linker.link(
        "Which atlas does the UK Biobank sMRI FreeSurfer ROI table use, and how many ROIs?"
    )
    assert ids(linked) == ["ukb_smri_freesurfer"]


def test_a_capitalised_run_read_as_a_modality_word_is_a_name_to_find(linker):
    # "Nucleotide" is a genetics word, yet "Nucleotide Mixer" names something: a passage
    # must hold the whole name to answer.
    linked = linker.link("How many parameters does the largest Nucleotide Mixer have?")
    assert linked.name_phrases() == ["Nucleotide Mixer"]


def test_a_kind_named_as_cards_is_the_kind_not_the_folders_readme(linker):
    linked = linker.link("Which of the papers with KB paper cards were published at NeurIPS 2023?")
    assert "kb/paper_cards/README" not in ids(linked)


def test_a_kind_word_used_as_a_verb_names_no_kind(linker):
    kinds = [k for k, _ in linker.link("The scan experiment benchmarks a model against LR").kinds]
    assert kinds == ["experiment", "model"]
    assert "dataset" in [k for k, _ in linker.link("Which benchmarks does it use?").kinds]


def test_a_study_is_a_paper_unless_a_name_or_a_count_or_what_it_points_back_at_says_not(linker):
    def kinds(q: str) -> list[str]:
        return [k for k, _ in linker.link(q).kinds]

    assert kinds("Which gene did the prior MDD study find most predictive?") == ["paper"]
    assert kinds("How many ROIs are in the UK Biobank Covariates study?") == []  # its own word
    assert kinds("How many images, studies and patients does it hold?") == []  # counted
    assert kinds("How many sites does the Harbor Valley Study recruit from?") == []  # a name
    q = "Which cohort enrolled children? How many sites does that study recruit from?"
    assert kinds(q) == ["dataset", "dataset"]


def test_a_capitalised_word_opening_a_later_sentence_is_no_name(linker):
    linked = linker.link("We chose late fusion first. Under what condition do we switch?")
    assert "delong_1988" not in ids(linked)  # "Under" only opens the sentence


def test_trainable_weights_are_the_parameter_count(linker):
    linked = linker.link("Roughly how many trainable weights does Caduceus have?")
    assert [p.property for p in linked.properties] == ["parameters"]


def test_a_size_or_a_hyphenated_metric_asked_for_is_a_number():
    from retrieval.lexicon import asks_number

    assert asks_number("What vocabulary size does the tokenizer use?")
    assert asks_number("What test-set AUC did they report?")
    assert not asks_number("What tokenizer does the model use?")


def test_tokens_of_input_are_the_context_length(linker):
    linked = linker.link("How many tokens of input can Caduceus take in at once?")
    assert linked.property_names() == ["context_length"]

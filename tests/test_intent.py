"""Intent and query plans: what kind of answer a question's form and links call for."""

from __future__ import annotations

import pytest
from assistant_kb import build

from retrieval.evaluate import NOT_IN_KB
from retrieval.intent import plan
from retrieval.kb_view import KBView


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    kb = build(tmp_path_factory.mktemp("intent"), embed=False)
    gen = kb.stores.current_generation()
    return KBView(kb.stores.sql, kb.stores.retrieval_index(), kb.settings.kb, gen)


def planned(view, question):
    return plan(view.linker.link(question), view)


@pytest.mark.parametrize(
    "question, intent",
    [
        ("What is the context length of Helix-7?", "lookup"),
        ("How many subjects does the Brain Scan Tensors dataset contain?", "lookup"),
        ("Which models have MIT-licensed code?", "filter"),
        ("Which fMRI models are there?", "filter"),
        ("Which datasets does CortexLM use?", "relation"),
        ("Which paper describes CortexLM?", "relation"),
        ("Which datasets do the long-context genetics models use?", "multi_hop"),
        ("Compare the context lengths of Helix-7 and TinyDNA", "compare"),
        ("Which has the longer context window, Helix-7 or TinyDNA?", "compare"),
        ("Why are gene embeddings averaged over both strands?", "text"),
        ("How should the projection be fitted?", "text"),
    ],
)
def test_intent_follows_the_question_form(view, question, intent):
    assert planned(view, question).intent == intent


def test_a_filter_attaches_conditions_to_the_kind_they_qualify(view):
    p = planned(view, "Which datasets do the long-context genetics models use?")
    assert (p.target, p.source_kind) == ("dataset", "model")
    model = p.constraints["model"]
    assert model.modalities == ["genetics"]
    assert [v.key for v in model.values] == ["longcontext"]
    assert "dataset" not in p.constraints


def test_numbers_attach_to_the_kind_they_follow(view):
    p = planned(view, "Which fMRI models use the dataset with 45,000 subjects?")
    assert p.target == "model" and p.source_kind == "dataset"
    assert p.constraints["model"].modalities == ["fmri"]
    assert p.constraints["dataset"].quantities[0].value == 45000


def test_the_asked_property_wins_over_context_words(view):
    # "tokenizer" only says which part of the model; what is asked is the vocabulary size.
    assert planned(view, "What vocabulary size does the CortexLM tokenizer use?").properties == []
    assert planned(view, "Which tokenizer does TinyDNA use?").properties == ["tokenizer"]


def test_a_registry_named_with_a_kind_word_stands_for_its_members(view):
    p = planned(view, "Which harmonization method comes from Fortin et al. 2018?")
    assert p.scope == ["harmonization_methods"]
    assert p.target == "method"
    assert p.intent == "filter"


def test_registered_does_not_narrow_the_members_of_a_registry(view):
    # Every member of a registry is registered: the word is no condition on them.
    p = planned(view, "Which registered harmonization methods are statistical?")
    assert p.scope == ["harmonization_methods"]
    assert all("registered" not in c.words for c in p.constraints.values())


def test_a_pronoun_asks_for_the_property_named_before_it(view):
    p = planned(view, "The Helix-7 context length is stated twice. What is it?")
    assert p.properties == ["context_length"]


def test_a_doc_named_as_the_place_to_read_is_not_the_thing_asked(view):
    p = planned(view, "What is the context length of Helix-7 according to its model doc?")
    assert p.intent == "lookup" and p.target is None


REGISTRY = {
    "kb/model_cards/otter.yaml": """
        id: otter
        name: Otter
        type: genetics_fm
        modality: dna
        arch:
          parameters: 14B
        tags: [single-nucleotide]
        status: adopted
        """,
    "kb/model_cards/heron.yaml": """
        id: heron
        name: Heron
        type: genetics_fm
        modality: dna
        arch:
          parameter_variants: [3B, 80B]
        tokenizer:
          type: character-level (single nucleotide)
        status: planned
        """,
    "kb/integration_cards/embedding_strategies.yaml": """
        id: embedding_strategies
        name: Subject-level embedding strategies
        summary: Registry of named embedding recipes.
        strategies:
          otter_cls_v1:
            name: Otter CLS embeddings
            model: otter
            pooling: CLS token of the encoder
            hierarchy:
              window:
                frames: 48
                stride: 24
            projector:
              type: PCA
              dim: 96
          heron_mean_v1:
            name: Heron mean embeddings
            modality: genetics
            model: heron
            pooling: mean over output tokens
            hierarchy:
              segment:
                frames: 20
                stride: 10
            projector:
              type: PCA
              dim: 64
            rc_handling: forward + reverse-complement average
        """,
    "kb/configs/experiments/fusion_run.yaml": """
        experiment_name: "Fusion run: gene embeddings x cortical thickness"
        objective: Fuse Heron embeddings with cortical thickness.
        status: template
        embedding_strategies:
          genetics: "heron_mean_v1"
        """,
}


@pytest.fixture(scope="module")
def reg_kb(tmp_path_factory):
    import textwrap

    from kg.knowledge_base import KnowledgeBase
    from kg.settings import RetrievalSettings, Settings

    root = tmp_path_factory.mktemp("registry")
    for rel, text in REGISTRY.items():
        p = root / "kb" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    kb = KnowledgeBase(
        Settings(kb=root / "kb", home=root / "home", retrieval=RetrievalSettings(embedder="hash"))
    )
    kb.ingest()
    return kb


def test_a_comparison_reads_each_entity_on_its_own_field(reg_kb):
    # One card states "parameter_variants", the other "parameters": both are compared.
    a = reg_kb.ask("Which is bigger, Otter or Heron, comparing their largest variants?")
    assert "80B" in a["answer"] and "14B" in a["answer"]


def test_a_field_named_by_its_value_brings_its_siblings(reg_kb):
    # "PCA width": `projector.type: PCA` names it, `projector.dim` answers it.
    a = reg_kb.ask(
        "How do the registered Otter and Heron embedding strategies differ in pooling, "
        "and what PCA width do they use?"
    )
    assert "CLS token" in a["answer"] and "96" in a["answer"] and "64" in a["answer"]


def test_sentences_before_the_question_lead_the_hop_and_are_not_looked_up(reg_kb):
    # The first sentence names the chain; its words ("config", "names") are in no field of
    # the strategy reached and must not lower the answer's confidence.
    a = reg_kb.ask(
        "Our fusion run config for the pilot study across three scanner sites names a genetics "
        "embedding strategy. "
        "What output dimension "
        "and reverse-complement handling does that strategy specify?"
    )
    assert NOT_IN_KB not in a["answer"] and a["confidence"] >= 0.45
    assert "64" in a["answer"] and "reverse-complement average" in a["answer"]


def test_a_group_the_question_names_brings_the_fields_beside_the_one_chosen(reg_kb):
    # "window length and stride": `window.stride` is chosen, `window.frames` is its length.
    a = reg_kb.ask(
        "How do the Otter and Heron embedding strategies differ in window length and stride?"
    )
    assert all(n in a["answer"] for n in ("24", "10", "48")), a["answer"]


def test_a_second_question_adds_the_property_it_asks_for(view):
    # "…, and who is its first author?" asks a second property beside the first.
    p = planned(view, "In which year was the Helix-7 paper published, and who is its first author?")
    assert {"year", "author"} <= set(p.properties), p.properties


def test_a_verb_before_an_article_does_not_qualify_the_kind_after_it(view):
    # "… introduced a dataset": "introduced" is the chain, not a word the dataset must hold;
    # "dataset's" leaves a lone "s" that qualifies nothing either.
    p = planned(
        view,
        "The cortex_2024 paper introduced a dataset. How many subjects does that dataset's "
        "card list?",
    )
    assert p.target == "dataset" and not p.constraints.get("dataset"), p.constraints


def test_a_value_condition_is_met_by_the_field_the_question_names(reg_kb):
    # One card tags "single-nucleotide"; the other writes it in `tokenizer.type`.
    a = reg_kb.ask("Which DNA models tokenize at single-nucleotide resolution?")
    assert "Otter" in a["answer"] and "Heron" in a["answer"], a["answer"]


def test_a_status_is_a_value_to_filter_by(reg_kb):
    a = reg_kb.ask("Which models have the status 'adopted'?")
    assert a["intent"] == "filter" and "Otter" in a["answer"] and "Heron" not in a["answer"]


def test_a_verb_of_data_after_a_value_asked_is_no_hop_to_the_data(view):
    p = planned(view, "How big is Helix-7, and what sequence length was it pretrained on?")
    assert p.target is None and "context_length" in p.properties
    p = planned(view, "What was Helix-7 pretrained on?")
    assert p.target == "dataset"  # the data itself asked

"""Intent and query plans: what kind of answer a question's form and links call for."""

from __future__ import annotations

import pytest
from assistant_kb import build

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


def test_a_doc_named_as_the_place_to_read_is_not_the_thing_asked(view):
    p = planned(view, "What is the context length of Helix-7 according to its model doc?")
    assert p.intent == "lookup" and p.target is None

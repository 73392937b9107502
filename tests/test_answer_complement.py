"""A graph answer whose fields leave part of the question open is followed by the passage
sentence that holds it; one that answers every word asked stands alone (small real KB,
hash embedder)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from assistant_kb import build

from retrieval import text_answers
from retrieval.answer import complement

FILES = {
    "model_cards/medlm.yaml": """
        id: medlm
        name: MedLM
        modality: text
        arch:
          parameters: 13B
        tokenizer:
          type: SentencePiece
    """,
    "paper_cards/medlm_2024.yaml": """
        id: medlm_2024
        title: "MedLM: continual pretraining on clinical text"
        year: 2024
        describes: [medlm]
        summary: >-
          The authors continually pretrain a general model on a corpus of 90 billion
          medical tokens drawn from clinical notes and biomedical papers.
    """,
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("complement"), files=FILES)


def test_the_passage_holding_what_the_fields_leave_out_follows_the_graph_answer(kb):
    a = kb.ask("How big was the corpus MedLM was continually pretrained on, in tokens?")
    assert "90 billion" in a["answer"]
    assert {c["source"] for c in a["citations"]} >= {"paper_cards/medlm_2024.yaml"}


def test_an_answer_that_holds_every_word_asked_gets_no_passage(kb):
    a = kb.ask("How many parameters does MedLM have?")
    assert "13B" in a["answer"]
    assert "90 billion" not in a["answer"]
    assert [c["source"] for c in a["citations"]] == ["model_cards/medlm.yaml"]


def test_a_sentence_is_added_only_for_the_question_words_it_adds(kb):
    view = kb._assistant().view
    q = "How big was the corpus MedLM was continually pretrained on, in tokens?"
    linked = view.linker.link(q)
    sents = text_answers.extract(q, linked, view, 8, mode="keyword")
    assert sents and "90 billion" in sents[0].text
    found = lambda: sents  # noqa: E731
    assert complement("MedLM — tokenizer: SentencePiece.", found, linked, view) == sents[:1]
    # The same words already in the answer: nothing to add.
    assert complement(sents[0].text, found, linked, view) == []
    # An answer holding every word asked: no search at all.
    whole = "corpus continually pretrained tokens big"
    assert complement(f"MedLM {whole}", lambda: pytest.fail("searched"), linked, view) == []


def test_the_first_sentence_found_that_adds_enough_is_taken(kb):
    # The search ranks a sentence adding nothing first (it may come from any doc): the next
    # one that holds the open words is taken; one already in the answer is passed over.
    view = kb._assistant().view
    q = "How big was the corpus MedLM was continually pretrained on, in tokens?"
    linked = view.linker.link(q)
    sents = text_answers.extract(q, linked, view, 8, mode="keyword")
    holding = sents[0]
    idle = replace(holding, text="MedLM is a text model.")  # adds none of the open words
    answer = "MedLM — tokenizer: SentencePiece."
    assert complement(answer, lambda: [idle, holding], linked, view) == [holding]
    assert complement(holding.text, lambda: [holding], linked, view) == []

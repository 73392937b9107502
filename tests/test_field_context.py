"""A card's note field is read with the sibling naming what it is a note on: "tokenizer.notes:
pad to multiples of 6 …" answers "why multiples of 6?" beside "tokenizer.type: 6-mer BPE",
citing both lines; and "why can't X …?" reads X's own card field of limits, however low it
ranks; "X. How does Y cope?" is explained as a question opening "How …" is, a term in
capitals with its definition; and a list item is given once, the list standing for items given before it (small
real KB, hash embedder)."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as BASE_FILES
from assistant_kb import build

from retrieval import text_answers

FILES = {
    **BASE_FILES,
    "kb/model_cards/hexa.yaml": """
        id: hexa
        name: HexaGen
        modality: genetics
        summary: Generative DNA decoder over long genomic windows.
        tokenizer:
          type: 6-mer BPE
          notes: Pad or trim sequences to multiples of 6 to avoid out-of-vocabulary tokens.
        arch:
          type: decoder
        limitations:
          - Benchmarks cover at most 10k samples; a full cohort of 40k needs chunking.
          - Decoder only; no bidirectional context.
    """,
    "kb/model_cards/tempo.yaml": """
        id: tempo
        name: Tempo
        modality: fmri
        summary: fMRI encoder for multi-site cohorts.
        notes: Tempo's TR-adaptive TAPE suits cohorts scanned with differing repetition times.
        arch:
          special_features:
            - "TAPE: Temporal Adaptive Patch Embedding resizes windows to a fixed tau seconds"
    """,
    # Run logs sharing the question's words, which outrank the card's own limitations.
    **{
        f"docs/runs/hexa_{i}.md": f"# Run {i}\n\n[HexaGen](../../kb/model_cards/hexa.yaml) "
        f"processed cohort batch {i}.\n"
        for i in range(40)
    },
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("field_context"), files=FILES)


def test_a_note_is_read_with_what_it_is_a_note_on(kb):
    a = kb.ask("Why must HexaGen inputs be padded or trimmed to a multiple of 6?")
    assert "out-of-vocabulary" in a["answer"]
    assert "tokenizer.type: 6-mer BPE" in a["answer"]
    lines = [c["lines"] for c in a["citations"] if c["source"] == "kb/model_cards/hexa.yaml"]
    assert [6, 7] in [list(x) for x in lines]


def test_why_not_reads_the_asked_entitys_own_limitations(kb):
    question = "Why can't HexaGen be run on a whole cohort in one pass?"
    view = kb._assistant().view
    boost = text_answers.boost_ids(view.linker.link(question), view)
    found = view.index.search(question, k=30, entity_ids=boost)
    assert "HexaGen — limitations" not in [h.chunk.heading for h in found]
    a = kb.ask(question)
    assert "40k needs chunking" in a["answer"]


def test_a_field_that_is_no_note_stays_as_it_is(kb):
    a = kb.ask("What is the summary of HexaGen?")
    assert "Generative DNA decoder" in a["answer"]
    assert "(arch.type" not in a["answer"] and "(tokenizer.type" not in a["answer"]


def test_a_list_item_already_given_in_its_list_is_not_given_again(kb):
    a = kb.ask("What pitfalls does the embedding guide list?")
    assert a["answer"].count("Never fit the projection on all data") == 1


def test_an_item_after_its_list_is_not_given_again():
    def unit(text, score):
        return text_answers.Sentence(text, "docs/guide.md", (1, 1), None, score, 0.5)

    scored = [
        unit("Pitfalls: Never fit on all data; Keep the folds fixed", 1.0),
        unit("Never fit on all data.", 0.9),
        unit("Keep seeds fixed across runs.", 0.8),
    ]
    chosen = text_answers._choose(scored, lambda words: 0.0, parts=False)
    assert [s.text for s in chosen] == [scored[0].text, scored[2].text]


def test_a_how_question_after_a_context_sentence_is_explained_with_its_terms(kb):
    a = kb.ask(
        "Our cohorts were scanned with differing repetition times. How does Tempo cope with that?"
    )
    assert "TR-adaptive TAPE" in a["answer"]
    assert "fixed tau seconds" in a["answer"]

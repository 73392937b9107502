"""A "how" or "why" answer that names a term in capitals is followed by the sentence of the
same file that defines it ("TAPE: Temporal Adaptive Patch Embedding …")."""

from __future__ import annotations

from retrieval.definitions import with_definition
from retrieval.text_answers import MAX_SENTENCES, Sentence


def _def(out, scored):
    return with_definition(out, scored, MAX_SENTENCES)


CARD = "kb/model_cards/harmonia.yaml"


def _s(text: str, source: str = CARD, score: float = 0.5) -> Sentence:
    return Sentence(text, source, (1, 1), "harmonia", score, 0.5)


USES = _s("Harmonia's TR-adaptive TAPE suits multi-site cohorts where TR differs.", score=0.9)
CAVEAT = _s("Validate that hub tokens stay stable across age ranges.", score=0.6)
DEFINES = _s(
    "Harmonia — arch.special features: TAPE: Temporal Adaptive Patch Embedding resizes "
    "time windows to a fixed τ seconds regardless of TR",
    score=0.4,
)


def test_the_definition_follows_the_sentence_naming_the_term():
    out = _def([USES, CAVEAT], [USES, CAVEAT, DEFINES])
    assert out == [USES, DEFINES, CAVEAT]


def test_a_definition_in_another_file_is_not_taken():
    elsewhere = _s(DEFINES.text, source="kb/model_cards/other.yaml")
    assert _def([USES], [USES, elsewhere]) == [USES]


def test_a_bracket_after_a_term_is_no_definition():
    bracket = _s("Same folds as TAPE (seed=42, critical for fair comparison).")
    assert _def([USES], [USES, bracket]) == [USES]


def test_a_term_the_answer_defines_already_gets_nothing_more():
    again = _s("Harmonia — notes: TAPE: resize the temporal axis to constant τ seconds")
    assert _def([USES, DEFINES], [USES, DEFINES, again]) == [USES, DEFINES]

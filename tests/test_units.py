"""How a passage is cut into answer units: a sentence opening "This …" stays with the one
before it, which says what "this" is."""

from __future__ import annotations

from retrieval.chunks import Chunk
from retrieval.units import units


def _section(body: str) -> Chunk:
    text = f"Helix > Strand symmetry\n{body}"
    return Chunk(
        "c1", text, "docs/helix.md", 3, 5, ("helix",), "section", "Helix > Strand symmetry"
    )


def test_a_this_sentence_is_read_with_the_sentence_before_it():
    cut = units(
        _section(
            "Helix ties the weights of both strands, so embeddings ignore strand orientation. "
            "This addresses a biological constraint: DNA has no inherent direction. "
            "Training takes two days on one GPU."
        )
    )
    texts = [t for t, _ in cut]
    assert texts == [
        "Helix ties the weights of both strands, so embeddings ignore strand orientation. "
        "This addresses a biological constraint: DNA has no inherent direction.",
        "Training takes two days on one GPU.",
    ]
    assert {local for _, local in cut} == {"Strand symmetry"}


def test_other_sentences_stay_apart():
    cut = units(_section("Thiswise is no word. Those layers share weights across the strands."))
    assert [t for t, _ in cut] == [
        "Thiswise is no word.",
        "Those layers share weights across the strands.",
    ]


def test_a_cards_markdown_list_read_as_one_line_is_one_unit_per_item():
    text = (
        "LOGO — notes: - LOGO is the gold standard for gene importance. - Nested CV prevents "
        "overfitting bias in ΔAUC. - Expected to replicate the SOD2 signal."
    )
    chunk = Chunk("c2", text, "configs/logo.yaml", 10, 13, ("logo",), "prose", "LOGO — notes")
    texts = [t for t, _ in units(chunk)]
    assert "Nested CV prevents overfitting bias in ΔAUC." in texts
    assert "Expected to replicate the SOD2 signal." in texts

"""Disagreeing facts: across sources, within one card, and inherited from papers."""

from __future__ import annotations

import pytest
from parse_helpers import CORPUS, link_kb, write

from ingest.conflicts import find_conflicts

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="reference corpus not available")


def conflicts_of(linked):
    return {(c.entity, c.property): c for c in find_conflicts(list(linked.values()))}


def where(conflict):
    return sorted((a.prov.source, a.prov.line_start, a.value) for a in conflict.values)


def test_corpus_conflicts():
    found = conflicts_of(link_kb(CORPUS))
    assert set(found) == {("evo2", "context_length"), ("titan", "context_length")}
    # TITAN's card says 16_384 patches under arch and 1200 at the top level.
    assert where(found[("titan", "context_length")]) == [
        ("kb/model_cards/titan.yaml", 15, 16384),
        ("kb/model_cards/titan.yaml", 55, 1200),
    ]
    # Evo 2's doc says 1,048,576 tokens; the card says 1000000 (the "1M" docs agree with both).
    evo = where(found[("evo2", "context_length")])
    assert ("docs/models/genetics/evo2.md", 27, 1048576) in evo
    assert ("kb/model_cards/evo2.yaml", 22, 1000000) in evo


def test_agreeing_and_approximate_values_are_not_conflicts(tmp_path):
    write(
        tmp_path,
        {
            "kb/model_cards/a.yaml": """
            id: a
            context_length: 131072
            arch:
              context_length: 131,072
              parameters: [1B, 7B, 40B]
            license:
              code: MIT
        """,
            "docs/a.md": """
            <!-- model-id: a -->
            # A
            - **Context length:** 131k tokens
            - **Parameters:** 7B
            - **License:** mit
        """,
        },
    )
    assert conflicts_of(link_kb(tmp_path)) == {}


def test_within_card_and_cross_source_disagreements(tmp_path):
    write(
        tmp_path,
        {
            "kb/model_cards/m.yaml": "id: m\ncontext_length: 2048\narch:\n  context_length: 4096\nlicense:\n  code: MIT\n",
            "kb/model_cards/README.md": "| Model | License |\n|---|---|\n| m | Apache-2.0 |\n",
        },
    )
    found = conflicts_of(link_kb(tmp_path))
    assert where(found[("m", "context_length")]) == [
        ("kb/model_cards/m.yaml", 2, 2048),
        ("kb/model_cards/m.yaml", 4, 4096),
    ]
    assert where(found[("m", "license")]) == [
        ("kb/model_cards/README.md", 3, "Apache-2.0"),
        ("kb/model_cards/m.yaml", 6, "MIT"),
    ]


def test_models_inherit_paper_years(tmp_path):
    write(
        tmp_path,
        {
            "kb/model_cards/x.yaml": "id: x\nname: X\n",
            "kb/paper_cards/x_2023.yaml": "title: X paper\nyear: 2023\nvenue: NeurIPS 2023\n",
            "kb/paper_cards/x_v2_2024.yaml": "title: X v2\nyear: 2024\nrelated_to:\n  - kb/model_cards/x.yaml\n",
        },
    )
    found = conflicts_of(link_kb(tmp_path))
    assert list(found) == [("x", "year")]
    assert where(found[("x", "year")]) == [
        ("kb/paper_cards/x_2023.yaml", 2, 2023),
        ("kb/paper_cards/x_2023.yaml", 3, 2023),  # the year inside "NeurIPS 2023"
        ("kb/paper_cards/x_v2_2024.yaml", 2, 2024),
    ]

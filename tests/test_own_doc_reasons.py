"""A "why" question about a named thing reads every section of the doc titled with its name,
however low the section ranks ("RC handling" under "Integration strategy" in the Strider
doc), counts a reason written as an arrow ("not RC-equivariant → average …"), reads "RC"
where the question writes "reverse complement", and takes "what makes X …?" as asking why
(small real KB, hash embedder)."""

from __future__ import annotations

import pytest
from assistant_kb import FILES as BASE_FILES
from assistant_kb import build

from retrieval import beside, text_answers

# Notes sharing the question's words that outrank the doc's own section.
NOTES = {
    f"docs/notes/run_{i}.md": f"# Run {i}\n\n[Strider](../../kb/model_cards/strider.yaml) "
    f"embeddings of batch {i} ran forward on both reverse-complement strands, averaged.\n"
    for i in range(40)
}
FILES = {
    **BASE_FILES,
    **NOTES,
    "kb/model_cards/strider.yaml": """
        id: strider
        name: Strider
        modality: genetics
        summary: Causal DNA language model over one-megabase windows.
    """,
    "docs/models/strider.md": """
        # Strider

        Card: [strider.yaml](../../kb/model_cards/strider.yaml)

        ## Overview

        A causal DNA model over long windows.

        ## Integration strategy

        - Tokenize per base.
        - RC handling: Strider is not RC-equivariant → average forward/RC embeddings
        - Project to 512 dimensions with PCA.

        ## Engineering notes

        - Averaging doubles compute; cache the forward pass.

        ## Limitations

        - Memory: a whole cohort does not fit in one pass; embed it in chunks of 10,000.
    """,
    # A doc that links to the card but is about something else: its reasons are its own.
    "docs/integration/plan.md": """
        # Integration plan

        The genetics arm embeds genes with [Strider](../../kb/model_cards/strider.yaml).

        ## Reasons

        - Heterogeneous semantics → keep each modality apart before any fusion.
    """,
}
QUESTION = "Why should Strider embeddings be averaged over forward and reverse-complement strands?"


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return build(tmp_path_factory.mktemp("own_doc"), files=FILES)


def test_the_section_ranks_below_the_passages_read(kb):
    view = kb._assistant().view
    boost = text_answers.boost_ids(view.linker.link(QUESTION), view)
    ranked = [h.chunk.heading for h in view.index.search(QUESTION, k=30, entity_ids=boost)]
    assert "Strider > Integration strategy" not in ranked


def test_the_reason_in_the_own_doc_answers(kb):
    a = kb.ask(QUESTION)
    assert "Strider is not RC-equivariant → average" in a["answer"]
    assert "docs/models/strider.md" in [c["source"] for c in a["citations"]]


def test_what_makes_asks_for_a_reason(kb):
    a = kb.ask(
        "What makes Strider's strand handling need forward and reverse-complement averaging?"
    )
    assert "Strider is not RC-equivariant → average" in a["answer"]


def test_only_the_doc_titled_with_the_name_is_read_whole(kb):
    view = kb._assistant().view
    boost = text_answers.boost_ids(view.linker.link(QUESTION), view)
    # The linking doc comes first among the docs about Strider; its sections are not read.
    assert boost.index("docs/integration/plan") < boost.index("docs/models/strider")
    read = beside.own_doc_sections([], view.index, view, boost)
    assert read and {h.chunk.source for h in read} == {"docs/models/strider.md"}
    a = kb.ask("Why can't Strider be run on a whole cohort in one pass?")
    assert "chunks of 10,000" in a["answer"]
    assert "Heterogeneous semantics" not in a["answer"]

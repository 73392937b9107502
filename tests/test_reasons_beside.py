"""A "why" question is answered by a section titled as reasons in a doc the passages found,
even when many passages outrank the section itself: a section titled with the question's
words, or titled "Reasons" alone (small real KB, hash embedder)."""

from __future__ import annotations

import pytest
from assistant_kb import build

from retrieval import text_answers

# Notes that share more of the question's words than the reasons section does, and
# outrank it: some more than the doc's opening, some less.
NOTES = {
    f"docs/notes/note_{i}.md": f"# Note {i}\n\nStep {i} joins genetics and brain features late.\n"
    for i in range(20)
} | {
    f"docs/notes/data_{i}.md": f"# Data {i}\n\nBrain data of project batch {i}.\n"
    for i in range(20)
}
STRATEGY = """
    # Integration strategy

    Late fusion first for genetics and brain data; joint models later.

    ## {heading}

    - Heterogeneous semantics: nucleotide sequence versus morphology.
    - Different confounds: ancestry versus scanner site.
"""
QUESTION = "Why does the project start with late fusion when combining genetics and brain data?"


@pytest.fixture(scope="module", params=["Why this applies to genes and brains", "Reasons"])
def kb(request, tmp_path_factory):
    files = {**NOTES, "docs/integration/strategy.md": STRATEGY.format(heading=request.param)}
    return build(tmp_path_factory.mktemp("reasons"), files=files)


def test_the_reasons_section_ranks_below_the_passages_read(kb):
    view = kb._assistant().view
    linked = view.linker.link(QUESTION)
    hits = view.index.search(QUESTION, k=text_answers.REASON_DEPTH)
    sources = [(h.chunk.source, h.chunk.line_start) for h in hits]
    assert ("docs/integration/strategy.md", 8) not in sources  # the premise of the test
    assert any(s == "docs/integration/strategy.md" for s, _ in sources)
    sents = text_answers.extract(QUESTION, linked, view)
    assert any("Heterogeneous semantics" in s.text for s in sents)


def test_the_answer_gives_the_reasons(kb):
    a = kb.ask(QUESTION)
    assert "Heterogeneous semantics" in a["answer"]
    assert any(c["source"] == "docs/integration/strategy.md" for c in a["citations"])

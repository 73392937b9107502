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


# A doc with more sections sharing the question's words than passages are read, and a
# "Limitations" section sharing none of them.
STEPS = "".join(
    f"\n## Gene embeddings step {i}\n\nStep {i} of Wave gene embeddings for the project.\n"
    for i in range(14)
)
WAVE = f"""# Wave model

Wave embeds genes for the project.
{STEPS}
## When to use it

- When compute is plentiful.
- Prefer smaller models otherwise.

## Limitations

- Heavy memory footprint: needs 80GB GPUs.
- Overkill for short coding sequences.
"""
GENE_NOTES = {
    f"docs/notes/gene_{i}.md": f"# Gene note {i}\n\nGene embeddings of batch {i} for the project.\n"
    for i in range(20)
}
DRAWBACKS = "What are the main drawbacks of using Wave for gene embeddings in this project?"


@pytest.fixture(scope="module")
def wave_kb(tmp_path_factory):
    files = {**GENE_NOTES, "docs/models/wave.md": WAVE}
    return build(tmp_path_factory.mktemp("sections"), files=files)


def test_a_section_titled_as_what_is_asked_is_read_in_a_doc_found(wave_kb):
    view = wave_kb._assistant().view
    boost = text_answers.boost_ids(view.linker.link(DRAWBACKS), view)
    hits = view.index.search(DRAWBACKS, k=text_answers.PASSAGES, entity_ids=boost)
    assert all(h.chunk.heading != "Wave model > Limitations" for h in hits)  # the premise
    a = wave_kb.ask(DRAWBACKS)
    assert "80GB" in a["answer"] and "Overkill" in a["answer"]
    assert "Prefer smaller models" not in a["answer"][: a["answer"].find("80GB")]

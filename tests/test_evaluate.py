"""The evaluation harness scores answers exactly as the QA contract says, and QA files validate."""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from retrieval.baselines import ANSWER_SENTENCES, naive_rag, run_with_baselines
from retrieval.chunks import make_chunk
from retrieval.embed_cache import EmbedCache
from retrieval.embedders import HashEmbedder
from retrieval.evaluate import (
    NOT_IN_KB,
    evaluate,
    fact_found,
    normalise,
    says_not_in_kb,
    score_item,
)
from retrieval.index import RetrievalIndex
from retrieval.qa_set import QUESTION_TYPES, QAItem, QASetError, load_qa, parse_qa

CORPUS_QA = Path(__file__).parent / "qa" / "corpus_qa.yaml"


def _item(qid="q1", qtype="lookup", facts=(("131072",),), gold=("kb/model_cards/caduceus.yaml",)):
    return QAItem(qid, qtype, f"question {qid}?", tuple(tuple(f) for f in facts), tuple(gold))


# ---------------------------------------------------------------- scoring rules


def test_facts_match_ignoring_case_whitespace_and_thousands_separators():
    assert fact_found("Caduceus supports 131,072 tokens.", ["131072"])
    assert fact_found("context: 131072", ["131,072"])
    assert fact_found("about 45\u202f000 subjects", ["45000"])
    assert fact_found("Uses  the\nStripedHyena   2 backbone", ["stripedhyena 2"])
    assert fact_found("license CC-BY-NC-ND-4.0", ["cc-by-nc-nd-4.0", "never"])
    assert not fact_found("context: 131072", ["1310720"])
    assert not fact_found("values 1,5 and 2", ["15"])  # a decimal comma is not a separator
    assert normalise("A  B\tC 1,000,000") == "a b c 1000000"


def test_only_the_first_1200_characters_count():
    answer = "x" * 1195 + " 131072"
    assert not fact_found(answer, ["131072"])
    assert fact_found("x" * 1190 + " 131072", ["131072"])


def test_unanswerable_is_right_only_when_the_answer_says_so():
    item = _item(qtype="unanswerable", facts=(), gold=())
    said = {"answer": f"{NOT_IN_KB} the context length of Enformer.", "citations": []}
    assert score_item(item, said, None).correct
    assert says_not_in_kb("the KNOWLEDGE base   does not contain that")
    guessed = {"answer": "Enformer has a context of 196,608 bp.", "citations": []}
    assert not score_item(item, guessed, None).correct


def test_every_fact_is_required_and_missing_ones_are_reported():
    item = _item(facts=(("BrainLM",), ("Brain-JEPA", "Brain JEPA"), ("SwiFT",)))
    res = score_item(item, {"answer": "BrainLM and Brain JEPA."}, None)
    assert not res.correct and res.missing_facts == [["SwiFT"]]
    assert score_item(item, {"answer": "BrainLM, Brain JEPA, SwiFT"}, None).correct


def test_citations_are_right_when_their_source_is_gold():
    item = _item(gold=("kb/model_cards/caduceus.yaml", "docs/models/genetics/caduceus.md"))
    cites = [
        {"source": "kb/model_cards/caduceus.yaml", "lines": [12, 12]},
        {"source": "kb/model_cards/evo2.yaml", "lines": [1, 3]},
        {"source": "docs/models/genetics/caduceus.md", "lines": [20, 22]},
    ]
    res = score_item(item, {"answer": "131072", "citations": cites}, None)
    assert (res.citations, res.right_citations) == (3, 2)


def test_evaluate_reports_accuracy_citations_and_retrieval_per_type():
    items = [
        _item("a", "lookup"),
        _item("b", "lookup", facts=(("512",),), gold=("kb/model_cards/dnabert2.yaml",)),
        _item("c", "unanswerable", facts=(), gold=()),
    ]
    answers = {
        "question a?": {
            "answer": "131,072 tokens",
            "citations": [{"source": "kb/model_cards/caduceus.yaml"}, {"source": "docs/other.md"}],
        },
        "question b?": {"answer": "1024", "citations": [{"source": "docs/other.md"}]},
        "question c?": {"answer": f"{NOT_IN_KB} it."},
    }
    ranked = {  # gold at rank 1 for a, rank 7 for b
        "question a?": ["kb/model_cards/caduceus.yaml"],
        "question b?": [f"docs/{i}.md" for i in range(6)] + ["kb/model_cards/dnabert2.yaml"],
        "question c?": [],
    }
    report = evaluate(items, answers.__getitem__, ranked.__getitem__, name="scripted")
    o = report.overall()
    assert o["n"] == 3 and o["accuracy"] == pytest.approx(2 / 3)
    assert o["citation_hit"] == pytest.approx(1 / 2)  # over answerable questions only
    assert o["citation_precision"] == pytest.approx(1 / 3)
    assert o["recall@5"] == pytest.approx(1 / 2)
    assert o["mrr"] == pytest.approx((1 + 1 / 7) / 2)
    per = report.per_type()
    assert per["lookup"]["accuracy"] == 0.5 and per["unanswerable"]["accuracy"] == 1.0
    assert per["unanswerable"]["citation_hit"] is None


def test_a_crashing_answerer_costs_one_question_not_the_run():
    def flaky(q: str) -> dict:
        if q == "question b?":
            raise RuntimeError("boom")
        return {"answer": "131072"}

    report = evaluate([_item("a"), _item("b")], flaky, name="flaky")
    assert [r.correct for r in report.items] == [True, False]
    assert report.items[1].error == "RuntimeError: boom"
    assert report.overall()["recall@5"] is None  # no search_fn: retrieval not scored


def test_report_renders_as_table_and_json():
    report = evaluate(
        [_item("a"), _item("c", "unanswerable", facts=(), gold=())],
        lambda q: {"answer": "131072"},
        name="sys",
    )
    data = json.loads(report.to_json())
    assert data["name"] == "sys" and data["overall"]["accuracy"] == 0.5
    assert {i["id"] for i in data["items"]} == {"a", "c"}
    console = Console(record=True, width=120)
    console.print(report.table())
    text = console.export_text()
    assert "lookup" in text and "unanswerable" in text and "overall" in text and "0.50" in text


# ---------------------------------------------------------------- QA file validation


def _errors(text: str) -> list[str]:
    with pytest.raises(QASetError) as exc:
        parse_qa(textwrap.dedent(text), "qa.yaml")
    return [str(f) for f in exc.value.findings]


def test_malformed_items_are_reported_with_file_and_line():
    errs = _errors("""
        - id: q1
          type: lookup
          question: "fine"
          facts: [["1"]]
          gold_sources: ["a.yaml"]
        - id: q2
          type: lokup
          question: "typo in type"
          facts: [["1"]]
          gold_sources: ["a.yaml"]
        - id: q3
          type: lookup
          question: "fact not a list"
          facts:
            - ["ok"]
            - "131072"
          gold_sources: ["a.yaml"]
        - id: q1
          type: lookup
          question: "duplicate"
          facts: [["1"]]
          gold_sources: ["a.yaml"]
        - id: q5
          type: lookup
          question: "no gold"
          facts: [["1"]]
          colour: blue
        """)
    assert any(e.startswith("qa.yaml:8: type 'lokup'") and "use one of" in e for e in errs)
    assert any(e.startswith("qa.yaml:17: each fact must be") for e in errs)
    assert any(e.startswith("qa.yaml:19: duplicate id 'q1'") and "line 2" in e for e in errs)
    assert any(e.startswith("qa.yaml:24: missing 'gold_sources'") for e in errs)
    assert any(e.startswith("qa.yaml:28: unknown key 'colour'") for e in errs)
    assert len(errs) == 5


def test_yaml_syntax_and_shape_errors_name_the_line():
    errs = _errors('- id: q1\n  question: "unclosed\n  type: lookup\n')
    assert re.match(r"qa\.yaml:\d+: YAML syntax", errs[0])
    assert _errors("id: q1\n")[0].startswith("qa.yaml:1: a QA set is a YAML list")
    errs = _errors("""
        - id: u1
          type: unanswerable
          question: "has facts"
          facts: [["x"]]
          gold_sources: []
        """)
    assert errs[0].startswith("qa.yaml:2: an unanswerable question has no facts")


def test_load_qa_reads_a_file_and_keeps_lines(tmp_path):
    p = tmp_path / "qa.yaml"
    p.write_text(
        '- id: a\n  type: text\n  question: " Why? "\n  facts: [[131072, "x"]]\n'
        '  gold_sources: ["d.md"]\n  held_out: true\n'
    )
    (item,) = load_qa(p)
    assert item.question == "Why?" and item.facts == (("131072", "x"),)
    assert item.held_out and item.line == 1 and item.source == str(p)
    with pytest.raises(QASetError, match="cannot read"):
        load_qa(tmp_path / "missing.yaml")


# ---------------------------------------------------------------- the corpus QA set


def test_corpus_qa_set_is_valid_and_covers_every_type():
    items = load_qa(CORPUS_QA)
    types = Counter(i.type for i in items)
    assert len(items) >= 85 and set(types) == set(QUESTION_TYPES)
    assert types["unanswerable"] >= 8
    assert sum(i.held_out for i in items) >= 10


def test_corpus_qa_facts_are_in_their_gold_sources(corpus):
    """Each fact (some alternative) is written in one of its gold sources, so a right answer
    can be grounded; YAML digit separators (45_000) are read as numbers."""
    for item in load_qa(CORPUS_QA):
        texts = []
        for g in item.gold_sources:
            assert (corpus / g).is_file(), f"{item.id}: gold source {g} does not exist"
            texts.append((corpus / g).read_text(encoding="utf-8"))
        text = normalise(re.sub(r"(?<=\d)_(?=\d)", "", " ".join(texts)))
        for fact in item.facts:
            assert any(normalise(a) in text for a in fact), f"{item.id}: {fact} not in gold"


# ---------------------------------------------------------------- baselines end to end


KB_PASSAGES = [
    (
        "kb/model_cards/caduceus.yaml",
        "Caduceus supports a context length of 131072 tokens. "
        "It is RC-equivariant. It uses character tokens.",
    ),
    (
        "kb/model_cards/dnabert2.yaml",
        "DNABERT-2 has 117M parameters. Its context length is 512. It uses byte-pair encoding.",
    ),
    (
        "docs/models/brain/brainlm.md",
        "BrainLM is a masked autoencoder for fMRI. It was pretrained "
        "on UK Biobank and HCP. Its key innovation is site-robust pretraining.",
    ),
    (
        "kb/model_cards/swift.yaml",
        "SwiFT is a Swin transformer for 4D fMRI volumes. It has about 80M parameters.",
    ),
]
QA = """
- id: b1
  type: lookup
  question: "What context length does Caduceus support?"
  facts: [["131072"]]
  gold_sources: ["kb/model_cards/caduceus.yaml"]
- id: b2
  type: lookup
  question: "How many parameters does DNABERT-2 have?"
  facts: [["117M"]]
  gold_sources: ["kb/model_cards/dnabert2.yaml"]
- id: b3
  type: unanswerable
  question: "What is the context length of Enformer?"
  facts: []
  gold_sources: []
"""


@pytest.fixture
def small_index(tmp_path):
    chunks = [
        make_chunk(t, s, (1, 3), [s.rsplit("/", 1)[-1].split(".")[0]], "prose", s)
        for s, t in KB_PASSAGES
    ]
    return RetrievalIndex.build(chunks, HashEmbedder(), EmbedCache(None), tmp_path / "idx")


@pytest.mark.parametrize("mode", ["bm25", "dense"])
def test_naive_rag_answers_with_cited_sentences_from_its_chunks(small_index, mode):
    ans = naive_rag(small_index, mode)("What context length does Caduceus support?")
    assert set(ans) == {"question", "answer", "citations", "intent", "entities", "confidence"}
    assert 1 <= len(ans["citations"]) <= ANSWER_SENTENCES
    sources = {s for s, _ in KB_PASSAGES}
    for c in ans["citations"]:
        assert c["source"] in sources and c["lines"] == [1, 3]
        assert c["quote"] in ans["answer"]
    assert "131072" in ans["answer"]


def test_baselines_run_beside_a_system_in_one_evaluation(small_index):
    items = parse_qa(QA, "qa.yaml")

    def system(q: str) -> dict:  # a stand-in answerer that knows when to abstain
        if "Enformer" in q:
            return {"answer": f"{NOT_IN_KB} Enformer.", "citations": []}
        hit = small_index.search(q, k=1)[0]
        return {"answer": hit.chunk.text, "citations": [{"source": hit.chunk.source}]}

    reports = run_with_baselines(items, small_index, system, name="stand-in")
    assert [r.name for r in reports] == ["stand-in", "bm25-rag", "dense-rag"]
    assert reports[0].overall()["accuracy"] == 1.0
    for r in reports[1:]:
        assert r.per_type()["unanswerable"]["accuracy"] == 0.0  # naive RAG never abstains
        assert r.overall()["recall@5"] == 1.0

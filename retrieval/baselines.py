"""Naive RAG baselines the answerer is measured against.

Both retrieve the top 6 chunks (BM25-only or dense-only), split them into sentences and answer
with the 4 sentences most similar to the question, each cited to its chunk. They never say the
KB does not know, and they understand no structure: that is the point of a baseline.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from retrieval.index import Hit, RetrievalIndex
from retrieval.lexical import tokenize

TOP_CHUNKS = 6
ANSWER_SENTENCES = 4
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(hit: Hit) -> list[str]:
    """Sentences of a chunk's body (the heading context line is not a sentence)."""
    text = hit.chunk.text
    if hit.chunk.kind == "section" and "\n" in text:
        text = text.split("\n", 1)[1]
    return [s.strip() for s in _SPLIT.split(text) if len(s.split()) >= 3]


def _lexical_scores(question: str, sents: list[str]) -> np.ndarray:
    q = set(tokenize(question))
    out = []
    for s in sents:
        toks = tokenize(s)
        out.append(len(q.intersection(toks)) / np.sqrt(len(toks) + 1))
    return np.asarray(out, dtype=np.float32)


def _dense_scores(index: RetrievalIndex, question: str, sents: list[str], memo: dict) -> np.ndarray:
    todo = [s for s in sents if s not in memo]
    if todo:
        for s, v in zip(todo, index.embedder.embed(todo), strict=True):
            memo[s] = v
    q = index.embed_query(question)
    return np.asarray([float(memo[s] @ q) for s in sents], dtype=np.float32)


def naive_rag(index: RetrievalIndex, mode: str) -> Callable[[str], dict]:
    """An answer_fn: top-6 chunks by `mode` ('bm25' | 'dense'), answer = best 4 sentences."""
    if mode not in ("bm25", "dense"):
        raise ValueError(f"naive RAG mode is 'bm25' or 'dense', not {mode!r}")
    memo: dict[str, np.ndarray] = {}

    def answer(question: str) -> dict:
        hits = index.search(question, k=TOP_CHUNKS, mode=mode)
        pool = [(h, s) for h in hits for s in sentences(h)]
        if not pool:
            return _shape(question, "", [], 0.0, mode)
        texts = [s for _, s in pool]
        if mode == "dense":
            scores = _dense_scores(index, question, texts, memo)
        else:
            scores = _lexical_scores(question, texts)
        best = np.argsort(-scores, kind="stable")[:ANSWER_SENTENCES]
        cites = []
        for i in best:
            h, s = pool[i]
            cites.append(
                {
                    "source": h.chunk.source,
                    "lines": [h.chunk.line_start, h.chunk.line_end],
                    "entity": h.chunk.entity_ids[0] if h.chunk.entity_ids else None,
                    "quote": s,
                }
            )
        text = " ".join(c["quote"] for c in cites)
        return _shape(question, text, cites, float(scores[best[0]]), mode)

    return answer


def _shape(question: str, text: str, cites: list[dict], confidence: float, mode: str) -> dict:
    return {
        "question": question,
        "answer": text,
        "citations": cites,
        "intent": f"naive-{mode}",
        "entities": [],
        "confidence": confidence,
    }


def baselines(index: RetrievalIndex) -> dict[str, Callable[[str], dict]]:
    """The two baselines by name: 'bm25-rag' and 'dense-rag'."""
    return {"bm25-rag": naive_rag(index, "bm25"), "dense-rag": naive_rag(index, "dense")}


def run_with_baselines(
    items, index: RetrievalIndex, system: Callable[[str], dict] | None = None, name: str = "system"
):
    """Evaluate `system` (if given) and both baselines on the same items in one run.

    Each is scored on retrieval with its own search: hybrid for the system, BM25 or dense for
    the baselines. Returns the reports, system first.
    """
    from retrieval.evaluate import evaluate

    reports = []
    if system is not None:
        reports.append(evaluate(items, system, lambda q: index.search(q, k=10), name))
    for bname, fn in baselines(index).items():
        mode = bname.split("-")[0]
        reports.append(evaluate(items, fn, lambda q, m=mode: index.search(q, k=10, mode=m), bname))
    return reports

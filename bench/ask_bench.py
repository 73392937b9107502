"""`ask` on the reference corpus with the real MiniLM: latency in a warm process, and the
naive dense RAG peer's latency and accuracy measured in the same run.

"Warm" means the process has loaded the model, the index and the generation's caches by
answering a few other questions first; each QA question is then timed the first time it
is asked (no answer or query-embedding cache helps it), which is what a user sees.
Target: `ask` p50 ≤ 40 ms. ``python -m bench.ask_bench`` runs it alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.harness import Context, Result, run_alone

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "neuro-omics-kb"
QA = ROOT / "tests" / "qa" / "corpus_qa.yaml"
TARGET_MS = 40.0
WARMUP = [
    "Which models are in the knowledge base?",
    "What is a foundation model?",
    "Which datasets are public?",
    "Compare the first two models",
    "What does the integration plan recommend?",
]


def _corpus_kb(ctx: Context):
    from kg.knowledge_base import KnowledgeBase
    from kg.settings import Settings

    if not CORPUS.is_dir():
        raise FileNotFoundError(f"reference corpus not found at {CORPUS}")
    kb = KnowledgeBase(Settings(kb=CORPUS, home=ctx.cache / "ask-corpus-home"))
    kb.ingest()  # incremental: a no-op when the cached state is current
    return kb


def _timed(fn, questions: list[str]) -> tuple[list[float], list[dict]]:
    import time

    samples, answers = [], []
    for q in questions:
        t0 = time.perf_counter()
        answers.append(fn(q))
        samples.append((time.perf_counter() - t0) * 1000)
    return samples, answers


def run(ctx: Context) -> list[Result]:
    """Time `ask` and the dense RAG peer on every corpus QA question, and score both."""
    from retrieval.baselines import naive_rag
    from retrieval.evaluate import score_item
    from retrieval.qa_set import load_qa

    kb = _corpus_kb(ctx)
    items = load_qa(QA)
    questions = [it.question for it in items]
    peer = naive_rag(kb.stores.retrieval_index(), "dense")
    for q in WARMUP:
        kb.ask(q)
        peer(q)
    samples, answers = _timed(kb.ask, questions)
    peer_samples, peer_answers = _timed(peer, questions)
    repeat, _ = _timed(kb.ask, questions[: min(30, len(questions))])

    def accuracy(ans: list[dict]) -> float:
        return sum(score_item(it, a, None).correct for it, a in zip(items, ans, strict=True)) / len(
            items
        )

    first = Result(
        "ask (first time per question, warm process)",
        samples,
        peer="naive dense RAG (MiniLM top-6, 4 sentences)",
        peer_samples_ms=peer_samples,
        metrics={
            "questions": len(items),
            "accuracy": round(accuracy(answers), 3),
            "peer_accuracy": round(accuracy(peer_answers), 3),
            "target_ms": TARGET_MS,
        },
    )
    first.metrics["meets_target"] = "yes" if first.p50 <= TARGET_MS else "NO"
    return [first, Result("ask (same question again)", repeat)]


def main() -> int:
    """Run this module alone: ``python -m bench.ask_bench [SIZE]``."""
    return run_alone(run)


if __name__ == "__main__":
    sys.exit(main())

"""What embedding costs in a cold ingest of the reference corpus, and a faster CPU path.

Measured: chunking, loading MiniLM, embedding every chunk (fp32, the default batch size),
batch sizes on a fixed sample, the int8 model (``minilm-int8``: torch dynamic quantisation of
the Linear layers) on the same chunks with its agreement with fp32, and the rest of a cold
ingest (everything but the index) for the embedding share. Above the smoke size both models
also index the corpus and answer tests/qa/corpus_qa.yaml, so recall@5 is compared in the
same run (the assistant's hybrid search and dense-only search). MiniLM is skipped at the
smoke size. ``python -m bench.embedding_cost [SIZE]`` runs it alone.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np

from bench.harness import Context, Result
from bench.ingest_bench import CORPUS, cold_runs, stage_metrics

QA = Path(__file__).resolve().parent.parent / "tests" / "qa" / "corpus_qa.yaml"
BATCHES = [8, 32, 64, 128]
SAMPLE = 128  # chunks in the batch-size sample


def corpus_texts() -> list[str]:
    """The texts a cold ingest of the corpus embeds (its chunks, in index order)."""
    from ingest.discover import discover
    from ingest.kb_config import load_kb_config
    from ingest.linker import link
    from ingest.parse import parse_source
    from ingest.vocab_source import vocabulary_source
    from retrieval.chunks import chunks_for

    sources, _ = discover(CORPUS, load_kb_config(CORPUS), 2_000_000)
    parsed = [p for p in (parse_source(CORPUS, s, 2_000_000) for s in sources) if p.ok]
    linked = link([vocabulary_source(), *parsed])
    return [c.text for c in chunks_for(linked, kb_root=CORPUS)]


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t0) * 1000


def embedding(ctx: Context, texts: list[str]) -> tuple[list[Result], dict[str, float]]:
    """Load and embed with fp32 and int8 MiniLM; batch sizes on a sample.

    The machine is shared, so the two models run back to back and each batch size is
    timed in interleaved rounds (best of 2): a load spike then hits both alike.
    """
    from retrieval.embedders import MiniLMEmbedder, make_embedder

    fp32, int8 = MiniLMEmbedder(), make_embedder("minilm-int8")
    _, load_ms = _timed(fp32._load)
    _, load8_ms = _timed(int8._load)
    vec32, all_ms = _timed(lambda: fp32.embed(texts, 64))
    vec8, int8_ms = _timed(lambda: int8.embed(texts, 64))
    chars = sum(map(len, texts))
    results = [
        Result("load MiniLM (fp32)", [load_ms]),
        Result("load MiniLM + quantise to int8", [load8_ms]),
        Result(f"embed {len(texts)} corpus chunks, fp32, batch 64", [all_ms], metrics={
            "chunks": len(texts), "chunks_per_s": round(len(texts) / all_ms * 1000, 1),
            "mean_chars": round(chars / len(texts)),
        }),
    ]  # fmt: skip
    cos = np.sum(vec32 * vec8, axis=1)
    top32 = np.argsort(-(vec32[:200] @ vec32.T), axis=1)[:, 1:6]
    top8 = np.argsort(-(vec8[:200] @ vec8.T), axis=1)[:, 1:6]
    overlap = np.mean([len(set(a) & set(b)) / 5 for a, b in zip(top32, top8, strict=True)])
    results.append(Result(f"embed {len(texts)} corpus chunks, int8, batch 64", [int8_ms], metrics={
        "chunks_per_s": round(len(texts) / int8_ms * 1000, 1),
        "speedup_vs_fp32": round(all_ms / int8_ms, 2),
        "cosine_to_fp32_mean": round(float(cos.mean()), 4),
        "cosine_to_fp32_min": round(float(cos.min()), 4),
        "top5_neighbour_overlap": round(float(overlap), 3),
    }))  # fmt: skip
    sample = texts[:: max(1, len(texts) // SAMPLE)][:SAMPLE]
    runs: dict[tuple[str, int], list[float]] = {}
    for _ in range(2):
        for name, model in (("fp32", fp32), ("int8", int8)):
            for b in BATCHES:
                runs.setdefault((name, b), []).append(
                    _timed(lambda m=model, b=b: m.embed(sample, b))[1]
                )
    for (name, b), ms in runs.items():
        results.append(Result(f"embed {len(sample)} chunks, {name}, batch {b}", ms,
                              metrics={"chunks_per_s": round(len(sample) / min(ms) * 1000, 1)}))  # fmt: skip
    return results, {"fp32_ms": all_ms, "int8_ms": int8_ms, "load_ms": load_ms}


def share(ctx: Context, times: dict[str, float]) -> Result:
    """Embedding's share of a cold ingest: the rest of the ingest measured without an index."""
    home = ctx.cache / "embedding-cost" / "plain"
    samples, reports = cold_runs(CORPUS, home, None, 3)
    rest = min(samples)
    embed = times["fp32_ms"] + times["load_ms"]
    res = Result("cold ingest without the index (the rest)", samples, metrics=stage_metrics(reports[-1].timings))  # fmt: skip
    res.metrics.update(
        embedding_share_fp32=round(embed / (embed + rest), 3),
        embedding_share_int8=round((times["int8_ms"] + times["load_ms"]) / (times["int8_ms"] + times["load_ms"] + rest), 3),
    )  # fmt: skip
    return res


def recall(ctx: Context) -> list[Result]:
    """Index the corpus with each model and score retrieval on the corpus QA set."""
    from kg.knowledge_base import KnowledgeBase
    from kg.settings import RetrievalSettings, Settings

    out = []
    for spec in ("minilm", "minilm-int8"):
        home = ctx.cache / "embedding-cost" / spec
        shutil.rmtree(home, ignore_errors=True)
        kb = KnowledgeBase(
            Settings(kb=CORPUS, home=home, retrieval=RetrievalSettings(embedder=spec))
        )
        t0 = time.perf_counter()
        report = kb.ingest()
        ms = (time.perf_counter() - t0) * 1000
        metrics: dict = {"index_s": round(report.timings.get("index", 0.0), 2)}
        for system, label in (("assistant", "hybrid"), ("dense-rag", "dense")):
            overall = kb.evaluate(QA, system).overall()
            metrics[f"{label}_recall@5"] = round(overall["recall@5"], 3)
            metrics[f"{label}_mrr"] = round(overall["mrr"], 3)
            if system == "assistant":
                metrics["accuracy"] = round(overall["accuracy"], 3)
        out.append(Result(f"cold ingest + QA recall, {spec}", [ms], metrics=metrics))
    base, fast = out[0].metrics, out[1].metrics
    fast["recall_holds"] = "yes" if fast["hybrid_recall@5"] >= base["hybrid_recall@5"] else "NO"
    return out


def run(ctx: Context) -> list[Result]:
    """Chunking always; MiniLM, int8 and recall above the smoke size."""
    texts, chunk_ms = _timed(corpus_texts)
    results = [
        Result("parse + link + chunk the corpus", [chunk_ms], metrics={"chunks": len(texts)})
    ]
    if ctx.size == "smoke":
        return results
    emb, times = embedding(ctx, texts)
    return results + emb + [share(ctx, times)] + recall(ctx)


def main() -> int:
    """Run alone and print p50 per measurement."""
    from bench.__main__ import DEFAULT_CACHE
    from bench.harness import BENCH_DIR

    ctx = Context.for_size(sys.argv[1] if len(sys.argv) > 1 else "smoke", DEFAULT_CACHE,
                           BENCH_DIR / "results")  # fmt: skip
    for r in run(ctx):
        print(f"{r.name:48} p50 {r.p50:9.1f} ms  n={len(r.samples_ms)}  {r.metrics}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

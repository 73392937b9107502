"""What embedding costs in a cold ingest of the reference corpus, and a faster CPU path.

Per model — MiniLM fp32 (`minilm`, the default) and int8 (`minilm-int8`: torch dynamic
quantisation of the Linear layers at load, nothing downloaded) — a cold ingest of the corpus
with its stage timings (the index stage is loading the model, embedding every chunk and
building FAISS + BM25), then recall@5 and MRR on tests/qa/corpus_qa.yaml through the
assistant's hybrid search and through dense search alone, so recall is compared in the same
run; the int8 vectors' agreement with fp32 (cosine, top-5 neighbours) from the two embedding
caches; the rest of a cold ingest without an index (embedding's share); batch sizes on a
sample. MiniLM is skipped at the smoke size. ``python -m bench.embedding_cost [SIZE]``.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import numpy as np

from bench.harness import Context, Result, run_alone
from bench.ingest_bench import CORPUS, cold_runs, stage_metrics

QA = Path(__file__).resolve().parent.parent / "tests" / "qa" / "corpus_qa.yaml"
BATCHES = [8, 16, 32, 64, 128]
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


def batch_sizes(ctx: Context, texts: list[str]) -> list[Result]:
    """Both models on a fixed sample at several batch sizes, interleaved (a shared machine's
    load spikes then hit both alike)."""
    from retrieval.embedders import MiniLMEmbedder, make_embedder

    models = {"fp32": MiniLMEmbedder(), "int8": make_embedder("minilm-int8")}
    sample = texts[:: max(1, len(texts) // SAMPLE)][:SAMPLE]
    for m in models.values():
        m.embed(sample[:8])  # load, and the first call's one-off costs
    out = []
    for b in BATCHES:
        for name, m in models.items():
            ms = _timed(lambda m=m, b=b: m.embed(sample, b))[1]
            out.append(Result(f"embed {len(sample)} chunks, {name}, batch {b}", [ms],
                              metrics={"chunks_per_s": round(len(sample) / ms * 1000, 1)}))  # fmt: skip
    return out


def model_runs(ctx: Context) -> list[Result]:
    """Per model: a cold ingest of the corpus (stage timings), then recall@5 on the QA set
    through the assistant's hybrid search and through dense search alone."""
    from kg.knowledge_base import KnowledgeBase
    from kg.settings import RetrievalSettings, Settings
    from retrieval.evaluate import evaluate
    from retrieval.qa_set import load_qa

    items = load_qa(QA)
    out, homes = [], {}
    for spec in ("minilm", "minilm-int8"):
        homes[spec] = home = ctx.cache / "embedding-cost" / spec
        shutil.rmtree(home, ignore_errors=True)
        kb = KnowledgeBase(
            Settings(kb=CORPUS, home=home, retrieval=RetrievalSettings(embedder=spec))
        )
        t0 = time.perf_counter()
        report = kb.ingest()
        ms = (time.perf_counter() - t0) * 1000
        metrics: dict = stage_metrics(report.timings)
        metrics["index_share"] = round(report.timings["index"] / report.timings["total"], 3)
        hybrid = kb.evaluate(QA, "assistant").overall()
        index = kb.stores.retrieval_index()
        dense = evaluate(
            items, lambda q: {}, lambda q, ix=index: ix.search(q, k=10, mode="dense")
        ).overall()
        metrics.update({"hybrid_recall@5": round(hybrid["recall@5"], 3), "hybrid_mrr": round(hybrid["mrr"], 3),
                        "accuracy": round(hybrid["accuracy"], 3),
                        "dense_recall@5": round(dense["recall@5"], 3), "dense_mrr": round(dense["mrr"], 3)})  # fmt: skip
        out.append(Result(f"cold ingest of the corpus, {spec}", [ms], metrics=metrics))
    base, fast = out[0].metrics, out[1].metrics
    fast["index_speedup"] = round(base["index_s"] / fast["index_s"], 2)
    fast["recall_holds"] = "yes" if fast["hybrid_recall@5"] >= base["hybrid_recall@5"] else "NO"
    fast.update(agreement(homes["minilm"] / "embeddings", homes["minilm-int8"] / "embeddings"))
    return out


def agreement(fp32_dir: Path, int8_dir: Path) -> dict[str, float]:
    """How close the int8 vectors are to fp32's, read from the two ingests' embedding caches."""
    from retrieval.embed_cache import EmbedCache
    from retrieval.embedders import MiniLMEmbedder, MiniLMInt8Embedder

    a_pos, a_rows = EmbedCache(fp32_dir)._table(MiniLMEmbedder().name)  # names only: no load
    b_pos, b_rows = EmbedCache(int8_dir)._table(MiniLMInt8Embedder().name)
    keys = sorted(set(a_pos) & set(b_pos))
    a = np.stack([a_rows[a_pos[k]] for k in keys])
    b = np.stack([b_rows[b_pos[k]] for k in keys])
    cos = np.sum(a * b, axis=1)
    n = min(200, len(keys))
    top_a = np.argsort(-(a[:n] @ a.T), axis=1)[:, 1:6]
    top_b = np.argsort(-(b[:n] @ b.T), axis=1)[:, 1:6]
    overlap = np.mean([len(set(x) & set(y)) / 5 for x, y in zip(top_a, top_b, strict=True)])
    return {"cosine_to_fp32_mean": round(float(cos.mean()), 4),
            "cosine_to_fp32_min": round(float(cos.min()), 4),
            "top5_neighbour_overlap": round(float(overlap), 3)}  # fmt: skip


def share(ctx: Context, minilm: Result) -> Result:
    """The rest of a cold ingest (no index) beside the MiniLM run: embedding's share."""
    home = ctx.cache / "embedding-cost" / "plain"
    samples, reports = cold_runs(CORPUS, home, None, 3)
    res = Result("cold ingest of the corpus without the index", samples, metrics=stage_metrics(reports[-1].timings))  # fmt: skip
    index_ms = minilm.metrics["index_s"] * 1000
    res.metrics["embedding_share_fp32"] = round(index_ms / (index_ms + min(samples)), 3)
    return res


def run(ctx: Context) -> list[Result]:
    """Chunking always; MiniLM, int8, batch sizes and recall above the smoke size."""
    texts, chunk_ms = _timed(corpus_texts)
    results = [
        Result("parse + link + chunk the corpus", [chunk_ms], metrics={"chunks": len(texts)})
    ]
    if ctx.size == "smoke":
        return results
    runs = model_runs(ctx)
    return results + runs + [share(ctx, runs[0])] + batch_sizes(ctx, texts)


def main() -> int:
    """Run this module alone: ``python -m bench.embedding_cost [SIZE]``."""
    return run_alone(run)


if __name__ == "__main__":
    sys.exit(main())

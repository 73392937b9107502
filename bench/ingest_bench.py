"""Ingest cold, with no change, and with one file changed: the reference corpus with the real
MiniLM embeddings and without, and a synthetic KB; per-stage timings from IngestReport.

Targets (issue 4): cold ingest of the corpus including embeddings ≤ 90 s, no-change
re-ingest ≤ 2 s; cold ingest bound by embedding (every other stage ≤ 20 % of the total).
MiniLM is skipped at the smoke size (it alone takes ~35 s). ``python -m bench.ingest_bench``
runs it alone at the smoke size.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from bench.harness import Context, Result, measure, run_alone

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "neuro-omics-kb"
COLD_TARGET_S, NO_CHANGE_TARGET_S, OTHER_SHARE_TARGET = 90.0, 2.0, 0.20
SYNTHETIC_CARDS = 1_000  # cold runs repeat, so the synthetic part stays at this size at most


def settings(kb: Path, home: Path, embedder: str | None):
    """Settings for one benchmark KB: `embedder` None ingests without embeddings."""
    from kg.settings import RetrievalSettings, Settings

    retrieval = RetrievalSettings(embedder=embedder or "hash", embed=embedder is not None)
    return Settings(kb=kb, home=home, retrieval=retrieval)


def edit_one(card: Path, revision: int) -> None:
    """Change one card's content (a new hash every revision, so it is parsed again)."""
    lines = [x for x in card.read_text().splitlines() if not x.startswith("bench_revision:")]
    card.write_text("\n".join([*lines, f"bench_revision: {revision}"]) + "\n")


def stage_metrics(timings: dict[str, float]) -> dict[str, float]:
    """Per-stage seconds of one ingest, rounded, as Result metrics."""
    return {f"{k}_s": round(v, 3) for k, v in timings.items()}


def cold_runs(kb: Path, home: Path, embedder: str | None, n: int, keep: str | None = None):
    """`n` cold ingests, each into a fresh state folder (keeping its `keep` subfolder)."""
    from kg.knowledge_base import KnowledgeBase

    samples, reports = [], []
    for _ in range(n):
        for child in home.iterdir() if home.is_dir() else ():
            if child.name != keep:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        t0 = time.perf_counter()
        reports.append(KnowledgeBase(settings(kb, home, embedder)).ingest())
        samples.append((time.perf_counter() - t0) * 1000)
    return samples, reports


def incremental(name: str, kb, card: Path, repeats: int, budget_s: float) -> list[Result]:
    """No-change and one-file-changed re-ingests of an ingested KnowledgeBase."""
    rel = card.relative_to(Path(kb.settings.kb)).as_posix()
    same = measure(kb.ingest, repeats, warmup=1, budget_s=budget_s)
    last: dict = {}
    counter = iter(range(1, 1_000_000))

    def changed() -> None:
        edit_one(card, next(counter))
        report = kb.ingest()
        assert report.upserted == [rel], report.upserted  # exactly the edited file
        last.update(report.timings)

    one = measure(changed, max(3, repeats // 2), warmup=1, budget_s=budget_s)
    return [
        Result(f"{name}: no change", same, metrics={"target_s": NO_CHANGE_TARGET_S}),
        Result(f"{name}: one file changed", one, metrics=stage_metrics(last)),
    ]


def _corpus_copy(ctx: Context) -> Path:
    """A fresh copy of the corpus we may edit (the corpus itself is read-only)."""
    if not CORPUS.is_dir():
        raise FileNotFoundError(f"reference corpus not found at {CORPUS}")
    dst = ctx.cache / "ingest-corpus" / "kb"
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(CORPUS, dst)
    return dst


def _card(kb: Path, folder: str) -> Path:
    cards = sorted((kb / folder).glob("*.yaml"))
    return cards[len(cards) // 2]


def corpus_without_embeddings(ctx: Context, kb: Path) -> list[Result]:
    from kg.knowledge_base import KnowledgeBase

    home = ctx.cache / "ingest-corpus" / "home-plain"
    samples, reports = cold_runs(kb, home, None, max(3, ctx.repeats // 4))
    results = [
        Result("corpus cold, no embeddings", samples, metrics=stage_metrics(reports[-1].timings))
    ]
    results[0].metrics["sources"] = reports[-1].sources
    kbase = KnowledgeBase(settings(kb, home, None))
    return results + incremental("corpus, no embeddings", kbase, _card(kb, "kb/model_cards"),
                                 ctx.repeats, ctx.budget_s)  # fmt: skip


def corpus_with_minilm(ctx: Context, kb: Path) -> list[Result]:
    """Cold with an empty embedding cache (the real first run), then with a warm one."""
    from kg.knowledge_base import KnowledgeBase

    home = ctx.cache / "ingest-corpus" / "home-minilm"
    shutil.rmtree(home, ignore_errors=True)
    samples, reports = cold_runs(kb, home, "minilm", 1)
    t = reports[-1].timings
    embed_share = t.get("index", 0.0) / t["total"]
    cold = Result("corpus cold, MiniLM (empty embedding cache)", samples, metrics=stage_metrics(t))
    cold.metrics.update(
        index_share=round(embed_share, 3),
        other_share=round(1 - embed_share, 3),
        target_s=COLD_TARGET_S,
        meets_target="yes" if samples[0] / 1000 <= COLD_TARGET_S else "NO",
        embedding_bound="yes" if 1 - embed_share <= OTHER_SHARE_TARGET else "NO",
    )
    warm_samples, warm = cold_runs(kb, home, "minilm", 2, keep="embeddings")
    warm_cold = Result("corpus cold, MiniLM (embeddings cached)", warm_samples,
                       metrics=stage_metrics(warm[-1].timings))  # fmt: skip
    kbase = KnowledgeBase(settings(kb, home, "minilm"))
    inc = incremental("corpus, MiniLM", kbase, _card(kb, "kb/model_cards"),
                      max(5, ctx.repeats // 2), ctx.budget_s)  # fmt: skip
    inc[0].metrics["meets_target"] = "yes" if inc[0].p50 / 1000 <= NO_CHANGE_TARGET_S else "NO"
    return [cold, warm_cold, *inc]


def synthetic(ctx: Context) -> list[Result]:
    from kg.knowledge_base import KnowledgeBase

    n = min(ctx.cards, SYNTHETIC_CARDS)
    kb = ctx.synthetic_kb(n)
    home = ctx.cache / f"ingest-synth-{n}-home"
    card = _card(kb, "kb/model_cards")
    original = card.read_text()
    try:
        samples, reports = cold_runs(kb, home, None, 3)
        cold = Result(f"synthetic {n:,} cards cold, no embeddings", samples,
                      metrics=stage_metrics(reports[-1].timings))  # fmt: skip
        cold.metrics.update(cards=n, per_card_ms=round(cold.p50 / n, 3))
        kbase = KnowledgeBase(settings(kb, home, None))
        return [
            cold,
            *incremental(f"synthetic {n:,} cards", kbase, card, ctx.repeats, ctx.budget_s),
        ]
    finally:
        card.write_text(original)  # the cached KB stays byte-identical to its seed


def run(ctx: Context) -> list[Result]:
    """Every ingest measurement of this size (MiniLM only above the smoke size)."""
    kb = _corpus_copy(ctx)
    results = corpus_without_embeddings(ctx, kb)
    if ctx.size != "smoke":
        results += corpus_with_minilm(ctx, kb)
    return results + synthetic(ctx)


def main() -> int:
    """Run this module alone: ``python -m bench.ingest_bench [SIZE]``."""
    return run_alone(run)


if __name__ == "__main__":
    sys.exit(main())

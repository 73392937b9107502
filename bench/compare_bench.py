"""Comparison tables on the reference corpus: every model card on 6 fields, in every format.

Times, per format, the whole request (`KnowledgeBase.compare` from the SQL store, then
`render`) and the rendering alone, plus building the table alone and the pandas DataFrame.
Target: p50 ≤ 50 ms for compare + render. ``python -m bench.compare_bench`` runs it alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.harness import Context, Result, measure, run_alone

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "neuro-omics-kb"
FIELDS = ["modality", "architecture", "parameters", "context_length", "license", "dataset"]
FORMATS = ["md", "csv", "json", "html", "latex"]
TARGET_MS = 50.0


def _corpus_kb(ctx: Context):
    from kg.knowledge_base import KnowledgeBase
    from kg.settings import RetrievalSettings, Settings

    if not CORPUS.is_dir():
        raise FileNotFoundError(f"reference corpus not found at {CORPUS}")
    settings = Settings(
        kb=CORPUS,
        home=ctx.cache / "compare-corpus-home",
        retrieval=RetrievalSettings(embedder="hash", embed=False),
    )
    kb = KnowledgeBase(settings)
    kb.ingest()  # incremental: a no-op when the cached state is current
    return kb


def run(ctx: Context) -> list[Result]:
    """Measure compare + render of every corpus model card on 6 fields."""
    from kg.table_formats import render, to_dataframe

    kb = _corpus_kb(ctx)
    ids = [r.id for r in kb.stores.sql.find_entities("model", limit=10_000)[0]]
    repeats = max(ctx.repeats, 30)  # each call is milliseconds; more samples steady the p50
    table = kb.compare(ids, FIELDS)
    shape = {"rows": len(table.rows), "fields": len(table.columns)}
    cells = [c for r in table.rows for c in r.cells]
    shape.update(filled=sum(not c.missing for c in cells), conflicts=sum(c.conflict for c in cells))
    results = [
        Result(
            "compare: build table",
            measure(lambda: kb.compare(ids, FIELDS), repeats, budget_s=ctx.budget_s),
            metrics=dict(shape),
        )
    ]
    for fmt in FORMATS:
        samples = measure(
            lambda f=fmt: render(kb.compare(ids, FIELDS), f), repeats, budget_s=ctx.budget_s
        )
        result = Result(f"compare + render {fmt}", samples, metrics={"target_ms": TARGET_MS})
        result.metrics["meets_target"] = "yes" if result.p50 <= TARGET_MS else "NO"
        results.append(result)
    for fmt in FORMATS:
        results.append(
            Result(
                f"render only {fmt}",
                measure(lambda f=fmt: render(table, f), repeats, budget_s=ctx.budget_s),
                metrics={"bytes": len(render(table, fmt)[0].encode())},
            )
        )
    try:
        import pandas  # noqa: F401

        results.append(
            Result(
                "render only DataFrame",
                measure(lambda: to_dataframe(table), repeats, budget_s=ctx.budget_s),
            )
        )
    except ImportError:  # the optional extra is not installed: nothing to time
        pass
    return results


def main() -> int:
    """Run this module alone: ``python -m bench.compare_bench [SIZE]``."""
    return run_alone(run)


if __name__ == "__main__":
    sys.exit(main())

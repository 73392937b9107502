"""The question-answering commands of `kg`: ask, search, eval.

Each calls one `KnowledgeBase` method (`ask`, `search`, `evaluate`) and only formats the
result; `kg.cli` registers them on the `kg` group, which turns domain errors into a
one-line message and exit code 2.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)
SYSTEMS = ("assistant", "bm25-rag", "dense-rag")


def _kb():
    return click.get_current_context().obj


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def ask(question: str, as_json: bool) -> None:
    """Answer a question in plain English, citing the KB lines it rests on."""
    answer = _kb().ask(question)
    if as_json:
        sys.stdout.write(json.dumps(answer, ensure_ascii=False, indent=1) + "\n")
        return
    out.print(answer["answer"], markup=False)
    if answer["citations"]:
        out.print("\nSources:", style="bold")
        for i, c in enumerate(answer["citations"], 1):
            a, b = c["lines"]
            where = f"{c['source']}:{a}" if a == b else f"{c['source']}:{a}-{b}"
            out.print(f"  [{i}] {where}  {c['quote'][:100]}", markup=False)
    err.print(f"intent: {answer['intent']}, confidence: {answer['confidence']:.2f}")


@click.command()
@click.argument("query")
@click.option("-k", "k", default=8, show_default=True, help="How many passages to show.")
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "dense", "bm25"]),
    default="hybrid",
    show_default=True,
    help="Hybrid (dense + BM25, fused), dense only or BM25 only.",
)
def search(query: str, k: int, mode: str) -> None:
    """The passages that best match a query, with their sources."""
    for h in _kb().search(query, k=k, mode=mode):
        c = h.chunk
        out.print(
            f"{h.rank:>2}. {c.source}:{c.line_start}-{c.line_end}  [{c.kind}] {c.heading}",
            markup=False,
        )
        body = " ".join(c.text.split())
        out.print(f"    {body[:200]}", markup=False)


@click.command("eval")
@click.argument("qa_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--baselines", is_flag=True, help="Also score the BM25-only and dense-only naive RAG peers."
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every report (with per-question results) to this JSON file.",
)
def evaluate(qa_path: Path, baselines: bool, json_out: Path | None) -> None:
    """Score the assistant on a QA set: accuracy, citations, retrieval, per question type."""
    kb = _kb()
    systems = SYSTEMS if baselines else SYSTEMS[:1]
    reports = []
    for name in systems:
        start = time.perf_counter()
        report = kb.evaluate(qa_path, system=name)
        took = time.perf_counter() - start
        reports.append(report)
        out.print(report.table())
        err.print(f"{name}: {len(report.items)} questions in {took:.1f} s")
    if len(reports) > 1:
        from retrieval.evaluate import compare_table

        for metric in ("accuracy", "citation_hit", "citation_precision"):
            out.print(compare_table(reports, metric))
        lead = reports[0].overall()["accuracy"] - max(r.overall()["accuracy"] for r in reports[1:])
        out.print(f"assistant accuracy lead over the best baseline: {100 * lead:+.1f} points")
    if json_out is not None:
        json_out.write_text(
            json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        err.print(f"wrote {json_out}")

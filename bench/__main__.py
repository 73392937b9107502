"""`python -m bench [--size smoke|1k|10k|100k] [--only NAME,...]`: run the benchmark suite.

Prints one table (p50, p95, n, and the peer measured in the same run) and writes one JSON
file per module to bench/results/. Exit status 1 when any module failed.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.harness import (
    BENCH_DIR,
    REGISTRY,
    SIZES,
    Context,
    ModuleReport,
    run_isolated,
    run_module,
    write_json,
)

DEFAULT_CACHE = Path.home() / ".cache" / "neuro-omics-kg" / "bench"


def fmt_ms(ms: float) -> str:
    """A duration for people: 0.083 ms, 12.4 ms, 249 ms, 3.81 s."""
    if math.isnan(ms):
        return "—"
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.3g} ms" if ms < 100 else f"{ms:.0f} ms"


def _metric(v: object) -> str:
    return f"{v:,.4g}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v)


def render(reports: list[ModuleReport]) -> Table:
    """One rich table for every module's results."""
    table = Table(title="neuro-omics-kg benchmarks", title_justify="left")
    for col, just in [("benchmark", "left"), ("p50", "right"), ("p95", "right"), ("n", "right"),
                      ("peer", "left"), ("peer p50", "right"), ("ratio", "right"), ("notes", "left")]:  # fmt: skip
        table.add_column(col, justify=just)
    for rep in reports:
        status = "[red]FAILED[/red]" if rep.error else f"{rep.seconds:.1f} s"
        rss = "?" if math.isnan(rep.peak_rss_mb) else f"{rep.peak_rss_mb:,.0f}"
        table.add_row(f"[bold]{rep.module}[/bold] ({rep.size})", "", "", "", "", "", "",
                      f"{status}, peak RSS {rss} MB", end_section=False)  # fmt: skip
        for r in rep.results:
            ratio = "" if math.isnan(r.ratio) else f"{r.ratio:,.1f}×"
            notes = ", ".join(f"{k}={_metric(v)}" for k, v in r.metrics.items())
            table.add_row(f"  {r.name}", fmt_ms(r.p50), fmt_ms(r.p95), str(len(r.samples_ms)),
                          r.peer or "", fmt_ms(r.peer_p50) if r.peer else "", ratio, notes)  # fmt: skip
        table.add_section()
    return table


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the chosen modules, print the table, write the JSON files."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    ap.add_argument(
        "--size", choices=list(SIZES), default="smoke", help="benchmark size (default smoke)"
    )
    ap.add_argument("--only", default="", help="comma-separated module names (default: all)")
    ap.add_argument(
        "--triples", type=int, help="RDF triples for SPARQL benchmarks (overrides the size)"
    )
    ap.add_argument("--cards", type=int, help="synthetic KB cards (overrides the size)")
    ap.add_argument("--repeats", type=int, help="timed repeats per operation (overrides the size)")
    ap.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help=f"cache folder (default {DEFAULT_CACHE})"
    )
    ap.add_argument(
        "--results", type=Path, default=BENCH_DIR / "results", help="JSON output folder"
    )
    ap.add_argument(
        "--in-process", action="store_true", help="run modules in this process (peak RSS is shared)"
    )
    ap.add_argument(
        "--list", action="store_true", help="list the registered modules and sizes, then exit"
    )
    args = ap.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 150)  # rich wraps at 80 in pipes
    if args.list:
        for name, path in REGISTRY.items():
            console.print(f"{name:20} {path}")
        for name, s in SIZES.items():
            console.print(
                f"size {name:6} cards={s.cards:,} triples={s.triples:,} repeats={s.repeats}"
            )
        return 0
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(REGISTRY)
    unknown = [n for n in names if n not in REGISTRY]
    if unknown:
        ap.error(f"unknown module(s) {', '.join(unknown)}; registered: {', '.join(REGISTRY)}")
    ctx = Context.for_size(args.size, args.cache, args.results, triples=args.triples, cards=args.cards,
                           repeats=args.repeats)  # fmt: skip
    reports = []
    for name in names:
        console.print(f"[dim]running {name} at size {args.size} …[/dim]")
        rep = run_module(name, ctx) if args.in_process else run_isolated(name, ctx)
        path = write_json(rep, ctx)
        if rep.error:
            console.print(f"[red]{name} failed[/red]:\n{rep.error}")
        console.print(f"[dim]wrote {path}[/dim]")
        reports.append(rep)
    console.print(render(reports))
    return 1 if any(r.error for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())

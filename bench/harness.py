"""Benchmark harness: sizes, a registry of benchmark modules, timing, reports and JSON.

A benchmark module exposes ``run(ctx: Context) -> list[Result]`` and is listed in
``REGISTRY`` (name -> import path). The harness runs each module in its own process (so
peak RSS is that module's own), prints one table and writes ``<results>/<name>-<size>.json``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

# name -> module import path; each module has `run(ctx) -> list[Result]`. Order = run order.
REGISTRY: dict[str, str] = {
    "sparql_peers": "bench.sparql_peers",
    "sparql_endpoint": "bench.sparql_endpoint",
    "compare": "bench.compare_bench",
    "ask": "bench.ask_bench",
    "ingest": "bench.ingest_bench",
    "scaling": "bench.scaling",
    "embedding_cost": "bench.embedding_cost",
}


@dataclass(frozen=True)
class Size:
    """One benchmark size: the synthetic KB's cards, the RDF store's triples, repeats."""

    cards: int
    triples: int
    repeats: int
    peer_repeats: int
    budget_s: float  # time budget per measured operation (warm-up included)


SIZES: dict[str, Size] = {
    "smoke": Size(cards=200, triples=10_000, repeats=5, peer_repeats=2, budget_s=10),
    "1k": Size(cards=1_000, triples=1_000_000, repeats=20, peer_repeats=3, budget_s=60),
    "10k": Size(cards=10_000, triples=1_000_000, repeats=20, peer_repeats=3, budget_s=60),
    "100k": Size(cards=100_000, triples=1_000_000, repeats=20, peer_repeats=3, budget_s=120),
}


@dataclass
class Context:
    """What a benchmark module gets: the size's parameters and where to cache and write."""

    size: str
    cards: int
    triples: int
    repeats: int
    peer_repeats: int
    budget_s: float
    cache: Path
    results: Path
    seed: int = 0

    @classmethod
    def for_size(cls, size: str, cache: Path, results: Path, **overrides) -> Context:
        """The context of a named size; `overrides` replace single fields (e.g. triples)."""
        spec = dataclasses.asdict(SIZES[size])
        spec.update({k: v for k, v in overrides.items() if v is not None})
        return cls(size=size, cache=Path(cache), results=Path(results), **spec)

    def synthetic_kb(self, n_cards: int | None = None) -> Path:
        """A synthetic KB of `n_cards` (default: this size's) cards, generated once and cached."""
        from bench.synth import generate_kb

        n = n_cards or self.cards
        root = self.cache / f"kb-{n}-s{self.seed}"
        manifest = root / ".synth.json"
        if not (manifest.exists() and json.loads(manifest.read_text()).get("n_cards") == n):
            generate_kb(root, n, seed=self.seed, overwrite=True)
        return root


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation, as numpy's default."""
    if not samples:
        return math.nan
    xs = sorted(samples)
    k = (len(xs) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


@dataclass
class Result:
    """One measured operation (times in ms), optionally beside a peer doing the same work."""

    name: str
    samples_ms: list[float]
    peer: str | None = None
    peer_samples_ms: list[float] = field(default_factory=list)
    metrics: dict[str, float | int | str] = field(default_factory=dict)

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def peer_p50(self) -> float:
        return percentile(self.peer_samples_ms, 50)

    @property
    def ratio(self) -> float:
        """How many times slower the peer is (peer p50 / our p50); NaN without a peer."""
        if not self.peer_samples_ms or not self.samples_ms or self.p50 <= 0:
            return math.nan
        return self.peer_p50 / self.p50

    def to_json(self) -> dict:
        def num(x: float) -> float | None:
            return None if math.isnan(x) else round(x, 4)

        out = {
            "name": self.name,
            "p50_ms": num(self.p50),
            "p95_ms": num(self.p95),
            "n": len(self.samples_ms),
        }
        if self.peer:
            peer_p95 = percentile(self.peer_samples_ms, 95)
            out.update(peer=self.peer, peer_p50_ms=num(self.peer_p50), peer_p95_ms=num(peer_p95))
            out.update(peer_n=len(self.peer_samples_ms), ratio=num(self.ratio))
        out.update(metrics=self.metrics, samples_ms=[round(s, 4) for s in self.samples_ms])
        if self.peer:
            out["peer_samples_ms"] = [round(s, 4) for s in self.peer_samples_ms]
        return out


def measure(
    fn: Callable[[], object], repeats: int, warmup: int = 1, budget_s: float | None = None
) -> list[float]:
    """Call `fn` `warmup` times untimed, then up to `repeats` times timed; samples in ms.

    Stops early once warm-up plus samples exceed `budget_s` (at least one timed sample is
    always taken), so a slow peer cannot stall the suite.
    """
    start = time.perf_counter()
    for _ in range(warmup):
        fn()
    samples: list[float] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
        if budget_s is not None and time.perf_counter() - start > budget_s:
            break
    return samples


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports KB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def disk_bytes(path: Path) -> int:
    """Bytes used by a file or a folder tree (apparent sizes)."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass
class ModuleReport:
    """The outcome of one benchmark module at one size."""

    module: str
    size: str
    results: list[Result]
    seconds: float
    peak_rss_mb: float
    error: str | None = None


def run_module(name: str, ctx: Context, module: str | None = None) -> ModuleReport:
    """Import and run one module (default: ``REGISTRY[name]``) here; errors become a report."""
    t0 = time.perf_counter()
    try:
        results = importlib.import_module(module or REGISTRY[name]).run(ctx)
        error = None
    except Exception:  # a failing benchmark must not hide the others' numbers
        results, error = [], traceback.format_exc()
    return ModuleReport(name, ctx.size, results, time.perf_counter() - t0, peak_rss_mb(), error)


def run_isolated(name: str, ctx: Context) -> ModuleReport:
    """Run one module in a fresh process, so its peak RSS and imports are its own."""
    t0 = time.perf_counter()
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            return pool.submit(run_module, name, ctx, REGISTRY[name]).result()
    except BrokenProcessPool as e:  # killed (out of memory?) or crashed in native code
        error = f"the benchmark process died: {e} (out of memory? see dmesg)"
        return ModuleReport(name, ctx.size, [], time.perf_counter() - t0, math.nan, error)


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BENCH_DIR, capture_output=True, text=True
        )
        return out.stdout.strip() or None
    except OSError:
        return None


def write_json(report: ModuleReport, ctx: Context) -> Path:
    """Write a module's report to ``<results>/<module>-<size>.json`` (atomically)."""
    ctx.results.mkdir(parents=True, exist_ok=True)
    doc = {
        "module": report.module,
        "size": report.size,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(report.seconds, 3),
        "peak_rss_mb": None if math.isnan(report.peak_rss_mb) else round(report.peak_rss_mb, 1),
        "error": report.error,
        "context": {
            k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(ctx).items()
        },
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "commit": _git_commit(),
        "results": [r.to_json() for r in report.results],
    }
    path = ctx.results / f"{report.module}-{report.size}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n")
    tmp.replace(path)
    return path


def run_alone(run) -> int:
    """Run one benchmark module in this process (``python -m bench.X [SIZE]``) and print it.

    Each module's ``main`` calls this, so every module runs and prints the same way alone.
    """
    import sys

    from bench.__main__ import DEFAULT_CACHE

    size = sys.argv[1] if len(sys.argv) > 1 else "smoke"
    ctx = Context.for_size(size, DEFAULT_CACHE, BENCH_DIR / "results")
    for r in run(ctx):
        peer = f"  peer p50 {r.peer_p50:8.2f} ms" if r.peer_samples_ms else ""
        print(
            f"{r.name:48} p50 {r.p50:9.2f} ms  p95 {r.p95:9.2f} ms  n={len(r.samples_ms)}"
            f"{peer}  {r.metrics}"
        )
    return 0

"""The scaling table: a synthetic KB of the size's cards ingested without embeddings.

Per size: cold ingest time and per-card cost, peak RSS, store sizes on disk (SQLite file,
RDF generation folder), no-change and one-file-changed re-ingest, SPARQL lookup p50
(through `KnowledgeBase.sparql`, and pyoxigraph's `Store.query` alone) and the REST-like
entity fetch (`KnowledgeBase.show`). Run one size per process so its peak RSS is its own:
``python -m bench --size 1k --only scaling`` (then 10k, 100k).

Targets (issue 7): per-card cost at 100k ≤ 1.5× that at 1k; 100k cards in ≤ 10 min with
peak RSS ≤ 4 GB; SPARQL lookup p50 ≤ 2 ms at 100k.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from itertools import cycle
from pathlib import Path

from bench.harness import Context, Result, disk_bytes, measure, peak_rss_mb, run_alone
from bench.ingest_bench import edit_one, settings, stage_metrics

COLD_TARGET_S, RSS_TARGET_MB, LOOKUP_TARGET_MS, LINEAR_TARGET = 600.0, 4096.0, 2.0, 1.5
REMOTE_CARDS = 3_000  # ≈ 1.07M quads: the SPARQL-server load is measured at a million
LOOKUP = """SELECT ?p ?o ?path ?line WHERE {{
  {{ <{m}> ?p ?o }}
  UNION {{ <{m}> nokg:fact ?f . ?f nokg:property ?p ; nokg:value ?o ; nokg:yamlPath ?path ; nokg:line ?line }}
}}"""


def _mb(path: Path) -> float:
    return round(disk_bytes(path) / 1e6, 1) if path.exists() else 0.0


def _per_card_at_1k(ctx: Context) -> float | None:
    """Per-card cold ingest cost of the last 1k run, if one was written."""
    path = ctx.results / "scaling-1k.json"
    try:
        rows = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return None
    cold = next((r for r in rows if r["name"].startswith("cold ingest")), None)
    return cold["metrics"].get("per_card_ms") if cold else None


def cold(ctx: Context, kb_dir: Path, home: Path):
    """One cold ingest of the size's KB into a fresh state folder; its Result and the KB."""
    from kg.knowledge_base import KnowledgeBase

    shutil.rmtree(home, ignore_errors=True)
    t0 = time.perf_counter()
    kb = KnowledgeBase(settings(kb_dir, home, None))
    report = kb.ingest()
    seconds = time.perf_counter() - t0
    gen = kb.stores.current_generation()
    rdf_dir = kb.stores.rdf.path_of(gen)
    per_card = seconds * 1000 / ctx.cards
    res = Result(f"cold ingest {ctx.cards:,} cards", [seconds * 1000], metrics={
        "cards": ctx.cards, "sources": report.sources, "per_card_ms": round(per_card, 3),
        "per_card_pipeline_ms": round(report.timings["total"] * 1000 / ctx.cards, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "sqlite_mb": _mb(home / "kg.sqlite") + _mb(home / "kg.sqlite-wal"),
        "rdf_generation_mb": _mb(rdf_dir), "quads": len(kb.stores.rdf_read()),
        "entities": sum(report.counts.values()),
        **stage_metrics(report.timings),
    })  # fmt: skip
    base = _per_card_at_1k(ctx)
    if base and ctx.cards > 1_000:
        res.metrics["per_card_vs_1k"] = round(per_card / base, 2)
        res.metrics["linear"] = "yes" if per_card / base <= LINEAR_TARGET else "NO"
    if ctx.cards >= 100_000:
        res.metrics["meets_10min"] = "yes" if seconds <= COLD_TARGET_S else "NO"
        res.metrics["meets_4GB"] = "yes" if peak_rss_mb() <= RSS_TARGET_MB else "NO"
    return res, kb


def reads(ctx: Context, kb) -> list[Result]:
    """SPARQL lookups and entity fetches over many different models."""
    from kg.sparql import PREFIXES

    ids = [e.id for e in kb.stores.sql.find_entities("model", limit=200)[0]][::10] or ["none"]
    base = kb.stores.base_iri
    queries = [LOOKUP.format(m=f"{base}/model/{i}") for i in ids]
    repeats = max(ctx.repeats, 50)
    rows = len(kb.sparql(queries[0]).rows)
    q_iter, s_iter, r_iter = cycle(queries), cycle(ids), cycle(queries)
    store = kb.stores.rdf_read()
    via_kb = measure(lambda: kb.sparql(next(q_iter)), repeats, warmup=5, budget_s=ctx.budget_s)

    def raw() -> None:
        list(store.query(next(r_iter), prefixes=PREFIXES, use_default_graph_as_union=True))

    raw_samples = measure(raw, repeats, warmup=5, budget_s=ctx.budget_s)
    show = measure(lambda: kb.show(next(s_iter)), repeats, warmup=5, budget_s=ctx.budget_s)
    lookup = Result("SPARQL lookup (KnowledgeBase.sparql)", via_kb, metrics={"rows": rows})
    lookup.metrics.update(target_ms=LOOKUP_TARGET_MS,
                          meets_target="yes" if lookup.p50 <= LOOKUP_TARGET_MS else "NO")  # fmt: skip
    return [
        lookup,
        Result("SPARQL lookup (pyoxigraph Store.query)", raw_samples),
        Result("entity fetch (KnowledgeBase.show)", show),
    ]


def _serve(folder: Path):
    """Start ``oxigraph serve`` on a free loopback port; (process, base URL)."""
    import socket
    import subprocess

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    exe = Path(sys.executable).with_name("oxigraph")
    cmd = [str(exe), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=1).is_success:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("oxigraph serve did not start")


def remote(ctx: Context, n_cards: int = REMOTE_CARDS) -> list[Result]:
    """A cold load of ~1M quads into an Oxigraph server, a one-file change, HTTP lookups."""
    from kg.knowledge_base import KnowledgeBase
    from kg.settings import SparqlSettings

    kb_dir = ctx.synthetic_kb(n_cards)
    work = ctx.cache / f"remote-{n_cards}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    proc, url = _serve(work / "oxigraph")
    card = sorted((kb_dir / "kb" / "model_cards").glob("*.yaml"))[0]
    original = card.read_text()
    try:
        s = settings(kb_dir, work / "home", None).model_copy(
            update={"sparql": SparqlSettings(remote_url=url)}
        )
        kb = KnowledgeBase(s)
        t0 = time.perf_counter()
        report = kb.ingest()
        cold_ms = (time.perf_counter() - t0) * 1000
        rows = kb.stores.rdf.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        first = Result(f"remote: cold ingest {n_cards:,} cards into oxigraph serve", [cold_ms],
                       metrics={"quads": int(rows[0]["n"].value), "requests": kb.stores.rdf.requests,
                                **stage_metrics(report.timings)})  # fmt: skip
        revision = iter(range(1, 1000))

        def one_changed() -> None:
            edit_one(card, next(revision))
            kb.ingest()

        changed = Result("remote: one file changed re-ingest", measure(one_changed, 3, warmup=0))
        ids = [e.id for e in kb.stores.sql.find_entities("model", limit=200)[0]][::10]
        queries = cycle(LOOKUP.format(m=f"{kb.stores.base_iri}/model/{i}") for i in ids)
        lookup = measure(lambda: kb.sparql(next(queries)), 50, warmup=5, budget_s=ctx.budget_s)
        return [
            first,
            changed,
            Result("remote: SPARQL lookup over HTTP (KnowledgeBase.sparql)", lookup),
        ]
    finally:
        card.write_text(original)
        proc.terminate()
        proc.wait(timeout=30)


def run(ctx: Context) -> list[Result]:
    """Cold, no-change and one-file-changed ingest, then reads, at this size's cards; at the
    1k size also the SPARQL-server path at ~1M quads (`remote`)."""
    kb_dir = ctx.synthetic_kb()
    home = ctx.cache / f"scaling-{ctx.cards}-home"
    cards = sorted((kb_dir / "kb" / "model_cards").glob("*.yaml"))
    card = cards[len(cards) // 2]
    original = card.read_text()
    try:
        first, kb = cold(ctx, kb_dir, home)
        repeats = min(ctx.repeats, 5)
        same = Result("no-change re-ingest", measure(kb.ingest, repeats, warmup=0,
                                                     budget_s=ctx.budget_s))  # fmt: skip
        revision = iter(range(1, 1_000_000))
        last: dict = {}

        def one_changed() -> None:
            edit_one(card, next(revision))
            last.update(kb.ingest().timings)

        changed = Result("one file changed re-ingest",
                         measure(one_changed, repeats, warmup=0, budget_s=ctx.budget_s))  # fmt: skip
        changed.metrics.update(stage_metrics(last))
        results = [first, same, changed, *reads(ctx, kb)]
    finally:
        card.write_text(original)  # the cached KB stays byte-identical to its seed
    return results + (remote(ctx) if ctx.size == "1k" else [])


def main() -> int:
    """Run this module alone: ``python -m bench.scaling [SIZE]``."""
    return run_alone(run)


if __name__ == "__main__":
    sys.exit(main())

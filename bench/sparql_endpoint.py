"""The SPARQL endpoint beside raw pyoxigraph and rdflib, on the same synthetic store.

For each query of `bench.sparql_peers.QUERIES` (lookup, filter + ORDER BY + LIMIT, two-hop,
aggregate), in one run on one store:

* **endpoint**: what `/sparql` does per query minus HTTP — check and cap the query, run it
  where the service decides (bounded lookups in-process, the rest in a killable worker
  process), and serialise SPARQL JSON results (`SparqlService.query`);
* **raw**: `Store.query` on the same read-only store, rows materialised (as the peer
  benchmark does); `raw_json_p50_ms` also serialises JSON. Target: endpoint/raw ≤ 1.5;
* **rdflib**: in-memory `Graph.query` on the same triples, the query prepared once
  (`prepareQuery`; its parser alone takes 3-8 ms a query, reported as
  `rdflib_text_p50_ms` when it parses the text each time). Target: ≥ 10× slower;
* **lookup via a worker**: the lookup forced through the worker pool (the process hop);
* **HTTP lookup**: GET /sparql from an httpx client to a uvicorn server in its own process.

Each comparison takes its two sides' samples in alternation, so a busy (shared) machine
slows both alike. The endpoint's rows are checked against raw's, so a fast wrong answer
cannot pass.
``python -m bench.sparql_endpoint --triples 10000`` runs it alone.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import time
from pathlib import Path

from bench.harness import Context, Result, measure

RAW_TARGET, RDFLIB_TARGET = 1.5, 10.0


def _store(ctx: Context) -> Path:
    from bench.sparql_peers import build_synthetic_store

    folder = ctx.cache / "sparql"
    path = folder / f"store-{ctx.triples}-s{ctx.seed}-endpoint"
    return build_synthetic_store(path, ctx.triples, ctx.seed, data_dir=folder)


def _alternate(a, b, rounds: int, budget_s: float, block_a: int = 5, block_b: int = 5):
    """Time `a` and `b` in alternating blocks (after a warm-up each): a busy, shared machine
    slows both sides alike, and a block keeps each side warm. Samples in ms."""
    a(), b()
    sa: list[float] = []
    sb: list[float] = []
    start = time.perf_counter()
    for i in range(rounds):
        sides = [(a, sa, block_a), (b, sb, block_b)]
        for fn, out, n in sides if i % 2 == 0 else sides[::-1]:
            for _ in range(n):
                t0 = time.perf_counter()
                fn()
                out.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - start > budget_s:
            break
    return sa, sb


def _values(body: bytes) -> list[tuple]:
    doc = json.loads(body)
    names = doc["head"]["vars"]
    return sorted(tuple(b.get(v, {}).get("value", "") for v in names) for b in doc["results"]["bindings"])  # fmt: skip


def _raw_values(rows: list[tuple]) -> list[tuple]:
    return sorted(tuple("" if v is None else str(v) for v in r) for r in rows)


def run(ctx: Context) -> list[Result]:
    """Time the endpoint, raw pyoxigraph and rdflib on each query, plus HTTP for a lookup."""
    import pyoxigraph as ox
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    from api.sparql_service import SparqlService
    from bench.sparql_data import synthetic_data
    from bench.sparql_peers import QUERIES, _ox_rows, _rdflib_rows
    from kg.settings import SparqlSettings

    path = _store(ctx)
    raw = ox.Store.read_only(str(path))
    svc = SparqlService(SparqlSettings(timeout_s=600, max_rows=10_000), lambda: path)
    t0 = time.perf_counter()
    svc.warm_up(timeout=600)
    warm_ms = (time.perf_counter() - t0) * 1000
    vs_raw: list[Result] = []
    vs_rdflib: list[Result] = []
    try:
        for name, q in QUERIES.items():
            endpoint = lambda q=q: svc.query(q, format_param="json")  # noqa: E731
            ours, theirs = _alternate(endpoint, lambda q=q: _ox_rows(raw, q), max(1, ctx.repeats // 5), ctx.budget_s)  # fmt: skip
            raw_json = measure(
                lambda q=q: raw.query(q, use_default_graph_as_union=True).serialize(
                    format=ox.QueryResultsFormat.JSON
                ),
                ctx.repeats,
                budget_s=ctx.budget_s,
            )
            p = svc.prepare(q, format_param="json")
            same = _values(svc.execute(p).body) == _raw_values(_ox_rows(raw, q))
            r = Result(f"{name} vs raw", ours, "pyoxigraph", theirs)
            r.metrics.update(
                endpoint_over_raw=round(r.p50 / r.peer_p50, 2),
                target=f"<= {RAW_TARGET}",
                runs_in="process" if svc.inline(p) else "worker",
                raw_json_p50_ms=round(sorted(raw_json)[len(raw_json) // 2], 3),
                same_rows="yes" if same else "NO",
            )
            vs_raw.append(r)
        # rdflib's graph (millions of Python objects) is loaded only now, and frozen out of
        # the garbage collector: its collections would otherwise pause whatever runs next.
        _, nt = synthetic_data(ctx.cache / "sparql", ctx.triples, ctx.seed)
        graph = rdflib.Graph()
        t0 = time.perf_counter()
        graph.parse(str(nt), format="nt")
        load_s = time.perf_counter() - t0
        gc.collect()
        gc.freeze()
        for name, q in QUERIES.items():
            endpoint = lambda q=q: svc.query(q, format_param="json")  # noqa: E731
            # The peer gets its query parsed once, as our endpoint caches its own checks.
            prepared = prepareQuery(q)
            ours, theirs = _alternate(endpoint, lambda p=prepared: _rdflib_rows(graph, p), ctx.peer_repeats, ctx.budget_s, block_b=1)  # fmt: skip
            text = measure(lambda q=q: _rdflib_rows(graph, q), ctx.peer_repeats, 0, ctx.budget_s)
            r = Result(f"{name} vs rdflib", ours, "rdflib", theirs)
            r.metrics.update(target=f">= {RDFLIB_TARGET}x", rdflib_load_s=round(load_s, 1),
                             rdflib_text_p50_ms=round(sorted(text)[len(text) // 2], 3))  # fmt: skip
            vs_rdflib.append(r)
        lookup = svc.prepare(QUERIES["lookup"], format_param="json")
        hop, inline = _alternate(
            lambda: svc.run_pooled(lookup),
            lambda: svc.run_inline(lookup),
            ctx.repeats,
            ctx.budget_s,
        )
        r = Result("lookup via a worker", hop, "in-process", inline)
        r.metrics["process_hop_ms"] = round(r.p50 - r.peer_p50, 3)
        vs_raw.append(r)
    finally:
        svc.close()
    vs_raw.append(_http_lookup(ctx, path, QUERIES["lookup"]))
    vs_raw[0].metrics["warm_up_ms"] = round(warm_ms)
    return vs_raw + vs_rdflib


def _http_lookup(ctx: Context, store: Path, query: str) -> Result:
    """p50 of GET /sparql for the lookup, client and server in separate processes."""
    import httpx

    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.sparql_endpoint", "serve", str(store)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()  # the server prints its URL once it is up
        with httpx.Client(base_url=url, timeout=60) as client:

            def get() -> None:
                r = client.get("/sparql", params={"query": query})
                r.raise_for_status()

            samples = measure(get, max(ctx.repeats, 50), warmup=3, budget_s=ctx.budget_s)
    finally:
        proc.terminate()
        proc.wait(10)
    return Result("HTTP lookup (GET /sparql)", samples)


def _serve(store: str) -> None:
    """A server of just the SPARQL routes over one store (for `_http_lookup`)."""
    from fastapi import FastAPI

    from api import errors
    from api.routes import sparql
    from api.server import serving
    from api.sparql_service import SparqlService
    from kg.settings import Settings, SparqlSettings

    svc = SparqlService(SparqlSettings(timeout_s=600), lambda: Path(store))
    svc.warm_up()
    app = FastAPI()
    errors.install(app)
    app.include_router(sparql.router)
    app.state.sparql = svc
    with serving(Settings(), app=app) as url:
        print(url, flush=True)
        while True:  # until the benchmark terminates this process
            time.sleep(3600)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.sparql_endpoint [--triples N] [--size S]`: this module alone."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        _serve(argv[1])
        return 0
    from bench.__main__ import main as bench_main

    return bench_main(["--only", "sparql_endpoint", *argv])


if __name__ == "__main__":
    sys.exit(main())

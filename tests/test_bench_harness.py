"""The benchmark harness: percentiles, timing, JSON reports, the CLI and failure handling."""

from __future__ import annotations

import json
import math
import sys
import time
import types
from pathlib import Path

import numpy as np
import pytest

from bench import harness
from bench.__main__ import fmt_ms, main
from bench.harness import Context, Result, measure, percentile, write_json


@pytest.mark.parametrize("q", [0, 5, 50, 90, 95, 99, 100])
@pytest.mark.parametrize(
    "xs", [[3.0], [1.0, 2.0], [5.0, 1.0, 4.0, 2.0, 3.0], [0.1 * i * i for i in range(37)]]
)
def test_percentile_matches_numpy(xs: list[float], q: float) -> None:
    assert percentile(xs, q) == pytest.approx(float(np.percentile(xs, q)))


def test_percentile_of_nothing_is_nan_and_ratio_needs_a_peer() -> None:
    assert math.isnan(percentile([], 50))
    assert math.isnan(Result("x", [1.0]).ratio)
    r = Result("x", [1.0, 2.0, 3.0], peer="slow", peer_samples_ms=[20.0, 40.0])
    assert r.p50 == 2.0 and r.peer_p50 == 30.0 and r.ratio == 15.0


def test_measure_warms_up_then_times_each_repeat() -> None:
    calls = []
    samples = measure(lambda: calls.append(1), repeats=7, warmup=2)
    assert len(calls) == 9 and len(samples) == 7
    assert all(s >= 0 for s in samples)


def test_measure_stops_at_the_budget_but_keeps_one_sample() -> None:
    samples = measure(lambda: time.sleep(0.03), repeats=100, warmup=1, budget_s=0.1)
    assert 1 <= len(samples) <= 4
    assert all(s >= 25 for s in samples)  # milliseconds
    assert len(measure(lambda: time.sleep(0.05), repeats=5, warmup=1, budget_s=0.01)) == 1


def test_json_report_has_percentiles_samples_and_machine(tmp_path: Path) -> None:
    ctx = Context.for_size("smoke", tmp_path / "cache", tmp_path / "res")
    res = Result("q", [1.0, 2.0, 3.0, 4.0], "peer", [10.0], {"rows": 3})
    rep = harness.ModuleReport("demo", "smoke", [res], seconds=1.5, peak_rss_mb=99.0)
    path = write_json(rep, ctx)
    assert path == tmp_path / "res" / "demo-smoke.json"
    assert not list((tmp_path / "res").glob("*.tmp"))
    doc = json.loads(path.read_text())
    assert doc["module"] == "demo" and doc["peak_rss_mb"] == 99.0 and doc["error"] is None
    assert doc["context"]["triples"] == 10_000 and doc["machine"]["cpus"] >= 1
    (row,) = doc["results"]
    assert row["p50_ms"] == 2.5 and row["p95_ms"] == pytest.approx(3.85) and row["n"] == 4
    assert row["peer_p50_ms"] == 10.0 and row["ratio"] == 4.0 and row["metrics"] == {"rows": 3}
    assert row["samples_ms"] == [1.0, 2.0, 3.0, 4.0]


def test_durations_print_in_readable_units() -> None:
    assert fmt_ms(0.0834) == "0.0834 ms" and fmt_ms(249.4) == "249 ms" and fmt_ms(3812) == "3.81 s"
    assert fmt_ms(math.nan) == "—"


def test_sparql_peers_runs_isolated_and_both_engines_agree(tmp_path: Path, capsys) -> None:
    args = [
        "--only",
        "sparql_peers",
        "--size",
        "smoke",
        "--triples",
        "10000",
        "--cache",
        str(tmp_path / "c"),
        "--results",
        str(tmp_path / "r"),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "sparql_peers (smoke)" in out and "filter_order_limit" in out and "rdflib" in out
    doc = json.loads((tmp_path / "r" / "sparql_peers-smoke.json").read_text())
    rows = {r["name"]: r for r in doc["results"]}
    assert set(rows) == {"load", "lookup", "filter_order_limit", "two_hop", "aggregate"}
    assert rows["load"]["metrics"]["triples"] == 10_000 and rows["load"]["metrics"]["store_mb"] > 0
    for name in ("lookup", "filter_order_limit", "two_hop", "aggregate"):
        assert rows[name]["metrics"]["same_rows"] == "yes", name  # a fast wrong answer fails
        assert rows[name]["metrics"]["rows"] > 0 and rows[name]["peer_n"] >= 1
    assert doc["peak_rss_mb"] > 0


def test_synthetic_store_has_exactly_the_requested_triples(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from bench.sparql_peers import build_synthetic_store

    path = build_synthetic_store(tmp_path / "store", 2500)
    store = ox.Store.read_only(str(path))
    assert len(store) == 2500
    assert len(list(store.named_graphs())) > 20  # one graph per source file
    del store
    assert build_synthetic_store(tmp_path / "store", 2500) == path  # reused, not rebuilt


def test_a_failing_module_is_reported_and_the_rest_still_run(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    ok = types.ModuleType("bench_fake_ok")
    ok.run = lambda ctx: [Result("fast", [1.0, 1.0])]
    bad = types.ModuleType("bench_fake_bad")

    def boom(ctx):
        raise RuntimeError("store vanished")

    bad.run = boom
    monkeypatch.setitem(sys.modules, "bench_fake_ok", ok)
    monkeypatch.setitem(sys.modules, "bench_fake_bad", bad)
    monkeypatch.setattr(harness, "REGISTRY", {"bad": "bench_fake_bad", "ok": "bench_fake_ok"})
    monkeypatch.setattr("bench.__main__.REGISTRY", harness.REGISTRY)
    code = main(["--only", "bad,ok", "--in-process", "--results", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "store vanished" in out and "FAILED" in out and "fast" in out
    assert "RuntimeError" in json.loads((tmp_path / "bad-smoke.json").read_text())["error"]
    assert json.loads((tmp_path / "ok-smoke.json").read_text())["results"][0]["name"] == "fast"


def test_unknown_module_is_refused_with_the_registered_names(capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(["--only", "nope"])
    assert e.value.code == 2
    assert "sparql_peers" in capsys.readouterr().err


def test_a_module_whose_process_dies_is_reported(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "bench_fake_crash.py").write_text("import os\n\ndef run(ctx):\n    os._exit(9)\n")
    monkeypatch.syspath_prepend(str(tmp_path))  # the spawned process inherits sys.path
    monkeypatch.setattr(harness, "REGISTRY", {"crash": "bench_fake_crash"})
    monkeypatch.setattr("bench.__main__.REGISTRY", harness.REGISTRY)
    assert main(["--only", "crash", "--results", str(tmp_path / "r")]) == 1
    assert "process died" in capsys.readouterr().out
    doc = json.loads((tmp_path / "r" / "crash-smoke.json").read_text())
    assert "out of memory?" in doc["error"] and doc["peak_rss_mb"] is None

"""RDF generations: a cold build of ~1M quads versus a one-source change on top of it.

A new generation starts as a RocksDB checkpoint of its base (`Store.backup`, hard links)
and then replaces only the changed source's named graph, so a one-file change must cost
a small fraction of the cold build. Measured here:

* IR -> quads mapping of every synthetic source (`quads_for`);
* cold build (`RdfStore.stage` with no base: one `bulk_extend`);
* `Store.backup` of the built generation alone;
* a one-source change and a one-source delete on top of it (backup + drop graph + insert);
* a chain of one-source changes (each on the previous generation) to show layers stay cheap;
* a lookup on the new generation.

``python -m bench.rdf_generations [--quads N]`` runs it alone; the harness calls `run`.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.harness import Context, Result, disk_bytes, measure
from kg.ir import Attribute, Entity, LinkedSource, ParsedSource, Provenance, Relation, SourceFile
from kg.rdf.mapping import quads_for, vocabulary_quads
from kg.rdf.store import RdfStore

BASE = "https://bench.example.org/kb"


def synthetic_source(i: int, version: int = 0) -> LinkedSource:
    """A model card with 12 attributes and 3 relations (~150 quads)."""
    path = f"kb/model_cards/m{i:06d}.yaml"
    eid = f"m{i:06d}"

    def a(p: str, v: object, line: int, prop: str | None, dt: str = "string") -> Attribute:
        return Attribute(eid, p, str(v), v, Provenance(path, line, line, p), prop, None, dt)

    attrs = [
        a("name", f"Model {i}", 2, "name"),
        a("summary", f"Synthetic model number {i}, version {version}.", 3, "summary"),
        a("modality", "fmri", 4, "modality"),
        a("arch.type", "Transformer", 6, "architecture"),
        a("arch.parameters", 1_000_000 + i + version, 7, "parameters", "integer"),
        a("arch.context_length", 1024 * (1 + i % 8), 8, "context_length", "integer"),
        a("arch.layers", 12 + i % 12, 9, None, "integer"),
        a("arch.dropout", 0.1, 10, None, "decimal"),
        a("license.code", "MIT", 12, "license"),
        a("repo", f"https://github.com/example/m{i}", 13, "repo", "uri"),
        a("tags[0]", "synthetic", 15, "tag"),
        a("verified", i % 2 == 0, 16, "verified", "boolean"),
    ]
    rels = [
        Relation(eid, "has_modality", "fmri", Provenance(path, 4, 4, "modality"), "fmri"),
        Relation(
            eid,
            "uses_dataset",
            f"d{i % 500}",
            Provenance(path, 18, 18, "datasets[0]"),
            f"d{i % 500}",
        ),
        Relation(eid, "described_by", f"p{i}", Provenance(path, 20, 20, "paper"), f"p{i}"),
    ]
    ent = Entity(eid, "model", f"Model {i}", Provenance(path, 1, 20), [f"M-{i}"])
    sf = SourceFile(path, "model_card", f"{i:064x}")
    return LinkedSource(ParsedSource(sf, True, [ent], attrs), rels)


def build_upserts(n_quads: int) -> tuple[dict[str, list], float]:
    """Sources until `n_quads` quads are reached; returns them and the mapping seconds."""
    upserts: dict[str, list] = {"<vocabulary>": vocabulary_quads(BASE)}
    total, i, t0 = len(upserts["<vocabulary>"]), 0, time.perf_counter()
    while total < n_quads:
        ls = synthetic_source(i)
        upserts[ls.path] = quads_for(ls, BASE)
        total += len(upserts[ls.path])
        i += 1
    return upserts, time.perf_counter() - t0


def run(ctx: Context) -> list[Result]:
    """Measure cold build versus incremental generations at ``ctx.triples`` quads."""
    work = Path(tempfile.mkdtemp(prefix="rdf-gen-", dir=ctx.cache))
    try:
        return _run(ctx, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(ctx: Context, work: Path) -> list[Result]:
    upserts, map_s = build_upserts(ctx.triples)
    n_quads = sum(len(q) for q in upserts.values())
    n_sources = len(upserts) - 1
    results = [
        Result(
            "map IR -> quads (all sources)",
            [map_s * 1000],
            metrics={"quads": n_quads, "sources": n_sources, "quads_per_s": round(n_quads / map_s)},
        )
    ]
    rdf = RdfStore(work / "rdf", BASE)
    t0 = time.perf_counter()
    rdf.stage(None, "cold", upserts, [])
    cold_ms = (time.perf_counter() - t0) * 1000
    results.append(
        Result(
            "cold build (bulk_extend)",
            [cold_ms],
            metrics={"quads": n_quads, "disk_mb": round(disk_bytes(rdf.path_of("cold")) / 1e6, 1)},
        )
    )
    base = rdf.open_read("cold")
    results[-1].metrics["distinct_quads"] = n_distinct = len(base)  # hasModality twice = once

    counter = iter(range(10**6))

    def backup_only() -> None:
        target = work / f"backup-{next(counter)}"
        base.backup(str(target))
        shutil.rmtree(target)

    results.append(
        Result(
            "Store.backup (checkpoint) alone",
            measure(backup_only, ctx.repeats, budget_s=ctx.budget_s),
        )
    )

    changed = synthetic_source(7, version=1)
    one = {changed.path: quads_for(changed, BASE)}

    def change_one() -> None:
        gen = f"chg{next(counter)}"
        rdf.stage("cold", gen, one, [])
        rdf.gc(keep={"cold"})

    samples = measure(change_one, ctx.repeats, budget_s=ctx.budget_s)
    results.append(
        Result(
            "one-source change on base (backup + drop graph + insert)",
            samples,
            metrics={
                "quads_changed": len(one[changed.path]),
                "vs_cold": f"{cold_ms / (sorted(samples)[len(samples) // 2]):.0f}x cheaper",
            },
        )
    )

    def delete_one() -> None:
        gen = f"del{next(counter)}"
        rdf.stage("cold", gen, {}, [changed.path])
        rdf.gc(keep={"cold"})

    results.append(
        Result("one-source delete on base", measure(delete_one, ctx.repeats, budget_s=ctx.budget_s))
    )

    chain, prev = [], "cold"
    for k in range(min(ctx.repeats, 20)):
        ls = synthetic_source(k * 13 % n_sources, version=k + 2)
        t0 = time.perf_counter()
        rdf.stage(prev, f"chain{k}", {ls.path: quads_for(ls, BASE)}, [])
        chain.append((time.perf_counter() - t0) * 1000)
        prev = f"chain{k}"
    last = rdf.open_read(prev)
    assert len(last) == n_distinct, "a chain of one-source changes changed the quad count"
    results.append(
        Result(
            "chain of one-source changes (each on the previous)",
            chain,
            metrics={"generations": len(chain)},
        )
    )

    query = f"SELECT ?v WHERE {{ GRAPH ?g {{ <{BASE}/model/m000007> <https://neuro-omics-kg.org/ontology#parameterCount> ?v }} }}"
    results.append(
        Result(
            "lookup on the newest generation", measure(lambda: list(last.query(query)), ctx.repeats)
        )
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000, help="quads in the cold build")
    parser.add_argument(
        "--repeats", type=int, default=10, help="samples per incremental measurement"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = Context.for_size(
            "1k", cache=Path(tmp), results=Path(tmp), triples=args.quads, repeats=args.repeats
        )
        for r in run(ctx):
            extra = " ".join(f"{k}={v}" for k, v in r.metrics.items())
            print(
                f"{r.name:60} p50 {r.p50:10.1f} ms  p95 {r.p95:10.1f} ms  n={len(r.samples_ms):3}  {extra}"
            )


if __name__ == "__main__":
    main()

"""Recall@10 of the HNSW index against exact (flat) search, and per-query latency of both.

Usage: ``python -m bench.ann_recall [--n 50000] [--dim 384] [--queries 500]``

Two vector sets of unit vectors: uniformly random (the hardest case for graph indexes: no
structure to exploit) and clustered (closer to real sentence embeddings, which sit on a few
topical clusters). The index settings are the ones `retrieval.dense` uses above
`settings.retrieval.ann_threshold`.
"""

from __future__ import annotations

import argparse
import time

import faiss
import numpy as np

from retrieval.dense import HNSW_EF_SEARCH, DenseIndex


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def vector_sets(n: int, dim: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Uniform random and clustered (200 centres, noise 0.5) unit vectors."""
    centres = rng.standard_normal((200, dim))
    labels = rng.integers(0, 200, n)
    clustered = centres[labels] + 0.5 * rng.standard_normal((n, dim))
    return {"uniform": _unit(rng.standard_normal((n, dim))), "clustered": _unit(clustered)}


def recall_at(truth: np.ndarray, found: np.ndarray, k: int = 10) -> float:
    """Mean fraction of the true top-k found in the approximate top-k."""
    return float(
        np.mean([len(set(t[:k]) & set(f[:k])) / k for t, f in zip(truth, found, strict=True)])
    )


def run(n: int, dim: int, n_queries: int, seed: int = 0) -> list[dict]:
    """Build flat and HNSW over each vector set; measure recall@10 and latency per query."""
    rng = np.random.default_rng(seed)
    rows = []
    for name, vecs in vector_sets(n + n_queries, dim, rng).items():
        base, queries = vecs[:n], vecs[n:]
        flat = DenseIndex.build(base, ann_threshold=n)
        t = time.perf_counter()
        hnsw = DenseIndex.build(base, ann_threshold=n - 1)
        build_s = time.perf_counter() - t
        truth = np.stack([flat.search(q, 10)[1] for q in queries])
        for ef in sorted({64, 128, HNSW_EF_SEARCH, 512}):
            hnsw.index.hnsw.efSearch = ef
            lat = []
            found = []
            for q in queries:
                t = time.perf_counter()
                found.append(hnsw.search(q, 10)[1])
                lat.append(time.perf_counter() - t)
            rows.append(
                {
                    "set": name,
                    "efSearch": ef,
                    "recall@10": recall_at(truth, np.stack(found)),
                    "hnsw_ms": 1000 * float(np.median(lat)),
                    "build_s": build_s,
                }
            )
        lat = []
        for q in queries[:100]:
            t = time.perf_counter()
            flat.search(q, 10)
            lat.append(time.perf_counter() - t)
        rows.append(
            {
                "set": name,
                "efSearch": "flat",
                "recall@10": 1.0,
                "hnsw_ms": 1000 * float(np.median(lat)),
                "build_s": 0.0,
            }
        )
    return rows


def main() -> None:
    """Print the recall/latency table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--queries", type=int, default=500)
    args = ap.parse_args()
    faiss.omp_set_num_threads(1)
    print(f"n={args.n} dim={args.dim} queries={args.queries} (1 thread)")
    print(f"{'set':10} {'efSearch':>8} {'recall@10':>10} {'ms/query':>9} {'build s':>8}")
    for r in run(args.n, args.dim, args.queries):
        print(
            f"{r['set']:10} {r['efSearch']!s:>8} {r['recall@10']:10.3f} {r['hnsw_ms']:9.2f} "
            f"{r['build_s']:8.1f}"
        )


if __name__ == "__main__":
    main()

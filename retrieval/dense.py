"""Dense vector index on FAISS: exact inner product while small, HNSW above a threshold.

Vectors are unit length, so inner product is cosine similarity. Queries run on one OpenMP
thread: measured here, FAISS flat over 100k × 384 takes 7 ms per query on one thread against
14.6 ms on two (thread start-up dominates single queries).

HNSW recall@10 against flat, 50k × 384 unit vectors, M=32, efConstruction=200, one thread
(``bench/ann_recall.py``): clustered vectors (like sentence embeddings) 1.000 at efSearch
64-512 in 0.1-0.8 ms; uniformly random vectors (the worst case) 0.30 / 0.47 / 0.69 / 0.89 at
efSearch 64 / 128 / 256 / 512 in 0.4 / 0.7 / 1.2 / 2.2 ms; flat takes 6.9 ms. efSearch 256
buys the worst case most of its recall at a fifth of flat's latency.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_M = 32  # graph degree: recall/memory trade-off, 32 is the usual sweet spot at 384-d
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 256  # bench/ann_recall.py: recall/latency trade-off, see docstring


class DenseIndex:
    """A FAISS inner-product index over unit vectors; row i is chunk i."""

    def __init__(self, index: faiss.Index):
        self.index = index

    @property
    def kind(self) -> str:
        """'hnsw' or 'flat'."""
        return "hnsw" if isinstance(self.index, faiss.IndexHNSW) else "flat"

    @property
    def dim(self) -> int:
        return self.index.d

    def __len__(self) -> int:
        return self.index.ntotal

    @classmethod
    def build(
        cls, vectors: np.ndarray, ann_threshold: int = 100_000, dim: int | None = None
    ) -> DenseIndex:
        """Index `vectors` (n × d): flat (exact) while n ≤ ann_threshold, HNSW above."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        d = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else int(dim or 0)
        if len(vectors) > ann_threshold:
            index = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            index = faiss.IndexFlatIP(d)
        if len(vectors):
            index.add(vectors)
        return cls(index)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, row ids) for one query vector; ids are -1 past the end."""
        faiss.omp_set_num_threads(1)
        if self.index.ntotal == 0 or k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        scores, ids = self.index.search(q, min(k, self.index.ntotal))
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep]

    def save(self, path: str | Path) -> None:
        """Write the index file."""
        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: str | Path) -> DenseIndex:
        """Read an index file written by `save`."""
        index = faiss.read_index(str(path))
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index)

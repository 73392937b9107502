"""The retrieval index: chunks + dense (FAISS) + BM25, built once, persisted, searched fast.

Files in the index folder: ``chunks.jsonl`` (one chunk per line, row order), ``dense.faiss``,
``bm25/`` and ``meta.json`` (written last, so a folder without it is not an index).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kg.errors import ConfigError, NotIngestedError
from retrieval.chunks import CHUNKING_VERSION, Chunk
from retrieval.dense import DenseIndex
from retrieval.embed_cache import EmbedCache
from retrieval.embedders import Embedder
from retrieval.hybrid import fuse
from retrieval.lexical import BM25Index

FORMAT = 1
MODES = ("hybrid", "dense", "bm25", "keyword")
_QUERY_CACHE = 256
MENTION_WEIGHT = 0.5


@dataclass(slots=True)
class Hit:
    """A retrieved chunk: fused (or single-list) score, 1-based rank, and per-list ranks."""

    chunk: Chunk
    score: float
    rank: int
    dense_rank: int | None
    bm25_rank: int | None


class RetrievalIndex:
    """Search over chunks by meaning (dense), by words (BM25) or both fused (hybrid)."""

    def __init__(self, chunks: list[Chunk], embedder: Embedder, dense: DenseIndex, bm25: BM25Index):
        self.chunks = chunks
        self.embedder = embedder
        self.dense = dense
        self.bm25 = bm25
        self._by_entity: dict[str, list[int]] = {}
        self._by_source: dict[str, list[int]] = {}
        for row, c in enumerate(chunks):
            for e in c.entity_ids:
                self._by_entity.setdefault(e, []).append(row)
            self._by_source.setdefault(c.source, []).append(row)
        self._qcache: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.chunks)

    def of_source(self, source: str) -> list[Chunk]:
        """The chunks cut from one file, in file order."""
        return [self.chunks[row] for row in self._by_source.get(source, [])]

    @classmethod
    def build(
        cls,
        chunks: Iterable[Chunk],
        embedder: Embedder,
        cache: EmbedCache,
        out_dir: str | Path,
        *,
        batch_size: int = 64,
        ann_threshold: int = 100_000,
    ) -> RetrievalIndex:
        """Embed (through the cache), index and persist `chunks` into `out_dir`."""
        chunks = list(chunks)
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "meta.json").unlink(missing_ok=True)
        vecs = cache.embed([c.text for c in chunks], embedder, batch_size=batch_size)
        dense = DenseIndex.build(vecs, ann_threshold=ann_threshold, dim=embedder.dim)
        bm25 = BM25Index.build([c.text for c in chunks])
        with (out / "chunks.jsonl").open("w", encoding="utf-8") as f:
            for c in chunks:
                f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
        dense.save(out / "dense.faiss")
        bm25.save(out / "bm25")
        meta = {
            "format": FORMAT,
            "chunking": CHUNKING_VERSION,
            "embedder": embedder.name,
            "dim": dense.dim,
            "chunks": len(chunks),
            "dense": dense.kind,
        }
        (out / "meta.json").write_text(json.dumps(meta, indent=1))
        return cls(chunks, embedder, dense, bm25)

    @staticmethod
    def is_current(out_dir: str | Path, embedder_name: str) -> bool:
        """Whether `out_dir` holds a complete index of this format and chunking, built with
        the embedder `embedder_name` (the ingest rebuilds one that is not)."""
        try:
            meta = json.loads((Path(out_dir) / "meta.json").read_text())
        except (OSError, ValueError):
            return False
        return (
            meta.get("format") == FORMAT
            and meta.get("chunking") == CHUNKING_VERSION
            and meta.get("embedder") == embedder_name
        )

    @classmethod
    def load(cls, out_dir: str | Path, embedder: Embedder) -> RetrievalIndex:
        """Open an index written by `build`.

        Raises:
            NotIngestedError: the folder holds no complete index.
            ConfigError: the index was built with another embedder than `embedder`.
        """
        out = Path(out_dir)
        try:
            meta = json.loads((out / "meta.json").read_text())
        except (OSError, ValueError) as exc:
            raise NotIngestedError(
                f"{out}: no retrieval index here — run `kg ingest` first"
            ) from exc
        if meta.get("embedder") != embedder.name:
            raise ConfigError(
                f"{out}: the index was built with embedder {meta.get('embedder')!r} but "
                f"{embedder.name!r} is configured — re-run `kg ingest` or set "
                "KG_RETRIEVAL__EMBEDDER back"
            )
        with (out / "chunks.jsonl").open(encoding="utf-8") as f:
            chunks = [Chunk.from_dict(json.loads(line)) for line in f if line.strip()]
        dense = DenseIndex.load(out / "dense.faiss")
        bm25 = BM25Index.load(out / "bm25", len(chunks))
        return cls(chunks, embedder, dense, bm25)

    def embed_query(self, query: str) -> np.ndarray:
        """The query vector (recent queries are remembered)."""
        vec = self._qcache.get(query)
        if vec is None:
            vec = self.embedder.embed([query])[0]
            if len(self._qcache) >= _QUERY_CACHE:
                self._qcache.pop(next(iter(self._qcache)))
            self._qcache[query] = vec
        return vec

    def search(
        self, query: str, k: int = 8, entity_ids: Iterable[str] = (), mode: str = "hybrid"
    ) -> list[Hit]:
        """The k best chunks for `query`.

        Args:
            query: the question or search text.
            k: how many hits to return.
            entity_ids: entities linked in the question; in hybrid mode chunks carrying them
                are boosted (and considered even when neither ranking found them).
            mode: 'hybrid' (RRF of dense and BM25), 'dense', 'bm25', or 'keyword' (BM25
                with the entity boost of hybrid and no query embedding: a quick second look).
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if not self.chunks or k <= 0 or not query.strip():
            return []
        depth = k if mode in ("dense", "bm25") else max(4 * k, 50)
        dense_rows: list[int] = []
        bm25_rows: list[int] = []
        scores: dict[int, float] = {}
        if mode in ("hybrid", "dense"):
            s, ids = self.dense.search(self.embed_query(query), depth)
            dense_rows = ids.tolist()
            scores.update(zip(dense_rows, s.tolist(), strict=True))
        if mode in ("hybrid", "bm25", "keyword"):
            s, ids = self.bm25.search(query, depth)
            bm25_rows = ids.tolist()
            scores.update(zip(bm25_rows, s.tolist(), strict=True))
        if mode == "dense":
            return [self._hit(r, scores[r], i, i, None) for i, r in enumerate(dense_rows[:k], 1)]
        if mode == "bm25":
            return [self._hit(r, scores[r], i, None, i) for i, r in enumerate(bm25_rows[:k], 1)]
        linked = list(dict.fromkeys(entity_ids))
        matches: dict[int, float] = {}
        for e in linked:
            for row in self._by_entity.get(e, ()):
                # A chunk about the entity (its first id) counts fully; one that only
                # mentions it counts half, so card facts beat passing mentions.
                w = 1.0 if self.chunks[row].entity_ids[0] == e else MENTION_WEIGHT
                matches[row] = matches.get(row, 0.0) + w
        fused = fuse(dense_rows, bm25_rows, matches, len(linked))
        return [
            self._hit(f.row, f.score, i, f.dense_rank, f.bm25_rank)
            for i, f in enumerate(fused[:k], 1)
        ]

    def _hit(self, row: int, score: float, rank: int, d: int | None, b: int | None) -> Hit:
        return Hit(self.chunks[row], float(score), rank, d, b)

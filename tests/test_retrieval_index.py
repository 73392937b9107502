"""Search finds the right chunk by meaning, by name and by linked entity, and survives a reload."""

from __future__ import annotations

import json

import pytest

from kg.errors import ConfigError, NotIngestedError
from retrieval.chunks import make_chunk
from retrieval.embed_cache import EmbedCache
from retrieval.embedders import HashEmbedder, MiniLMEmbedder
from retrieval.hybrid import fuse, rrf
from retrieval.index import RetrievalIndex
from retrieval.lexical import tokenize

PASSAGES = [
    ("caduceus", "Caduceus supports a context length of 131072 base pairs with RC equivariance."),
    ("brainjepa", "Brain-JEPA learns fMRI latents with a joint-embedding predictive architecture."),
    ("dnabert2", "DNABERT-2 replaces k-mers with byte-pair tokenization and ALiBi positions."),
    ("evo2", "Evo 2 was trained on the OpenGenome2 corpus with StripedHyena 2 layers."),
    ("brainlm", "BrainLM reconstructs masked voxel time series from UK Biobank fMRI."),
    ("hg38", "The hg38 reference genome windows feed masked language model pretraining."),
    ("swift", "SwiFT applies a 4D Swin transformer to rs-fMRI volumes over time."),
]


def _chunks():
    return [
        make_chunk(text, f"kb/model_cards/{eid}.yaml", (i + 1, i + 3), [eid], "prose", eid)
        for i, (eid, text) in enumerate(PASSAGES)
    ]


@pytest.fixture
def index(tmp_path):
    e = HashEmbedder()
    return RetrievalIndex.build(_chunks(), e, EmbedCache(tmp_path / "cache"), tmp_path / "idx")


def _top(hits) -> str:
    return hits[0].chunk.entity_ids[0]


def test_rrf_rewards_agreement_between_rankings():
    scores = rrf([[1, 2, 3], [3, 2, 9]], k=60)
    assert scores[2] == pytest.approx(1 / 62 + 1 / 62)
    assert max(scores, key=scores.get) == 3  # 1/63 + 1/61 beats 2/62 and 1/61
    fused = fuse([1, 2, 3], [3, 2, 9])
    assert [f.row for f in fused][:2] == [3, 2]
    assert (fused[0].dense_rank, fused[0].bm25_rank) == (3, 1)


def test_entity_boost_lifts_chunks_about_linked_entities():
    # Without the boost row 5 is last; naming its entity in the question lifts it to the top,
    # and a row neither ranking found still becomes a candidate.
    plain = {f.row: f.score for f in fuse([1, 2, 5], [2, 1, 5])}
    assert min(plain, key=plain.get) == 5
    boosted = fuse([1, 2, 5], [2, 1, 5], entity_matches={5: 1, 7: 1}, n_linked=1)
    assert boosted[0].row == 5
    assert 7 in [f.row for f in boosted]
    # A chunk carrying one of two linked entities earns half the boost of one carrying both.
    both = {f.row: f.score for f in fuse([1, 2, 5], [2, 1, 5], {5: 2}, n_linked=2)}
    one = {f.row: f.score for f in fuse([1, 2, 5], [2, 1, 5], {5: 1}, n_linked=2)}
    assert both[5] - plain[5] == pytest.approx(2 * (one[5] - plain[5]))


def test_tokenizer_keeps_model_names_and_their_split_forms():
    toks = tokenize("Brain-JEPA and DNABERT-2 on rs-fMRI, Evo 2 with hg38; 131,072 tokens")
    for t in (
        "brain-jepa",
        "brainjepa",
        "brain",
        "jepa",
        "dnabert-2",
        "dnabert2",
        "dnabert",
        "rs-fmri",
        "fmri",
        "evo2",
        "hg38",
        "131072",
    ):
        assert t in toks
    assert "and" not in toks and "on" not in toks


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("Brain JEPA", "brainjepa"),
        ("BrainJEPA", "brainjepa"),
        ("DNABERT2 tokenizer", "dnabert2"),
        ("Evo2 training data", "evo2"),
        ("hg38", "hg38"),
        ("rs-fMRI swin", "swift"),
        ("context 131,072", "caduceus"),
    ],
)
def test_bm25_finds_names_written_differently(index, query, entity):
    assert _top(index.search(query, k=3, mode="bm25")) == entity


def test_hybrid_search_reports_ranks_from_both_lists(index):
    hits = index.search("Caduceus context length", k=3)
    assert _top(hits) == "caduceus"
    assert hits[0].rank == 1 and hits[0].dense_rank == 1 and hits[0].bm25_rank == 1
    dense = index.search("Caduceus context length", k=3, mode="dense")
    assert all(h.bm25_rank is None and h.dense_rank == h.rank for h in dense)
    assert len(index.search("fMRI", k=2)) == 2
    with pytest.raises(ValueError, match="mode"):
        index.search("x", mode="fuzzy")


def test_keyword_search_boosts_linked_entities_without_embedding_the_query(index):
    plain = index.search("fMRI time series", k=3, mode="bm25")
    assert _top(plain) != "swift"
    hits = index.search("fMRI time series", k=3, entity_ids=["swift"], mode="keyword")
    assert _top(hits) == "swift"  # the linked entity's chunk, as in hybrid
    assert all(h.dense_rank is None for h in hits)
    assert not index._qcache  # no query vector was computed


def test_linked_entity_decides_an_ambiguous_question(index):
    q = "masked fMRI pretraining"
    assert _top(index.search(q, k=3, entity_ids=["brainjepa"])) == "brainjepa"
    assert _top(index.search(q, k=3, entity_ids=["brainlm"])) == "brainlm"


def test_index_round_trips_through_its_folder(tmp_path, index):
    e = HashEmbedder()
    loaded = RetrievalIndex.load(tmp_path / "idx", e)
    assert [c.id for c in loaded.chunks] == [c.id for c in index.chunks]
    q = "byte-pair tokenization"
    assert [h.chunk.id for h in loaded.search(q)] == [h.chunk.id for h in index.search(q)]
    assert e.texts_embedded == 1  # loading re-embeds nothing; only the query is embedded
    meta = json.loads((tmp_path / "idx" / "meta.json").read_text())
    assert meta["chunks"] == len(PASSAGES) and meta["dense"] == "flat"


def test_loading_a_missing_or_mismatched_index_says_what_to_do(tmp_path, index):
    with pytest.raises(NotIngestedError, match="kg ingest"):
        RetrievalIndex.load(tmp_path / "nothing", HashEmbedder())
    with pytest.raises(ConfigError, match="hash-64"):
        RetrievalIndex.load(tmp_path / "idx", HashEmbedder(64))


def test_large_index_switches_to_hnsw_and_still_finds(tmp_path):
    e = HashEmbedder()
    idx = RetrievalIndex.build(_chunks(), e, EmbedCache(None), tmp_path / "i", ann_threshold=3)
    assert idx.dense.kind == "hnsw"
    again = RetrievalIndex.load(tmp_path / "i", e)
    assert again.dense.kind == "hnsw"
    assert _top(again.search("OpenGenome2 StripedHyena", mode="dense")) == "evo2"


def test_empty_index_and_empty_query_return_nothing(tmp_path):
    idx = RetrievalIndex.build([], HashEmbedder(), EmbedCache(None), tmp_path / "e")
    assert idx.search("anything") == []
    assert RetrievalIndex.load(tmp_path / "e", HashEmbedder()).search("x") == []


@pytest.mark.integration
def test_minilm_ranks_the_semantically_related_chunk_first(tmp_path):
    chunks = _chunks() + [
        make_chunk(
            "Gene vectors are averaged over both DNA strands so orientation does not change them.",
            "docs/rc.md",
            (1, 2),
            ["rc"],
            "section",
            "RC averaging",
        ),
    ]
    idx = RetrievalIndex.build(chunks, MiniLMEmbedder(), EmbedCache(None), tmp_path / "m")
    # Hardly a word in common with the target chunk: meaning has to find it.
    hits = idx.search("averaging the two orientations of a sequence", k=3, mode="dense")
    assert hits[0].chunk.source == "docs/rc.md"
    hits = idx.search("which model reads brain scans with a swin transformer", k=3)
    assert _top(hits) == "swift"

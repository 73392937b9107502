"""Reciprocal-rank fusion of dense and BM25 rankings, with a boost for linked entities.

RRF (Cormack et al., 2009) adds 1 / (k + rank) over the rankings a row appears in; it needs no
score calibration between cosine and BM25. A row whose chunk is about entities the question
names gets an extra `boost` × (fraction of those entities it carries) × 1 / (k + 1), i.e. up to
the weight of a first place in one more ranking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

RRF_K = 60
ENTITY_BOOST = 1.0


@dataclass(slots=True)
class Fused:
    """One fused row: its chunk row id, fused score and 1-based ranks in each list (or None)."""

    row: int
    score: float
    dense_rank: int | None
    bm25_rank: int | None


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> dict[int, float]:
    """Reciprocal-rank fusion: row -> sum over rankings of 1 / (k + rank)."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (k + rank)
    return scores


def fuse(
    dense: Sequence[int],
    bm25: Sequence[int],
    entity_matches: dict[int, float] | None = None,
    n_linked: int = 0,
    k: int = RRF_K,
    boost: float = ENTITY_BOOST,
) -> list[Fused]:
    """Fuse two rankings (row ids, best first) and apply the linked-entity boost.

    Args:
        dense: rows ranked by the dense index.
        bm25: rows ranked by BM25.
        entity_matches: row -> how many of the question's linked entities the row's chunk
            carries (weighted: the caller may count mere mentions less); rows listed here join
            the candidates even when neither ranking has them.
        n_linked: how many entities were linked in the question.
        k: the RRF constant.
        boost: weight of a full entity match, in first-place units.

    Returns:
        Rows sorted by fused score, best first (ties keep dense, then BM25, order).
    """
    scores = rrf([dense, bm25], k)
    d_rank = {row: i for i, row in enumerate(dense, start=1)}
    b_rank = {row: i for i, row in enumerate(bm25, start=1)}
    if entity_matches and n_linked:
        for row, hits in entity_matches.items():
            frac = min(hits, n_linked) / n_linked
            scores[row] = scores.get(row, 0.0) + boost * frac / (k + 1)
    order = sorted(
        scores,
        key=lambda r: (-scores[r], d_rank.get(r, 1 << 30), b_rank.get(r, 1 << 30), r),
    )
    return [Fused(r, scores[r], d_rank.get(r), b_rank.get(r)) for r in order]

"""BM25 (bm25s) over chunks, with a tokenizer that keeps model names whole.

Names such as ``Brain-JEPA``, ``DNABERT-2``, ``rs-fMRI``, ``hg38`` or ``Evo 2`` are indexed
intact *and* in their split and joined forms, so "Brain JEPA", "BrainJEPA", "DNABERT2" and
"Evo2" all meet the same postings.
"""

from __future__ import annotations

import re
from pathlib import Path

import bm25s
import numpy as np

_THOUSANDS = re.compile(r"(?<=\d)[,\u2009\u202f](?=\d{3}\b)")
_COMPOUND = re.compile(r"[a-z0-9]+(?:[-_.+/][a-z0-9]+)*")
_SPLIT = re.compile(r"[-_.+/]")
_ALPHA_DIGITS = re.compile(r"^([a-z]{3,})(\d+)$")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "do",
        "does",
        "did",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "any",
        "all",
        "also",
        "between",
        "both",
        "each",
        "more",
        "most",
        "other",
        "over",
        "same",
        "some",
        "up",
        "use",
        "used",
        "using",
        "there's",
        "what's",
        "which's",
    ]
)


def _stem(word: str) -> str:
    """Plural folding only: cheap, predictable, and enough for 'models' ~ 'model'."""
    if len(word) > 4 and word.isalpha():
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
    return word


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens: compounds whole, plus their parts and joined forms."""
    text = _THOUSANDS.sub("", text.lower())
    out: list[str] = []
    prev_alpha = ""
    for m in _COMPOUND.finditer(text):
        tok = m.group(0).strip("._-+/")
        if not tok:
            continue
        parts = [p for p in _SPLIT.split(tok) if p]
        if len(parts) > 1:
            out.append(tok)
            out.append("".join(parts))
            out.extend(_stem(p) for p in parts if p not in STOPWORDS and len(p) > 1 or p.isdigit())
            prev_alpha = ""
            continue
        if tok in STOPWORDS:
            prev_alpha = ""
            continue
        if tok.isdigit() and len(tok) <= 2 and prev_alpha:
            out.append(prev_alpha + tok)  # "Evo 2" -> also "evo2"
        am = _ALPHA_DIGITS.match(tok)
        if am:
            out.append(am.group(1))  # "dnabert2" -> also "dnabert"
        if len(tok) > 1 or tok.isdigit():
            out.append(_stem(tok))
        prev_alpha = tok if tok.isalpha() else ""
    return out


class BM25Index:
    """BM25 scores over a fixed list of texts; row i is chunk i."""

    def __init__(self, retriever: bm25s.BM25, n: int):
        self.retriever = retriever
        self.n = n

    def __len__(self) -> int:
        return self.n

    @classmethod
    def build(cls, texts: list[str]) -> BM25Index:
        """Tokenize and index `texts`."""
        retriever = bm25s.BM25()
        corpus = [tokenize(t) or [""] for t in texts]
        if corpus:
            retriever.index(corpus, show_progress=False)
        return cls(retriever, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row for `query` (zeros when no token is known)."""
        tokens = tokenize(query)
        if not self.n or not tokens:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, row ids) with a positive score, best first."""
        s = self.scores(query)
        if k <= 0 or not s.size:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        k = min(k, s.size)
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        top = top[s[top] > 0]
        return s[top], top.astype(np.int64)

    def save(self, folder: str | Path) -> None:
        """Write the index files into `folder`."""
        Path(folder).mkdir(parents=True, exist_ok=True)
        if self.n:
            self.retriever.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: str | Path, n: int) -> BM25Index:
        """Read an index written by `save` (n = number of rows)."""
        if not n:
            return cls(bm25s.BM25(), 0)
        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        return cls(retriever, n)

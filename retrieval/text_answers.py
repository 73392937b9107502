"""Extractive answers from retrieved passages: the best sentences, each with its lines.

Passages come from the hybrid index (boosted towards the entities the question names).
Each sentence is scored by how much of the question's rarer words it contains (IDF over
the generation's chunks), plus a little for its passage's rank and for naming a linked
entity; the answer is the best sentence and the next ones close to it, each cited to the
exact source lines it stands on.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from retrieval.facts import text_words
from retrieval.lexical import STOPWORDS
from retrieval.linking import Linked

MAX_SENTENCES = 3
CLOSE = 0.6  # further sentences must score this share of the best one
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9`*])")
_TABLE_RULE = re.compile(r"^[\s|:-]+$")
# Emphasis and code marks around words, heading and quote marks at line starts.
_MARKUP = re.compile(r"(\*\*|__|`|^#+\s*|^>\s*|(?<!\w)\*(?!\s))")
_QUANTITY = re.compile(r"\bhow (many|much|large|big|long)\b|\bnumber of\b|\bthreshold\b", re.I)
_QUESTION_WORDS = {"what", "which", "why", "how", "when", "where", "who", "does", "do", "is"}


@dataclass(slots=True)
class Sentence:
    """One extracted sentence and where it stands."""

    text: str
    source: str
    lines: tuple[int, int]
    entity: str | None
    score: float
    cover: float  # share of the question's word weight it contains
    chunk: object = None


def idf_table(chunks) -> dict[str, float]:
    """IDF of every word over the chunks (built once per generation)."""
    df: dict[str, int] = {}
    for c in chunks:
        for w in text_words(c.text):
            df[w] = df.get(w, 0) + 1
    n = max(len(chunks), 1)
    return {w: math.log(1 + n / k) for w, k in df.items()}


def question_weights(linked: Linked, idf: dict[str, float]) -> dict[str, float]:
    """Words of the question worth finding in an answer, by IDF; names count half."""
    in_entity = {i for e in linked.entities for i in range(e.span[0], e.span[1])}
    out: dict[str, float] = {}
    for i, t in enumerate(linked.tokens):
        if t.low in STOPWORDS or t.low in _QUESTION_WORDS or len(t.low) < 2 and not t.low.isdigit():
            continue
        w = idf.get(t.stem, max(idf.values(), default=1.0))
        out[t.stem] = max(out.get(t.stem, 0.0), w * (0.5 if i in in_entity else 1.0))
    return out


def _units(chunk) -> list[str]:
    """Sentences of a chunk body (the heading context line is not one)."""
    text = chunk.text
    if chunk.kind == "section" and "\n" in text:
        text = text.split("\n", 1)[1]
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or _TABLE_RULE.match(line):
            continue
        line = _MARKUP.sub("", line).strip(" -•|")
        out.extend(s.strip() for s in _SPLIT.split(line) if len(s.split()) >= 3)
    return out


def locate(view, chunk, sentence: str) -> tuple[int, int]:
    """The source lines a sentence stands on, found inside its chunk's line range."""
    words = [w for w in re.findall(r"\w+", sentence.lower()) if len(w) > 2]
    if not words or view is None:
        return (chunk.line_start, chunk.line_end)
    lo, hi = chunk.line_start, chunk.line_end
    head, tail = set(words[:6]), set(words[-6:])
    best_start, best_end, s1, s2 = lo, hi, 0, 0
    for n in range(lo, hi + 1):
        line = set(re.findall(r"\w+", view.quote(chunk.source, n, n).lower()))
        a, b = len(head & line), len(tail & line)
        if a > s1:
            best_start, s1 = n, a
        if b > s2 and n >= best_start:
            best_end, s2 = n, b
    return (best_start, max(best_start, best_end))


def _heading_like(s: str, heading: str) -> bool:
    """Headings and questions used as headings are not answers."""
    low = s.lower().rstrip(":?. ")
    return s.endswith("?") or (s.endswith(":") and len(s.split()) <= 8) or low == heading.lower()


def boost_ids(linked: Linked, view) -> list[str]:
    """Entities whose passages to favour: the linked ones, and when the question names a
    doc ("according to its model documentation"), the docs about them."""
    ids = [e.id for e in linked.entities]
    if "doc" in linked.kind_names():
        preds = ("refers_to", "links_to", "documented_in")
        for e in list(linked.entities):
            ids += [o for o, _ in view.related(e.id, ["doc"], preds)]
    return list(dict.fromkeys(ids))


def extract(question: str, linked: Linked, view, k: int = 8) -> list[Sentence]:
    """The best sentences of the top-k passages for `question`, best first.

    A sentence's score mixes the share of the question's word weight found in it (with
    its section heading), the same share over its whole passage, and the passage's rank;
    questions asking "how many" prefer sentences with numbers.
    """
    index = view.index if view is not None else None
    if index is None or not len(index):
        return []
    boost = boost_ids(linked, view)
    hits = index.search(question, k=k, entity_ids=boost)
    idf = view.idf()
    weights = question_weights(linked, idf)
    total = sum(weights.values()) or 1.0
    quantity = bool(_QUANTITY.search(question))
    wants_doc = "doc" in linked.kind_names()

    def cover(words: set[str]) -> float:
        return sum(w for t, w in weights.items() if t in words) / total

    scored: list[Sentence] = []
    seen: set[str] = set()
    for rank, hit in enumerate(hits):
        c = hit.chunk
        head = text_words(c.heading)
        chunk_cover = cover(text_words(c.text) | head)
        about = next((e for e in boost if e in c.entity_ids), None)
        for s in _units(c):
            key = " ".join(s.lower().split())
            if key in seen:
                continue
            seen.add(key)
            own = cover(text_words(s) | head)
            score = 0.55 * own + 0.35 * chunk_cover + 0.1 / (rank + 1)
            score += 0.05 if about else 0.0
            score += 0.05 if wants_doc and c.source.endswith(".md") else 0.0
            if quantity and not re.search(r"\d", s):
                score *= 0.7
            if _heading_like(s, c.heading):
                score *= 0.5
            lines = (c.line_start, c.line_end)
            scored.append(Sentence(s, c.source, lines, about, score, own, c))
    scored.sort(key=lambda s: -s.score)
    out: list[Sentence] = []
    for s in scored:
        if out and (s.score < CLOSE * out[0].score or len(out) >= MAX_SENTENCES):
            break
        s.lines = locate(view, s.chunk, s.text)
        out.append(s)
    return out

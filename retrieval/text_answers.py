"""Extractive answers from retrieved passages: the best sentences, each with its lines.

Passages come from the hybrid index (boosted towards the entities the question names).
A passage is cut into units: sentences, whole bullet items, and "label: item; item" units
where a short label line ("Pitfalls", "Defer until:") introduces a list; sibling sections
under one heading also form a unit ("Phase 3: Option A; Option B; Option C"). A unit is
scored by how much of the question's rarer words it holds (IDF over the generation's
chunks, with its own heading), how much its whole passage holds, and the passage's rank.
The answer is the best unit and those close to it, each cited to its exact source lines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ingest.normalize import is_null
from retrieval.facts import has_word, text_words
from retrieval.lexical import STOPWORDS
from retrieval.lexicon import EXPLAIN_START, FRAME_WORDS, REASON, WHY, asks_number
from retrieval.linking import Linked

MAX_SENTENCES = 3
PASSAGES = 12  # passages read for a text answer
CLOSE = 0.6  # further units must score this share of the best one
GAIN = 0.5  # weight of the question words a unit adds to those chosen before it
MAX_UNIT_CHARS = 420
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9`*])")
_TABLE_RULE = re.compile(r"^[\s|:-]+$")
_ROW = re.compile(r"^[^;]{1,60}: [^;]*; [^;]{1,60}: ")  # a table row as "key: value; key: value"
_FIELD_SEP = re.compile(r";\s(?=[\w.\[\]-]+:\s)")
_BULLET = re.compile(r"^([-*+•]|\d+[.)])\s+")
# Emphasis and code marks around words, heading and quote marks at line starts.
_MARKUP = re.compile(r"(\*\*|__|`|^#+\s*|^>\s*|(?<!\w)\*(?!\s))")
_QUESTION_WORDS = {
    "what",
    "which",
    "why",
    "how",
    "when",
    "where",
    "who",
    "does",
    "do",
    "is",
    "many",
    "much",
}


@dataclass(slots=True)
class Sentence:
    """One extracted unit (sentence, bullet or labelled list) and where it stands."""

    text: str
    source: str
    lines: tuple[int, int]
    entity: str | None
    score: float
    cover: float  # share of the question's word weight it holds (with its heading)
    chunk: object = None
    heading: str = ""  # the heading or label it stands under

    def words(self) -> set[str]:
        """Its words and its heading's."""
        return text_words(self.text) | text_words(self.heading)


def idf_table(chunks) -> dict[str, float]:
    """IDF of every word over the chunks (built once per generation)."""
    df: dict[str, int] = {}
    for c in chunks:
        for w in text_words(c.text):
            df[w] = df.get(w, 0) + 1
    n = max(len(chunks), 1)
    return {w: math.log(1 + n / k) for w, k in df.items()}


def asked_heads(linked: Linked) -> set[str]:
    """The heads of the question's asked phrases, kind and frame words aside."""
    kinds = {linked.tokens[span[0]].stem for _, span in linked.kinds}
    return linked.asked_heads(FRAME_WORDS | kinds)


def titled(heading: str, heads: set[str]) -> bool:
    """Whether a section heading names what is asked ("Metadata you must log per run")."""
    words = text_words(heading)
    return bool(heading) and any(has_word(h, words) for h in heads)


def covered(weights: dict[str, float], words: set[str]) -> float:
    """Share of the question's word weight that `words` hold."""
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if has_word(t, words)) / total


def question_weights(linked: Linked, idf: dict[str, float]) -> dict[str, float]:
    """Words of the question worth finding in an answer, by IDF; names and question-frame
    words ("role", "advise") count less."""
    in_entity = {i for e in linked.entities for i in range(e.span[0], e.span[1])}
    asked = set(linked.asked)
    top = max(idf.values(), default=1.0)
    out: dict[str, float] = {}
    for i, t in enumerate(linked.tokens):
        if (
            t.low in STOPWORDS
            or t.low in _QUESTION_WORDS
            or (len(t.low) < 2 and not t.low.isdigit())
        ):
            continue
        w = idf.get(t.stem, top)
        if i in in_entity:
            w *= 0.5
        elif t.stem in FRAME_WORDS or t.low in FRAME_WORDS:
            w *= 0.3
        elif i in asked:
            w *= 2.0
        out[t.stem] = max(out.get(t.stem, 0.0), w)
    return out


def _clean(line: str) -> str:
    return _MARKUP.sub("", line).strip(" |")


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines back into their paragraph or bullet item."""
    out: list[str] = []
    for ln in lines:
        if not ln.strip() or _TABLE_RULE.match(ln):
            continue
        body = ln.strip()
        prev = out[-1].strip() if out else ""
        if prev and _continues_item(out[-1], ln):
            out[-1] = f"{out[-1]} {body}"
            continue
        joins = (
            prev
            and not _BULLET.match(body)
            and not prev.endswith((".", "!", "?", ":"))
            and not _ROW.search(prev)
            and not _ROW.search(body)
            and len(prev.split()) > 6  # a short line without a full stop is a label
        )
        if joins:
            out[-1] = f"{out[-1]} {body}"
        else:
            out.append(ln)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _continues_item(prev: str, line: str) -> bool:
    """A plain line under a bullet belongs to that item when it is indented below it, or
    when the item stops mid-sentence and the line does not start a new one ("- Compute
    the empirical p-value" followed by its formula "p = … / (B + 1)")."""
    body, item = line.strip(), prev.strip()
    if not _BULLET.match(item) or _BULLET.match(body) or _ROW.search(body):
        return False
    if _indent(line) > _indent(prev):
        return True
    return not item.endswith((".", "!", "?", ":", ";")) and not body[:1].isupper()


def _field_units(chunk) -> list[tuple[str, str]]:
    """A passage of card fields ("X — a, b: a.x: 1; b.y: 2") as one unit per field, each
    with its entity's name; fields holding a placeholder ("null", "TBD") say nothing."""
    entity = chunk.heading.split(" — ")[0]
    body = chunk.text.split(": ", 1)[1] if ": " in chunk.text else chunk.text
    out = []
    for seg in _FIELD_SEP.split(body):
        path, _, value = seg.partition(": ")
        if value.strip() and not is_null(value.strip()):
            out.append((f"{entity} — {seg.strip()}", path))
    return out


def _units(chunk) -> list[tuple[str, str]]:
    """(unit text, local heading) pairs of a chunk body (the heading context line is not one)."""
    if chunk.kind == "synopsis" and " — " in chunk.heading:
        return _field_units(chunk)
    text = chunk.text
    if chunk.kind == "section" and "\n" in text:
        text = text.split("\n", 1)[1]
    # The section's own heading counts fully; a doc title only as an ancestor (below).
    parts = chunk.heading.split(" > ") if chunk.heading else []
    local = parts[-1] if len(parts) > 1 else ""
    raw = _unwrap([ln.rstrip() for ln in text.split("\n")])
    indent = [len(ln) - len(ln.lstrip()) for ln in raw]
    lines = [ln.strip() for ln in raw]
    out: list[tuple[str, str]] = []
    for i, line in enumerate(lines):
        bullet = bool(_BULLET.match(line))
        clean = _clean(_BULLET.sub("", line))
        if not clean:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        # A short line introducing a list ("Pitfalls", "- Dimensionality" over sub-items).
        opens = _BULLET.match(nxt) and (not bullet or indent[i + 1] > indent[i])
        if opens and len(clean.split()) <= 8 and clean[-1] != ".":
            items = []
            for k in range(i + 1, len(lines)):
                if not _BULLET.match(lines[k]) or (bullet and indent[k] <= indent[i]):
                    break
                if indent[k] <= indent[i + 1]:  # the list's own items, not their sub-steps
                    items.append(_clean(_BULLET.sub("", lines[k])))
            unit = f"{clean.rstrip(':')}: " + "; ".join(x for x in items if x)
            out.append((unit[:MAX_UNIT_CHARS], clean))
            continue
        if bullet and len(clean.split()) <= 50:
            if len(clean.split()) >= 3:
                out.append((clean, local))
            continue
        out.extend((s.strip(), local) for s in _SPLIT.split(clean) if len(s.split()) >= 3)
    return out


def _summary_unit(chunk) -> tuple[str, str] | None:
    """The list a section holds as one unit (see `_list_summary`), with its heading."""
    if chunk.kind != "section" or "\n" not in chunk.text:
        return None
    parts = chunk.heading.split(" > ") if chunk.heading else []
    local = parts[-1] if len(parts) > 1 else ""
    raw = _unwrap([ln.rstrip() for ln in chunk.text.split("\n", 1)[1].split("\n")])
    indent = [len(ln) - len(ln.lstrip()) for ln in raw]
    summary = _list_summary(raw, indent, local)
    return (summary, local) if summary else None


_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*")


def _list_summary(raw: list[str], indent: list[int], heading: str) -> str:
    """A section that is a list ("Reasons: 1. **Heterogeneous semantics.** … 2. …") as one
    unit of its items' leads (bold lead-in, else first sentence): "why …?" and "what are
    the pitfalls …?" want every item, not the best one."""
    tops = [
        ln.strip()
        for ln, ind in zip(raw, indent, strict=True)
        if _BULLET.match(ln.strip()) and ind == min(indent)
    ]
    if not heading or len(tops) < 2 or len(tops) > 10:
        return ""
    leads = []
    for item in tops:
        body = _BULLET.sub("", item)
        bold = _BOLD_LEAD.match(body)
        lead = bold.group(1) if bold else _SPLIT.split(_clean(body))[0]
        leads.append(" ".join(lead.split()[:12]).rstrip(".:"))
    return f"{heading}: " + "; ".join(leads)


def _sibling_units(hits) -> list[tuple[str, str, object, tuple[int, int]]]:
    """Sections under one heading found together form a unit listing their headings."""
    groups: dict[tuple[str, str], list] = {}
    for h in hits:
        c = h.chunk
        parts = c.heading.split(" > ") if c.heading else []
        if c.kind == "section" and len(parts) >= 3:
            groups.setdefault((c.source, " > ".join(parts[:-1])), []).append(c)
    out = []
    for (_src, parent), chunks in groups.items():
        if len(chunks) < 2:
            continue
        chunks.sort(key=lambda c: c.line_start)
        names = "; ".join(c.heading.split(" > ")[-1] for c in chunks)
        lines = (chunks[0].line_start, max(c.line_end for c in chunks))
        out.append((f"{parent.split(' > ')[-1]}: {names}", parent, chunks[0], lines))
    return out


def _heading_like(s: str, heading: str) -> bool:
    """Headings and questions used as headings are not answers."""
    low = s.lower().rstrip(":?. ")
    return s.endswith("?") or (s.endswith(":") and len(s.split()) <= 8) or low == heading.lower()


def boost_ids(linked: Linked, view) -> list[str]:
    """Entities whose passages to favour: the linked ones and the docs written about them
    (a recipe card's write-up explains what the card lists)."""
    ids = [e.id for e in linked.entities]
    preds = ("refers_to", "links_to", "documented_in")
    for e in list(linked.entities):
        ids += [o for o, _ in view.related(e.id, ["doc"], preds)]
    return list(dict.fromkeys(ids))


def locate(view, chunk, sentence: str) -> tuple[int, int]:
    """The source lines a unit stands on, found inside its chunk's line range."""
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


def extract(question: str, linked: Linked, view, k: int = PASSAGES) -> list[Sentence]:
    """The best units of the top-k passages for `question`, best first."""
    index = view.index if view is not None else None
    if index is None or not len(index):
        return []
    boost = boost_ids(linked, view)
    hits = index.search(question, k=k, entity_ids=boost)
    weights = question_weights(linked, view.idf())
    total = sum(weights.values()) or 1.0
    quantity = asks_number(question)
    why = bool(WHY.search(question))
    explain = bool(EXPLAIN_START.search(question))
    names = {e: text_words(view.name(e)) for e in boost if view.kind(e) != "doc"}
    docs = {e for e in boost if view.kind(e) == "doc"}
    wants_doc = "doc" in linked.kind_names()
    heads = asked_heads(linked)
    asked_all = {t.stem for t in linked.tokens} | {t.low for t in linked.tokens}

    def cover(words: set[str]) -> float:
        return sum(w for t, w in weights.items() if has_word(t, words)) / total

    scored: list[Sentence] = []
    seen: set[str] = set()

    def add(text, local, c, rank, chunk_cover, about, lines=None):
        key = " ".join(text.lower().split())
        if key in seen:
            return
        seen.add(key)
        mine = text_words(text) | text_words(local)
        own = cover(mine)
        own += 0.5 * (cover(mine | text_words(c.heading)) - own)  # the headings above it
        score = 0.55 * own + 0.35 * chunk_cover + 0.1 / (rank + 1)
        score += 0.05 if about else 0.0
        doc = c.source.endswith(".md")
        score += 0.05 if doc and (wants_doc or (c.entity_ids and c.entity_ids[0] in docs)) else 0.0
        if quantity and not re.search(r"\d", text):
            score *= 0.7
        if _heading_like(text, local):
            score *= 0.5
        if heads and titled(local, heads):
            # "What are the limitations …?" under "Limitations" (a heading of only the
            # question's words more than under "Strengths, Limitations, and Open Questions").
            score += 0.25 if text_words(local) <= asked_all else 0.1
        elif why and (
            REASON.search(local)
            or (c.kind == "section" and " > " not in c.heading and WHY.search(c.heading))
        ):
            # "why …?" is answered by a section of reasons, or by the opening of a doc
            # titled "Why …".
            score += 0.3
        elif why and REASON.search(f"{c.heading} {text}"):
            score += 0.1  # … or by a sentence giving one
        if explain and c.kind != "synopsis":
            score += 0.05  # "how / why" is explained in prose more than in card fields
        span = lines or (c.line_start, c.line_end)
        scored.append(Sentence(text, c.source, span, about, score, own, c, local))

    for rank, hit in enumerate(hits):
        c = hit.chunk
        chunk_cover = cover(text_words(c.text) | text_words(c.heading))
        about = next((e for e in boost if e in c.entity_ids), None)
        # A passage about many entities (a table) is about one only where a unit names it.
        broad = len(c.entity_ids) > 2 and about != (c.entity_ids[0] if c.entity_ids else None)
        units = _units(c)
        local = c.heading.split(" > ")[-1] if " > " in c.heading else ""
        wants_list = why or explain or (heads and titled(local, heads))
        summary = _summary_unit(c) if wants_list else None
        for text, local in units + ([summary] if summary else []):
            named = next((e for e, n in names.items() if n and n <= text_words(text)), None)
            add(text, local, c, rank, chunk_cover, named or (None if broad else about))
    for text, parent, c, lines in _sibling_units(hits):
        add(text, parent, c, 0, cover(text_words(text) | text_words(parent)), None, lines)
    scored.sort(key=lambda s: -s.score)
    out = _choose(scored, cover, linked.parts() > 1)
    for s in out:
        if s.lines == (s.chunk.line_start, s.chunk.line_end):
            s.lines = locate(view, s.chunk, s.text)
    return out


def _choose(scored: list[Sentence], cover, parts: bool) -> list[Sentence]:
    """The best unit, then those close to it; for a question in parts ("how do I compute
    …, and how many … should I run?"), preferring units that answer a part the chosen ones
    leave open."""
    if not scored:
        return []
    if not parts:
        return [s for s in scored[:MAX_SENTENCES] if s.score >= CLOSE * scored[0].score]
    pool = [s for s in scored[:40] if s.score >= CLOSE * scored[0].score]
    out: list[Sentence] = []
    covered: set[str] = set()
    while pool and len(out) < MAX_SENTENCES:
        base = cover(covered)
        gains = [cover(covered | s.words()) - base for s in pool]
        k = max(range(len(pool)), key=lambda i: pool[i].score + GAIN * gains[i] * bool(out))
        s = pool.pop(k)
        covered |= s.words()
        out.append(s)
    return out

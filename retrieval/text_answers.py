"""Extractive answers from retrieved passages: the best sentences, each with its lines.

Passages come from the hybrid index (boosted towards the entities the question names)
and are cut into units by `retrieval.units` (sentences, bullet items, labelled lists,
sibling sections, a list section as one unit). A unit is scored by how much of the
question's rarer words it holds (IDF over the generation's chunks, with its own heading),
how much its passage holds, and the passage's rank; the answer is the best unit and those
close to it, each cited to its exact source lines."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial

from retrieval.beside import in_named_doc, own_doc_sections, own_reason_fields, section_beside
from retrieval.definitions import with_definition
from retrieval.facts import has_word, text_words
from retrieval.field_context import with_named_parent
from retrieval.lexical import STOPWORDS
from retrieval.lexicon import (
    ANSWER_CUES,
    EXPLAIN_START,
    FRAME_WORDS,
    HEADING_SYNONYMS,
    POINTER,
    REASON,
    REASONS_HEADING,
    SECTION_WORDS,
    WHY,
    asks_number,
    cued,
    gives_reason,
)
from retrieval.linking import Linked
from retrieval.units import (
    field_label,
    heading_like,
    opens_why_doc,
    section_heading,
    sibling_units,
    summary_unit,
    titled_paragraphs,
)
from retrieval.units import units as cut_units
from retrieval.value_units import WRITTEN_FOR

MAX_SENTENCES = 3
PASSAGES = 12  # passages read for a text answer
NAMED_DOC = 0.1  # bonus of a unit in a doc the question names ("why does the X doc argue …")
CLOSE = 0.6  # further units must score this share of the best one
REASON_DEPTH = 30  # for "why …?", passages this deep are searched for sections of reasons
REASON_EXTRA = 2  # … and this many of them read beyond the usual passages
GAIN = 0.5  # weight of the question words a unit adds to those chosen before it
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


def titled(heading: str, heads: set[str]) -> bool:
    """Whether a section heading names what is asked ("Metadata you must log per run"), in
    its words or a heading word meaning the same ("drawbacks" under "Limitations")."""
    words = text_words(heading)
    heads = set(heads) | {w for h in heads for w in HEADING_SYNONYMS.get(h, ())}
    return bool(heading) and any(has_word(h, words) for h in heads)


_NEGATOR = re.compile(r"\b(without|not|no|never|cannot|\w+n't)\s+((?:\S+\s+){0,2}\S+)", re.I)


def negated(text: str) -> set[str]:
    """Words said not to hold, up to three after a negation ("without applying the
    variants", "variants are not applied"): a question and a unit that negate the same
    word speak of the same case."""
    out: set[str] = set()
    for m in _NEGATOR.finditer(text):
        out |= text_words(m.group(2)) - STOPWORDS
    return out


# Words of a question's frame, not its topic: "What goes wrong without it" echoes any
# "what goes wrong if …?" (the reasons headings of `REASONS_HEADING` cover those).
_ECHO_FRAME = {"went", "matter", "need", "true", "without"}


def echoes(heading: str, linked: Linked) -> bool:
    """Whether a heading is the question in short: two or more content words, each one
    the question's ("What counts as a fusion gain" over "… counts as a real fusion gain?")."""
    content = text_words(heading) - STOPWORDS - _QUESTION_WORDS - FRAME_WORDS - _ECHO_FRAME
    asked = {t.stem for t in linked.tokens} | {t.low for t in linked.tokens}
    return len(content) >= 2 and all(has_word(w, asked) for w in content)


def covered(weights: dict[str, float], words: set[str]) -> float:
    """Share of the question's word weight that `words` hold (or a word written for it:
    "multiple of 6" ~ "divisible by 6", "repetition time" ~ "TR")."""
    total = sum(weights.values()) or 1.0
    held = (t for t in weights if has_word(t, words) or words & WRITTEN_FOR.get(t, set()))
    return sum(weights[t] for t in held) / total


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


def extract(
    question: str, linked: Linked, view, k: int = PASSAGES, mode: str = "hybrid"
) -> list[Sentence]:
    """The best units of the top-k passages for `question`, best first (`mode`: how the
    index searches, see `retrieval.index.RetrievalIndex.search`)."""
    index = view.index if view is not None else None
    if index is None or not len(index):
        return []
    boost = boost_ids(linked, view)
    why = bool(WHY.search(question))

    def reasons_heading(heading: str) -> bool:
        # "Why wouldn't I just use X?": its "Limitations" section holds the reasons.
        return gives_reason(question, heading, REASONS_HEADING)

    hits = index.search(question, k=REASON_DEPTH if why else k, entity_ids=boost, mode=mode)
    if why:
        # "Why …?": a section titled as reasons ("Why this applies to genes × brain") is
        # read even when a few more passages outrank it.
        titled_reasons = [h for h in hits[k:] if reasons_heading(section_heading(h.chunk))]
        asked = {t.stem for t in linked.tokens} - STOPWORDS - _QUESTION_WORDS - FRAME_WORDS

        def reasons_asked(heading: str) -> bool:
            # "Reasons" (of what the doc decides), "Why this applies to genes × brain".
            words = text_words(heading) - STOPWORDS
            plain = not words - {"reason", "rationale", "motivation", "why"}
            return reasons_heading(heading) and (plain or bool(words & asked))

        hits = hits[:k] + titled_reasons[:REASON_EXTRA] + section_beside(hits, index, reasons_asked)
        hits += own_doc_sections(hits, index, view, boost)
        hits += own_reason_fields(hits, index, view, boost, reasons_heading)
    hits += in_named_doc(hits, index, view, linked)
    heads = linked.asked_heads(FRAME_WORDS)
    sections = heads & (SECTION_WORDS | set(HEADING_SYNONYMS))
    if sections and not why:
        # "the main drawbacks of using Evo2": the "Limitations" section of a doc found.
        hits = hits + section_beside(hits, index, lambda h: titled(h, sections))
    weights = question_weights(linked, view.idf())
    cover = partial(covered, weights)
    quantity = asks_number(question)
    explain = bool(EXPLAIN_START.search(question))
    cues = any(q.search(question) for q, _ in ANSWER_CUES)
    denied = negated(question)
    names = {e: text_words(view.name(e)) for e in boost if view.kind(e) != "doc"}
    docs = {e for e in boost if view.kind(e) == "doc"}
    named_docs = {e.id for e in linked.entities if e.kind == "doc"}  # "the X documentation"
    wants_doc = "doc" in linked.kind_names()
    asked_all = {t.stem for t in linked.tokens} | {t.low for t in linked.tokens}
    synonyms = {w for h in heads for w in HEADING_SYNONYMS.get(h, ())}  # "drawbacks": Limitations

    scored: list[Sentence] = []
    seen: set[str] = set()
    deferring: set[str] = set()  # local headings over a pointer to the answer elsewhere
    rows = [view.entities.get(e) for e in names]
    spelled = [n for r in rows if r for n in [r.name, *r.aliases] if len(n) > 2]
    written = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in spelled) or "$^", re.I)

    def names_one(text: str) -> bool:  # the unit names an entity asked about, as written
        return bool(written.search(text))  # "MoT", not the "mot" of "motion"

    def asked_title(local: str) -> bool:
        return echoes(local, linked) or alike(local)

    def alike(title: str) -> bool:
        """A question written as a title asks what this one asks: the same question word
        ("why …?") and at least half of its other words the question's."""
        opening = title.split()[0].lower() if title.split() else ""
        if not title.endswith("?") or opening not in {t.low for t in linked.tokens}:
            return False
        content = text_words(title) - STOPWORDS - _QUESTION_WORDS - FRAME_WORDS
        return bool(content) and 2 * sum(has_word(w, asked_all) for w in content) >= len(content)

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
        first = c.entity_ids[0] if c.entity_ids else None
        score += 0.05 if doc and (wants_doc or first in docs) else 0.0
        score += NAMED_DOC if doc and first in named_docs else 0.0  # where the question reads
        if quantity and not re.search(r"\d", text):
            score *= 0.7
        if heading_like(text, local) or POINTER.search(text):
            score *= 0.5  # a heading, or a sentence that only says where the answer is
        if heads and titled(local, heads):
            # "What are the limitations …?" under "Limitations" (a heading of only the
            # question's words more than under "Strengths, Limitations, and Open Questions").
            score += 0.25 if text_words(local) <= asked_all | synonyms else 0.1
        elif echoes(local, linked):
            score += 0.2
        elif (
            why
            and (reasons_heading(local or field_label(c)) or opens_why_doc(c))
            and (about or not names)
            and local not in deferring
        ):
            # "why …?" is answered by a section (or card field: "limitations") of reasons,
            # or by the opening of a doc titled "Why …" (about the thing asked, when the
            # question names one).
            score += 0.3
        elif why and (
            REASON.search(f"{c.heading} {text}")
            or (REASONS_HEADING.search(text) and names_one(f"{local} {text}"))
        ):
            # … or by a sentence giving one ("not RC-equivariant → average …"), or listing
            # the advantages of the thing asked about ("what makes X attractive?").
            score += 0.1
        if denied and any(has_word(w, denied) for w in negated(text)):
            score += 0.15  # "without applying variants" ~ "if variants are not applied"
        if cues and cued(question, f"{local}: {text}" if local else text):
            # "What am I doing wrong?" is answered by what to do or avoid, "what would
            # justify …?" by a trigger.
            score += 0.1
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
        wants_list = why or explain or (heads and titled(section_heading(c), heads))
        summary = summary_unit(c) if wants_list else None
        first = len(scored)
        units = cut_units(c)
        units = titled_paragraphs(units, asked_title) + units  # a tie goes to the whole
        # A note or section that hands "the full argument" to another doc ("Why not start
        # with a joint model?"): the reasons stand there, not under its title.
        deferring = {local for text, local in units if local and POINTER.search(text)}
        for text, local in units + ([summary] if summary else []):
            named = next((e for e, n in names.items() if n and n <= text_words(text)), None)
            add(text, local, c, rank, chunk_cover, named or (None if broad else about))
        if why and summary and reasons_heading(summary[1]) and scored[first:]:
            # "Why …?" over a section of reasons: the list of all of them stands above any one.
            lead = next((x for x in scored[first:] if x.text == summary[0]), None)
            if lead is not None:
                lead.score = max(x.score for x in scored[first:]) + 0.01
    for text, parent, c, lines in sibling_units(hits):
        add(text, parent, c, 0, cover(text_words(text) | text_words(parent)), None, lines)
    scored.sort(key=lambda s: -s.score)
    out = _choose(scored, cover, linked.parts() > 1)
    if why or explain:
        out = with_definition(out, scored, MAX_SENTENCES)
    for s in out:
        if s.lines == (s.chunk.line_start, s.chunk.line_end):
            s.lines = locate(view, s.chunk, s.text)
    with_named_parent(out, view)
    return out


def _choose(scored: list[Sentence], cover, parts: bool) -> list[Sentence]:
    """The best unit, then those close to it; for a question in parts ("how do I compute
    …, and how many … should I run?"), preferring units that answer a part the chosen ones
    leave open."""
    if not scored:
        return []
    if not parts:
        out = []
        for s in scored:
            if len(out) == MAX_SENTENCES or s.score < CLOSE * scored[0].score:
                break
            if any(s.text.rstrip(". ") in o.text for o in out):
                continue  # an item of a list already given
            given = [o for o in out if o.text.rstrip(". ") in s.text]  # its items, given alone
            at = out.index(given[0]) if given else len(out)  # the list takes their place
            out = (
                [o for o in out[:at] if o not in given]
                + [s]
                + [o for o in out[at:] if o not in given]
            )
        return out
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

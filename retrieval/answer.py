"""The assistant: question → links → intent → graph facts and/or passages → cited answer.

Structured questions are answered from the graph (each fact cites its card line), others
from extracted sentences (each cites its lines), both where the graph answers only weakly.
Confidence comes from how strongly the question was linked and matched; below
`settings.retrieval.min_confidence` the answer says the KB does not contain it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from retrieval import graph_answers, graph_compare, neighbourhood, text_answers, yes_no
from retrieval.evaluate import NOT_IN_KB
from retrieval.facts import Fact, has_word, plural, text_words
from retrieval.graph_answers import Block, GraphAnswer
from retrieval.intent import FILLER
from retrieval.intent import plan as make_plan
from retrieval.lexicon import (
    ABSENCE,
    FRAME_WORDS,
    REASON,
    REASONS_HEADING,
    SECTION_WORDS,
    WEAK_CUES,
    WHY,
    asks_number,
    cued,
    property_phrases,
)
from retrieval.linking import Linked
from retrieval.name_forms import spelled_initials
from retrieval.quantities import quantities
from retrieval.selection import candidates
from retrieval.units import opens_why_doc


@lru_cache(maxsize=64)
def _null_cell(prop: str) -> re.Pattern[str]:
    """A table cell of `prop` holding a placeholder ("Parameters: —")."""
    names = [p for p, q in property_phrases().items() if q == prop] + [prop.replace("_", " ")]
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b({alt})\s*[:=]\s*(—|–|-|tbd|n/a|unknown|null)\s*(;|$)", re.I)


STRONG_GRAPH = 0.6
WEAK_GRAPH = 0.25  # a graph answer this strong stands alone; weaker ones get passages too
MAX_CITATIONS = 16
NEAR_MARGIN = 0.1  # a reading around the seeds must be this much surer to replace the plan's


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a statement of the answer comes from: a KB file, a line range, the entity."""

    source: str
    lines: tuple[int, int]
    entity: str | None
    quote: str

    def to_dict(self) -> dict:
        """The JSON shape of one citation."""
        return {
            "source": self.source,
            "lines": [self.lines[0], self.lines[1]],
            "entity": self.entity,
            "quote": self.quote,
        }


@dataclass(slots=True)
class Answer:
    """An answer with its citations, intent, linked entities and confidence (0..1)."""

    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    intent: str = "text"
    entities: list[str] = field(default_factory=list)
    confidence: float = 0.0

    def to_dict(self) -> dict:
        """The JSON shape of `kg ask --json` and `/ask`."""
        d = asdict(self)
        d["citations"] = [c.to_dict() for c in self.citations]
        d["confidence"] = round(self.confidence, 3)
        return d


def _where(f) -> str:
    a, b = f.lines
    return f"{f.source}:{a}" if a == b else f"{f.source}:{a}-{b}"


def _fact_text(f: Fact, with_label: bool) -> str:
    body = f"{f.label}: {f.text}" if with_label else f.text
    out = f"{body} ({_where(f)})"
    if f.others:
        shown = "; ".join(f"{o.text} ({_where(o)})" for o in f.others[:3])
        out += f" [{'sources differ' if f.conflict else 'also stated'}: {shown}]"
    return out


def render_block(b: Block) -> str:
    """One line: the heading, then each fact with where it was read."""
    same = all(f.label == b.heading for f in b.facts)
    parts = "; ".join(_fact_text(f, not same) for f in b.facts)
    if b.heading == "via":
        return f"Via: {parts}."
    return f"{b.heading}: {parts}." if same else f"{b.heading} — {parts}."


def _graph_citations(ga: GraphAnswer, view) -> list[Citation]:
    """One citation per fact (and per conflicting source), quoting the cited lines."""
    return _block_citations(ga.blocks, view)


def _block_citations(blocks: list[Block], view) -> list[Citation]:
    out = []
    for b in blocks:
        for f in b.facts:
            quote = view.quote(f.source, *f.lines) or f.quote
            out.append(Citation(f.source, f.lines, f.entity or b.entity or None, quote))
            for o in f.others[:2] if f.conflict else ():
                quote = view.quote(o.source, *o.lines) or o.quote
                out.append(Citation(o.source, o.lines, o.entity or None, quote))
    return out


def _text_citations(sents) -> list[Citation]:
    return [Citation(s.source, s.lines, s.entity, s.text) for s in sents]


def _render_text(sents) -> str:
    return " ".join(f"{s.text} ({_where(s)})" for s in sents)


def _dedupe(cites: list[Citation]) -> list[Citation]:
    seen, out = set(), []
    for c in cites:
        key = (c.source, c.lines)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out[:MAX_CITATIONS]


@lru_cache(maxsize=1)
def _phrases_by_property() -> dict[str, list[set[str]]]:
    out: dict[str, list[set[str]]] = {}
    for phrase, prop in property_phrases().items():
        if phrase not in WEAK_CUES:  # "window" alone is no evidence of a context length
            out.setdefault(prop, []).append(text_words(phrase))
    for prop in out:
        out[prop].append(text_words(prop.replace("_", " ")))
    return out


def supports(s, linked: Linked, props: list[str], seeds: list[str], view) -> bool:
    """Whether one extracted sentence can answer the question: it holds every name no link
    resolved ("Enformer"), a word for the property asked, a number when a number is asked,
    comes from a passage about (or names) the entity asked about, and does not say the
    fact is missing ("left empty", "not recorded")."""
    words = s.words()
    # A name may stand in the lines around the sentence ("LOGO" over a LOGO recipe's
    # sentences, "UK Biobank" a section up for a question's "UKB").
    titled = words | view.words_near(s.source, *s.lines) | spelled_initials(s.text)
    titled |= text_words(s.chunk.heading) if s.chunk is not None else set()
    if not all(_named(n, titled) for n in linked.name_phrases()):
        return False
    phrases = [p for prop in props for p in _phrases_by_property().get(prop, [])]
    if phrases and not any(p <= words for p in phrases):
        return False
    if any(_null_cell(prop).search(s.text) for prop in props):
        return False  # "Parameters: —" in a table row: the value is missing
    if asks_number(linked.question) and not _new_numbers(s.text, linked):
        return False
    if seeds and s.entity not in seeds:
        names = [text_words(view.name(i)) for i in seeds if view.kind(i) != "doc"]
        if not any(n and n <= words for n in names):
            if not set(seeds) & set(s.chunk.entity_ids[:1]):
                return False
            # A passage about the entity, unless this unit is about another of its kind
            # (a row for another model in a table of models).
            kinds = {view.kind(i) for i in seeds}
            other = [e for e in view.linker.link(s.text).entities if e.kind in kinds]
            if any(e.id not in seeds for e in other):
                return False
    return not ABSENCE.search(s.text)


def _counted(linked: Linked) -> str:
    """What "how many …" counts: the last word of the phrase after it ("GPU <hours>")."""
    toks = linked.tokens
    for i in range(len(toks) - 2):
        if toks[i].low == "how" and toks[i + 1].low == "many":
            group = next((g for g in linked.asked_groups() if g[0] == i + 2), None)
            return toks[group[-1]].stem if group else ""
    return ""


def _new_numbers(text: str, linked: Linked) -> list:
    """The numbers of a sentence that are not the question's own ("Nov 26" asked back) nor
    a list index in a field's label ("statistical_tests[2]")."""
    asked = {q.value for q in linked.quantities}
    return [q for q in quantities(re.sub(r"\[\d+\]", "", text)) if q.value not in asked]


def _named(phrase: str, words: set[str]) -> bool:
    """A name is there in full or as its initials ("Hugging Face" ~ "HF")."""
    parts = phrase.split()
    if text_words(phrase) <= words:
        return True
    return len(parts) > 1 and "".join(p[0] for p in parts).lower() in words


def names_asked(sents, linked: Linked) -> float:
    """The largest share of the words naming what is asked ("learning rate") that one
    sentence holds (1.0 when nothing is asked by name)."""
    weights: dict[str, float] = {}
    for phrase in linked.asked_phrases(FRAME_WORDS | FILLER):
        for k, w in enumerate(phrase):
            # The last word of a phrase names the thing ("weight <decay>"), the rest modify it.
            weights[w] = max(weights.get(w, 0.0), 2.0 if k == len(phrase) - 1 else 1.0)
    if not weights:
        return 1.0
    total = sum(weights.values())
    return max(sum(v for w, v in weights.items() if has_word(w, s.words())) / total for s in sents)


def text_confidence(sents, linked: Linked, props: list[str], seeds: list[str], view) -> float:
    """How well the best sentence covers the question's words (0..1), lowered when no
    sentence names what the question is about or what it asks for."""
    if not sents:
        return 0.0
    backed = [s for s in sents if supports(s, linked, props, seeds, view)]
    if not backed:
        return min(1.0, sents[0].cover * 1.1) * 0.3
    # Only a sentence that can answer vouches for the answer.
    conf = min(1.0, max(s.cover for s in backed) * 1.1)
    counted = _counted(linked)
    if counted and not any(has_word(counted, s.words()) for s in backed):
        conf *= 0.6  # "how many GPU hours": no sentence counts hours
    # A question in parts is answered by the units together; any question, by the units
    # of one passage read together (a card's note and the "Part of" line above it).
    together = backed if linked.parts() > 1 else [s for s in backed if s.source == backed[0].source]
    if len(together) > 1:
        weights = text_answers.question_weights(linked, view.idf())
        joint = text_answers.covered(weights, set().union(*(s.words() for s in together)))
        conf = max(conf, min(1.0, joint * 1.1))
    why = WHY.search(linked.question)
    heads = linked.asked_heads(FRAME_WORDS)
    if any(
        (heads and text_answers.titled(s.heading, heads))
        or text_answers.echoes(s.heading, linked)
        or (why and (REASONS_HEADING.search(s.heading) or opens_why_doc(s.chunk)))
        for s in backed
    ):
        # The answer stands under a heading naming what is asked ("Limitations"), or, for
        # "why …?", in a section of reasons or the opening of a doc titled "Why …".
        conf = min(1.0, max(conf + 0.15, 0.5))
    elif why and any(REASON.search(f"{s.heading} {s.text}") for s in backed):
        conf = min(1.0, conf + 0.15)  # "why …?" answered by a "because …" about it
    elif any(cued(linked.question, s.text) for s in backed):
        # "Anything to watch out for with X?" answered by what X's own text says to avoid;
        # "what would justify …?" by a trigger.
        conf = min(1.0, max(conf + 0.15, 0.5))
    else:
        # A new phrasing rarely repeats the KB's every word ("GPU hardware" ~ "GPU
        # requirements"): each asked word missing lowers confidence, none found by half.
        conf *= 0.5 + 0.5 * names_asked(sents, linked)
    return conf


def not_in_kb(question: str, linked: Linked, intent: str, confidence: float) -> Answer:
    """The answer for a question the KB cannot answer with enough confidence."""
    text = f"{NOT_IN_KB} an answer to this question."
    if linked.unknown:
        text += f" It has nothing on {', '.join(repr(u) for u in linked.unknown)}."
    ents = [e.id for e in linked.entities]
    return Answer(question, text, [], intent, ents, confidence)


def _kind_absent(plan, linked: Linked, view) -> str:
    """ "eeg models" when a filter asks for a kind in a modality the KB has none of (the
    modality written right before the kind word: "Which EEG foundation models …")."""
    if plan.intent != "filter" or plan.seeds or not plan.target:
        return ""
    c = plan.constraints.get(plan.target)
    kind_starts = [span[0] for k, span in linked.kinds if k == plan.target]
    written = any(k - span[1] in (0, 1) for _, span in linked.modality_spans for k in kind_starts)
    if not c or not c.modalities or not written or candidates(view, plan.target, c):
        return ""
    return f"{' / '.join(dict.fromkeys(c.modalities))} {plural(plan.target)}"


class Assistant:
    """Answers questions over one generation's `KBView`.

    Args:
        view: the generation's read-side caches (retrieval.kb_view.KBView).
        settings: the retrieval settings (top_k, min_confidence, llm_url, llm_model).
        compare: `KnowledgeBase.compare`-like callable (refs, fields) -> Table.
    """

    def __init__(self, view, settings, compare):
        self.view = view
        self.settings = settings
        self.compare = compare

    def _about(self, plan) -> list[str]:
        """The entities a question asks about, with the docs written about them."""
        ids = [e.id for e in plan.seeds if e.kind != "doc"]
        preds = ("refers_to", "links_to", "documented_in")
        docs = [o for i in ids for o, _ in self.view.related(i, ["doc"], preds)]
        return list(dict.fromkeys(ids + docs))

    def ask(self, question: str) -> Answer:
        """Answer one question (never raises on odd input; says when it does not know)."""
        question = " ".join(str(question).split())
        if not question:
            return Answer(question, f"{NOT_IN_KB} an answer to an empty question.")
        linked = self.view.linker.link(question)
        plan = make_plan(linked, self.view)
        lacking = _kind_absent(plan, linked, self.view)
        if lacking:
            # "Which EEG models …?" when the KB holds no EEG model at all: say so.
            answer = not_in_kb(question, linked, plan.intent, 0.0)
            answer.answer += f" It holds no {lacking}."
            return answer
        if plan.intent == "compare":
            ga = graph_compare.answer(plan, linked, self.view, self.compare)
        elif plan.define:
            ga = graph_answers.definition(plan, self.view)
        else:
            ga = graph_answers.answer(plan, linked, self.view)
        g = ga.strength if ga else 0.0
        sents = []
        # "BrainLM's limitations compared with SwiFT": a comparison asking for no field may
        # ask for a section ("Limitations") the passages hold.
        asked = {w for phrase in linked.asked_phrases(FRAME_WORDS) for w in phrase}
        titled_ask = plan.intent == "compare" and not plan.properties and asked & SECTION_WORDS
        if ga is None or g < STRONG_GRAPH or plan.define or titled_ask:
            k = max(self.settings.top_k, text_answers.PASSAGES)
            sents = text_answers.extract(question, linked, self.view, k)
        t = text_confidence(sents, linked, plan.properties, self._about(plan), self.view)
        if titled_ask and not any(text_answers.titled(s.heading, asked) for s in sents):
            sents, t = [], 0.0
        if ga is not None and g < WEAK_GRAPH and sents:
            ga = None  # a few stray words matched in fields: the passages say more
            g = 0.0
        graph_first = ga is not None and (g >= t or plan.intent != "text" or plan.define)
        if titled_ask and sents:
            graph_first = False  # the section asked for leads; the comparison follows
        intent = ga.intent if graph_first else ("text" if sents else plan.intent)
        parts, cites = [], []
        if graph_first:
            parts = [ga.lead] if ga.lead else []
            parts += [render_block(b) for b in ga.blocks]
            verdict = yes_no.lead(linked, " ".join(parts))  # "Is X licensed under MIT?"
            parts = [verdict, *parts] if verdict else parts
            cites = _graph_citations(ga, self.view)
            if sents and (g < STRONG_GRAPH or plan.define):
                parts.append(_render_text(sents[:2]))
                cites += _text_citations(sents[:2])
        elif sents:
            parts = [_render_text(sents)]
            cites = _text_citations(sents)
            if ga:
                parts += [render_block(b) for b in ga.blocks[:2]]
                cites += _graph_citations(ga, self.view)[:3]
        if ga is not None and parts:
            # Asked parts the answer leaves out may be fields of what the graph reached.
            reached = ga.entities
            more, whole = neighbourhood.complete(plan, linked, self.view, " ".join(parts), reached)
            parts += [render_block(b) for b in more]
            cites += _block_citations(more, self.view)
            if whole and ga.partial:
                g = ga.strength / graph_answers.PARTIAL * neighbourhood.DEPTH_WEIGHT[1]
        confidence = max(g, t)
        text = " ".join(p for p in parts if p)
        if linked.unknown and not any(u.lower() in text.lower() for u in linked.unknown):
            confidence *= 0.3  # the question is about a name the KB never mentions
        ents = list(dict.fromkeys([e.id for e in linked.entities] + (ga.entities if ga else [])))
        if confidence < STRONG_GRAPH or not text:
            # The plan's reading is unsure: the fields one or two relations away may answer
            # every asked part ("the pipeline X points to: what parcellation does it use?").
            near = neighbourhood.answer(plan, linked, self.view)
            if near is not None and near.strength > confidence + NEAR_MARGIN:
                parts = [render_block(b) for b in near.blocks]
                text, cites = " ".join(parts), _graph_citations(near, self.view)
                confidence, intent = near.strength, near.intent
                ents = list(dict.fromkeys(ents + near.entities))
        if confidence < self.settings.min_confidence or not text:
            return not_in_kb(question, linked, intent, confidence)
        answer = Answer(question, text, _dedupe(cites), intent, ents, confidence)
        if self.settings.llm_url:
            from retrieval.llm import rephrase

            answer = rephrase(answer, self.settings)
        return answer

"""The assistant: question → links → intent → graph facts and/or passages → cited answer.

Structured questions are answered from the graph (each fact cites its card line), others
from extracted sentences (each cites its lines), both where the graph answers only weakly.
Confidence comes from how strongly the question was linked and matched; below
`settings.retrieval.min_confidence` the answer says the KB does not contain it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from retrieval import graph_answers, graph_compare, neighbourhood, text_answers, yes_no
from retrieval.confidence import text_confidence
from retrieval.evaluate import NOT_IN_KB
from retrieval.facts import Fact, plural, text_words
from retrieval.graph_answers import Block, GraphAnswer
from retrieval.intent import plan as make_plan
from retrieval.lexicon import FRAME_WORDS, SECTION_WORDS
from retrieval.linking import Linked
from retrieval.selection import candidates

STRONG_GRAPH = 0.6
WEAK_GRAPH = 0.25  # a graph answer this strong stands alone; weaker ones get passages too
MAX_CITATIONS = 16
NEAR_MARGIN = 0.1  # a reading around the seeds must be this much surer to replace the plan's
COMPLEMENT_PASSAGES = 8  # passages searched for a sentence that adds to a graph answer …
COMPLEMENT_GAIN = 0.1  # … and the share of the question's word weight it must add
COMPLEMENT_CHOICES = 3  # the first few sentences found, the first adding enough


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
    # The kind must be in the question proper ("which EEG <models> …", "the X of the EEG
    # <model>"), not in context before it ("new to the genetics pipeline — what goes …").
    asks = [i for i, t in enumerate(linked.tokens) if t.low in ("what", "which", "how", "list")]
    opens = min(linked.asked, default=min(asks, default=0))
    kind_starts = [span[0] for k, span in linked.kinds if k == plan.target and span[0] >= opens]
    written = any(k - span[1] in (0, 1) for _, span in linked.modality_spans for k in kind_starts)
    if not c or not c.modalities or not written or candidates(view, plan.target, c):
        return ""
    return f"{' / '.join(dict.fromkeys(c.modalities))} {plural(plan.target)}"


def _once(parts: list[str]) -> list[str]:
    """Each part once, the first time: a seed named twice, or a field both reported and
    read again among a passage's sentences (rendered without the block's full stop)."""
    out: list[str] = []
    for p in parts:
        if p and not any(p.rstrip(".") in o for o in out):
            out.append(p)
    return out


def _trailing_summaries(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """A graph answer's blocks, and apart those at its end that only say what each of
    several reached entities is (a sentence of its summary)."""
    n = len(blocks)
    while n and blocks[n - 1].facts and all(f.label == "summary" for f in blocks[n - 1].facts):
        n -= 1
    return blocks[:n], blocks[n:]


def complement(text: str, find, linked: Linked, view, kind=None, reached=()) -> list:
    """The first passage sentence (of the first few found) holding enough of the question
    words a graph answer leaves out:
    "how big was the corpus X was pretrained on, in tokens" is answered by the paper's
    summary when the card's fields only name a tokenizer. `find()` gives the sentences,
    called only when the answer leaves enough of the question open. A sentence about a
    thing of the kind the answer lists (`kind`) that the answer left out (not `reached`)
    is not added."""
    weights = text_answers.question_weights(linked, view.idf())
    words = text_words(text)
    base = text_answers.covered(weights, words)
    if 1.0 - base < COMPLEMENT_GAIN:
        return []  # no sentence could add enough: skip the search
    sents = [s for s in find() if s.text not in text][:COMPLEMENT_CHOICES]
    if not sents:
        return []
    adding = [
        s
        for s in sents
        if text_answers.covered(weights, words | s.words()) - base >= COMPLEMENT_GAIN
    ]
    if not adding:
        return []
    about = adding[0].chunk.entity_ids[:1] if adding[0].chunk is not None else []
    if kind and any(view.kind(e) == kind and e not in reached for e in about):
        return []  # "which models are fMRI-only?": not a passage on one the filter dropped
    return adding[:1]


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
        parts, cites, tail = [], [], []
        if graph_first:
            core, summaries = _trailing_summaries(ga.blocks)
            parts = [ga.lead] if ga.lead else []
            parts += [render_block(b) for b in core]
            tail = [render_block(b) for b in summaries]  # after what answers the parts asked
            verdict = yes_no.lead(linked, " ".join(parts + tail))  # "Is X licensed under MIT?"
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
        if ga is not None and (parts or tail):
            # Asked parts the answer leaves out may be fields of what the graph reached.
            reached = ga.entities
            said = " ".join(parts + tail)
            more, whole = neighbourhood.complete(plan, linked, self.view, said, reached)
            parts += [render_block(b) for b in more]
            cites += _block_citations(more, self.view)
            if whole and ga.partial:
                g = ga.strength / graph_answers.PARTIAL * neighbourhood.DEPTH_WEIGHT[1]
        if graph_first and (parts or tail):

            def find():  # a quick keyword look at the passages for what the fields leave out
                return sents or text_answers.extract(
                    question, linked, self.view, COMPLEMENT_PASSAGES, mode="keyword"
                )

            reached = set(ga.entities)
            said = " ".join(parts + tail)
            extra = complement(said, find, linked, self.view, plan.target, reached)
            parts += [_render_text(extra)] if extra else []
            cites += _text_citations(extra)
        parts += tail
        confidence = max(g, t)
        text = " ".join(_once(parts))
        if linked.unknown and not any(u.lower() in text.lower() for u in linked.unknown):
            confidence *= 0.3  # the question is about a name the KB never mentions
        ents = list(dict.fromkeys([e.id for e in linked.entities] + (ga.entities if ga else [])))
        unsure = confidence < STRONG_GRAPH or not text
        # A lookup in the named card's own fields that says nothing asked ("how many tokens"
        # answered by an "8,192-token" window) is unsure too.
        unsure = unsure or (
            intent == "lookup" and neighbourhood.says_none(plan, linked, self.view, text)
        )
        if unsure:
            # The fields one or two relations away may answer every asked part ("the
            # pipeline X points to: what parcellation does it use?").
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

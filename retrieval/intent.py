"""Intent: what kind of answer a question wants, from its form and what was linked.

`plan(linked, view)` returns a `Plan`: the entities the question starts from (or the kind it
filters), the kind it asks for, the properties and words to report, and how constraints
(modalities, values, numbers, superlatives, modifier words) attach to the kinds named.
Intents: lookup | filter | relation | compare | multi_hop | text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.asked import (
    aside_span,
    asked_properties,
    asked_sentence_start,
    coordinated_properties,
    last_sentence_start,
    main_clause,
    qualified_properties,
    second_clause,
)
from retrieval.attach import Constraints, constraints_of, kind_positions
from retrieval.conditions import to_holders
from retrieval.described import compared_alike
from retrieval.facts import has_word
from retrieval.fillers import FILLER
from retrieval.kind_words import KIND_WORDS
from retrieval.lexicon import (
    EXPLAIN_START,
    LIST_START,
    ONE_WORDS,
    WHICH_ONES,
    WHY,
)
from retrieval.linking import EntityLink, Linked
from retrieval.mentions import refine_mentions
from retrieval.seed_reading import (
    compare_cue,
    either,
    partners_alike,
    pointed_seeds,
    possessor,
    written_as_list,
)
from retrieval.value_units import REQUIRED_SHAPES

INTENTS = ("lookup", "filter", "relation", "compare", "multi_hop", "text")
# Properties whose values are other entities: asking for them asks for that kind.
REF_KINDS = {"dataset": "dataset", "strategy": "strategy", "integration": "integration"}


@dataclass(slots=True)
class Plan:
    """How to answer one question from the graph."""

    intent: str
    seeds: list[EntityLink] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)  # registry cards whose members are candidates
    target: str | None = None  # the kind the answer lists
    source_kind: str | None = None  # the kind a filter starts from when there are no seeds
    properties: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # content words to match attribute paths
    constraints: dict[str, Constraints] = field(default_factory=dict)  # kind -> conditions
    explain: bool = False
    list_answer: bool = False  # "Which models …": the answer is entities, not a value
    # The kinds the question passes through, in question order ("BrainLM's embedding strategy").
    vias: tuple[str, ...] = ()
    via_first: bool = False  # the first via kind sits between the named entity and the asked kind
    then: str | None = None  # "…, and which paper describes it?": a second kind asked
    define: bool = False  # "What is the LOGO protocol?": the named entity's own summary
    besides: set[str] = field(default_factory=set)  # "besides the X baseline": ids and words

    @property
    def via(self) -> str | None:
        """The first kind passed through."""
        return self.vias[0] if self.vias else None


def _scope_of(link: EntityLink, linked: Linked, view) -> str | None:
    """A registry card named by a phrase with a kind word ("harmonization method") stands
    for its members of that kind."""
    words = {t.stem for t in linked.tokens[link.span[0] : link.span[1]]}
    kinds = {KIND_WORDS[w] for w in words if w in KIND_WORDS}
    members = {view.kind(r.subject) for r in view.inc.get(link.id, []) if r.predicate == "part_of"}
    hit = kinds & members
    return next(iter(hit)) if hit else None


def plan(linked: Linked, view) -> Plan:
    """Decide the intent and the graph query for a linked question (its names are first
    read in context, in place: `retrieval.mentions`)."""
    refine_mentions(linked, view)
    q = linked.question
    explain = bool(EXPLAIN_START.search(q))
    props = asked_properties(linked, linked.property_names())
    props += [p for p in coordinated_properties(linked, props) if p not in props]
    narrower = qualified_properties(linked, props)
    props = list(dict.fromkeys(narrower.get(p, p) for p in props))
    kinds = kind_positions(linked)
    # "…, so why do we still average … for the Ph checkpoint?": a reason is asked, not the
    # property named on the way.
    value_props = [] if WHY.search(q) else [p for p in props if p not in REF_KINDS]
    second = second_clause(linked)
    for p in linked.properties:
        # "…, and what sequence length were they pretrained on?": the length is asked, not
        # the data (a value asked earlier in the same clause).
        clause = second if 0 < second <= p.span[0] else 0
        valued = any(
            o.property in value_props and clause <= o.span[0] < p.span[0] for o in linked.properties
        )
        unasked = bool(props) and p.property not in props
        if p.property in REF_KINDS and p.span != (0, 0) and not valued and not unasked:
            kinds.append((REF_KINDS[p.property], p.span[0]))
    # "Besides the no-harmonization baseline, …": what is set aside is no seed and no answer.
    aside = aside_span(linked)
    seeds = [e for e in linked.entities if not aside[0] <= e.span[0] < aside[1]]
    besides = {e.id for e in linked.entities if e not in seeds}
    besides |= {t.stem for t in linked.tokens[aside[0] : aside[1]]} - FILLER
    kinds = [(k, p) for k, p in kinds if not aside[0] <= p < aside[1]]  # set aside, not asked
    scope: list[str] = []
    scope_kind = None
    for e in list(seeds):
        sk = _scope_of(e, linked, view)
        if sk is not None and e.id in scope:
            seeds.remove(e)  # the registry named again ("… in the alignment strategies card")
        if sk is None or scope:
            continue
        listed = {r.subject for r in view.inc.get(e.id, []) if r.predicate == "part_of"}
        seeds.remove(e)
        if not any(s.id in listed for s in seeds):  # "the combat_smri harmonization method"
            scope.append(e.id)
            scope_kind = sk
            kinds.append((sk, e.span[0]))
        elif e.span[0] in linked.asked:  # "… is built from which two embedding strategies?"
            kinds.append((sk, e.span[0]))
    # "According to the model cards, which …": the question starts after the source it names.
    main = main_clause(linked)
    kinds = sorted((kp for kp in kinds if kp[1] >= main), key=lambda kp: kp[1])
    # "X's paper card differs from the model card. What does the paper card state?": when
    # the sentence asking names only the named thing's own kind, the kinds of the sentences
    # before it are context (not so "… names a strategy. Which model does *that* use?").
    asking = asked_sentence_start(linked)
    own = {e.kind for e in seeds}
    in_asking = [k for k, p in kinds if p >= asking]
    if asking and own and in_asking and all(k in own for k in in_asking):
        kinds = [kp for kp in kinds if kp[1] >= asking]
    seeds = pointed_seeds(linked, seeds, kinds)
    # The sentence that asks: the one holding the asked words, else (no question word: "Can
    # I get hold of …?") the last one.
    asks_from = asking or (last_sentence_start(linked) if not linked.asked else 0)
    # "I'm planning applications. Which of the cohorts …": with nothing named, the asking
    # sentence opens the list ("X names a strategy. Which model is it built on?" lists none).
    opening = main if seeds else max(main, asks_from)
    # "List all the rs-fMRI embedding strategies": modalities and "all" put no distance.
    modal = {i for _, (a, b) in linked.modality_spans for i in range(a, b)}
    light = modal | {i for i, t in enumerate(linked.tokens) if t.low == "all"}
    first_kind = next(
        (p - opening - len(light & set(range(opening, p))) for _, p in kinds if p >= opening), 99
    )
    lows = [t.low for t in linked.tokens][opening:]
    lead = 2 if lows[1:3] in (["of", "the"], ["of", "these"]) else 0  # "which of the models"
    lead = 3 if lead == 0 and lows[1:2] == ["of"] else lead  # "which of Flamingo's datasets"
    start = linked.tokens[opening].start if opening < len(linked.tokens) else 0
    list_answer = (bool(LIST_START.search(q[start:])) and first_kind <= 3 + lead) or bool(
        WHICH_ONES.search(q)
    )
    if seeds and not (list_answer and kinds and kinds[0][0] == "doc"):
        # "according to its model doc" says where to read, not what to list.
        kinds = [kp for kp in kinds if kp[0] != "doc"]
    list_kind = _head_kind(kinds, 0, modal) if list_answer and kinds else None
    seed_kinds = {e.kind for e in seeds}
    others = _asked_others(linked, seeds, kinds)
    own = _own_kind_words(kinds, seeds, others)
    free_kinds = [(k, p) for k, p in kinds if p not in own or scope or k == list_kind]
    cons = constraints_of(linked, free_kinds)
    for kp in _counted_kinds(linked, view, free_kinds, cons):
        kinds.remove(kp)
        free_kinds.remove(kp)
        cons.pop(kp[0], None)
    context_kinds = to_holders(view, cons, [k for k, _ in free_kinds])
    words = [w for w in linked.words if w not in FILLER] + _counted_properties(linked, props)
    out = Plan("lookup", seeds, scope, None, None, value_props, words, cons, explain)
    out.list_answer = list_answer
    out.besides = besides
    # Two names of one entity ("Caduceus-PS and Caduceus-Ph", variants of Caduceus) compare
    # no two cards: the passages that set the variants side by side answer.
    distinct = len({e.id for e in seeds}) >= 2
    # "… are A, B and C reduced?": a list asked one unnamed field reads each side by side
    # (not a property each card states, nor things of another kind: lookups and hops).
    other_kinds = [k for k, p in kinds if p not in own]
    listed = not value_props and not other_kinds and written_as_list(linked, seeds)
    if distinct and (compare_cue(linked, seeds) or either(linked, seeds) or listed):
        out.intent = "compare"
        # "GENERator's RefSeq … with Evo 2's OpenGenome2": the possessed things are compared.
        heads = [e for e in seeds if not possessor(e, seeds)]
        if len(heads) >= 2:
            out.seeds = heads
        out.seeds = partners_alike(linked, view, compared_alike(linked, view, out.seeds))
        # "bigger by default config, … parameter counts": a named field is what is compared.
        if not value_props:
            out.target = next((k for k, _ in kinds if k not in seed_kinds), None)
        return out
    if (explain or _definition(linked, value_props)) and not (seeds and value_props):
        out.intent = "text"
        out.define = _definition(linked, value_props)
        return out
    free = [(k, p) for k, p in kinds if p not in own]
    # "X's embedding strategy uses which model": the kind the question asks for is the target.
    asked_at = next((n for n, (_, p) in enumerate(free) if p in linked.asked), None)
    asked_kind = _head_kind(free, asked_at, modal) if asked_at is not None else None
    ones = [i for i in linked.asked if linked.tokens[i].low in ONE_WORDS]
    if asked_kind is None and ones:
        # "… to a named pipeline. Which one?": the kind named last before it.
        before = [(p, k) for k, p in free if p < ones[0]]
        asked_kind = max(before)[1] if before else None
    if asked_kind is None and linked.asked:
        # "… a named stack — what band does *that stack* apply?": the kind pointed back at.
        back = [k for k, p in free if p > linked.asked[0] and linked.tokens[p - 1].low == "that"]
        asked_kind = back[0] if back else None
    # "There's a model that ships X. At which venue was its paper published?": the kind
    # the asking sentence names, before those of the sentences leading up to it ("that
    # model" points back and is asked by none).
    pointed = {p for _, p in free if p and linked.tokens[p - 1].low in ("that", "this")}
    in_question = [k for k, p in free if p >= asks_from and p not in pointed] if asks_from else []
    target = list_kind or asked_kind or next(iter(in_question + [k for k, _ in free]), None)
    if scope:
        # "… the pipeline that BrainLM's embedding recipe is aligned to": a kind word owned by
        # a named entity is the way there, not what is asked.
        owned = {e.span[1] for e in seeds if linked.tokens[e.span[1] - 1].low == "s"}
        others = [k for k, p in kinds if k != scope_kind and p not in owned]
        # "… hooks into one harmonization method. Which one?": the registry's kind is asked.
        # "… is the template for which harmonization method ID?": the registry is asked.
        asked_scope = any(e.id in scope and e.span[0] in linked.asked for e in linked.entities)
        fallback = scope_kind if asked_scope or not others else others[0]
        target = list_kind or (asked_kind if ones else None) or fallback
        out.source_kind = scope_kind
    # "Where does the murd option come from — which journal published it?", "the harmonization
    # method that … was published in which venue?": fields only papers state are asked of
    # what a paper describes.
    # "The 117M-parameter DNA encoder — at which venue was its paper published?": with
    # nothing named, the kind word that states the field asked is asked.
    unstated = (seeds and target is None) or (scope and not seeds and target == scope_kind)
    if value_props and (unstated or (not seeds and not scope and not list_kind)):
        held = [k for p in value_props if (k := view.property_kinds.get(p))]
        only = set.intersection(*held) if held else set()
        if unstated and len(only) > 1:  # "in which journal …": papers state venues, mostly
            only = {m for p in value_props if (m := view.main_kind(p))} & only
        named_only = unstated or (only & {k for k, _ in free} and target not in only)
        if len(only) == 1 and named_only and not only & (seed_kinds | {scope_kind}):
            target = next(iter(only))
    out.target = target
    # "What is the DOI of the BrainLM paper?": a link of another shape does not answer.
    out.properties = [p for p in out.properties if not _unshaped(linked, view, seeds, p)]
    if seeds and target in seed_kinds and any(k == target and p in others for k, p in free):
        out.list_answer = True  # "… is built from which two embedding strategies?": others
    if seeds and target and target not in seed_kinds:
        # "How large was the corpus Me-LLaMA was pretrained on?": a property no entity of a
        # kind the question names states (a parameter count) is not what it asks.
        named = {k for k, _ in kinds} | {target}
        out.properties = [p for p in out.properties if named & view.kinds_stating(p)]
    earlier = {k for k, p in kinds if p < second}  # "…, and what does that strategy …" refers back
    out.then = (
        next((k for k, p in kinds if p > second and k != target and k not in earlier), None)
        if second
        else None
    )
    passing = [k for k, p in kinds if k not in {target, scope_kind, out.then} and p not in own]
    out.vias = tuple(dict.fromkeys(passing))
    where = {k: p for k, p in reversed(kinds)}  # each kind's first position
    out.via_first = bool(
        seeds
        and out.via
        and target
        and min(e.span[1] for e in seeds) <= where[out.via] < where.get(target, -1)
    )
    if seeds:
        # graph_answers says multi_hop when a relation leads to the facts reported
        out.intent = "relation" if target else "lookup"
        return out
    if target is None:
        out.intent = "text" if not value_props else "lookup"
        return out
    # No named entity: filter a kind; a second kind word means a hop between two kinds.
    if not scope:
        other = [k for k, _ in kinds if k != target and k not in context_kinds]
        out.source_kind = other[0] if other else target
    out.intent = "multi_hop" if out.source_kind != target else "filter"
    return out


def _counted_properties(linked: Linked, asked: list[str]) -> list[str]:
    """The words of a property written beside a number but not asked ("the fMRI model with a
    207,760-token *context*": the number is a context length), so a condition on the number
    is checked against that property's fields."""
    out = []
    for q in linked.quantities:
        at = next((i for i, t in enumerate(linked.tokens) if t.start >= q.end), len(linked.tokens))
        for p in linked.properties:
            if p.property not in asked and p.span != (0, 0) and 0 <= p.span[0] - at <= 1:
                out += p.property.split("_")
    return out


def _counted_kinds(linked: Linked, view, free_kinds, cons) -> list[tuple[str, int]]:
    """Kind words a question counts with a modifier no entity of the kind holds: "trained on
    how many *synthetic* datasets?" counts what a card states, not dataset cards."""
    out = []
    for k, p in free_kinds:
        c = cons.get(k)
        counted = "many" in {t.low for t in linked.tokens[max(p - 4, 0) : p]}
        if not counted or p not in linked.asked or not c or not c.words:
            continue
        if c.values or c.modalities:
            continue
        cards = view.card_words(k).values()
        if not any(all(has_word(w, ws) for w in c.words) for ws in cards):
            out.append((k, p))
    return out


def _unshaped(linked: Linked, view, seeds: list[EntityLink], prop: str) -> bool:
    """Whether a property asked by a word whose answer has one shape ("DOI") has no value of
    that shape on the named things."""
    words = [p.text.lower() for p in linked.properties if p.property == prop]
    shapes = [REQUIRED_SHAPES[w] for w in words if w in REQUIRED_SHAPES]
    if not shapes or not seeds:
        return False
    values = [str(a.raw) for e in seeds for a in view.attributes(e.id) if a.property == prop]
    return not any(s.search(v) for s in shapes for v in values)


def _asked_others(linked: Linked, seeds: list[EntityLink], kinds) -> set[int]:
    """Kind words a question asks for after a named thing of that kind, in its sentence:
    "the fusion strategy is built from which two embedding strategies?" (not "… on a
    cohort. Which cohort?", which asks which one it was)."""
    toks, out = linked.tokens, set()
    for k, p in kinds:
        before = [e for e in seeds if e.kind == k and e.span[1] < p]
        lows = [t.low for t in toks[max(p - 2, 0) : p]]
        if not before or p not in linked.asked or not {"which", "what"} & set(lows):
            continue
        between = linked.question[toks[max(e.span[1] for e in before) - 1].end : toks[p].start]
        if not re.search(r"[.?!;]", between):
            out.add(p)
    return out


def _own_kind_words(
    kinds: list[tuple[str, int]], seeds: list[EntityLink], asked: set[int] = frozenset()
) -> set[int]:
    """The positions of kind words that name a seed's own kind ("the GUE benchmark"), unless
    a word for another kind stands between it and every seed of its kind: in "the pretraining
    corpus of the model whose paper released the GUE benchmark" the corpus is another dataset;
    nor one asked apart from them ("the fusion strategy is built from which two embedding
    strategies?" asks for others)."""
    own = set()
    for k, p in kinds:
        if p in asked:
            continue
        apart = [
            any(j != k and min(p, e.span[0]) < q < max(p, e.span[1]) for j, q in kinds)
            for e in seeds
            if e.kind == k
        ]
        if apart and not all(apart):
            own.add(p)
    return own


def _head_kind(kinds: list[tuple[str, int]], n: int, between: set[int] = frozenset()) -> str:
    """The kind at `kinds[n]`, or the last of the kind words written right after it, a
    modality word (`between`) aside: in "which methods papers" the papers are asked for, in
    "which LLM/VLM alignment strategies" the strategies."""
    at = {p: k for k, p in kinds}
    pos = kinds[n][1]
    while pos + 1 in at or (pos + 1 in between and pos + 2 in at):
        pos += 1 if pos + 1 in at else 2
    return at[pos]


def _definition(linked: Linked, value_props: list[str]) -> bool:
    """ "What is the LOGO protocol?": a named thing and at most one more word, no property."""
    lows = [t.low for t in linked.tokens[:2]]
    if value_props or lows not in (["what", "is"], ["what", "are"]) or not linked.entities:
        return False
    if linked.entities[0].span[0] > 3:
        return False  # "what is the vocabulary size of X" asks for a field of X
    return len([w for w in linked.words if w not in FILLER]) <= 1

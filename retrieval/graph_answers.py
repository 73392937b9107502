"""Structured answers from the stores: lookups, filters, relations and chains of them.

A `Plan` (retrieval.intent) is run in three steps: the entities it starts from (the named
ones, a registry's members, or every entity of a kind that meets the conditions), an
optional hop along relations to the kind asked for, and the facts reported about the
result (properties asked, else attributes sharing the question's words). Every fact cites
the card line (or doc line) it was read from. Comparisons live in `retrieval.graph_compare`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kg.vocab import RELATIONS
from retrieval.facts import Fact, attr_fact, property_facts, text_words, word_facts
from retrieval.fillers import FILLER, NAMING
from retrieval.hops import chain, paired, reach
from retrieval.intent import Plan
from retrieval.leads import MAX_LISTED, lead
from retrieval.lexicon import ABSENCE, ONE_WORDS, asks_number
from retrieval.linking import Linked
from retrieval.projection import projection_words
from retrieval.sections import first_sentence
from retrieval.selection import best_by_words, candidates, flag_or_code, name_words, scoped, select

PAIR_BELOW = 0.6  # a lookup weaker than this is also tried on the entity's paired card
PAIRED = 0.9  # facts read from that paired card (a model's paper, a paper's model)
FALLBACK = 0.6  # facts read from the start entity when no relation reached the kind asked
PARTIAL = 0.3  # a hop whose later parts were not found: too weak to stand alone


@dataclass(slots=True)
class Block:
    """Facts about one entity, under a heading (the entity, or how it was reached)."""

    entity: str
    heading: str
    facts: list[Fact] = field(default_factory=list)


@dataclass(slots=True)
class GraphAnswer:
    """What the graph says: a one-line lead, blocks of cited facts, and how sure it is."""

    intent: str
    lead: str
    blocks: list[Block]
    entities: list[str]
    strength: float
    partial: bool = False  # the relations only: a later part asked was not found on them


def label(predicate: str, forward: bool) -> str:
    """A relation's label as read from the subject (forward) or from the object."""
    text = RELATIONS.get(predicate, ("", predicate.replace("_", " ")))[1]
    return text if forward else f"{text} (of)"


def relation_fact(view, base: str, other: str, rel) -> Fact:
    """A relation as a fact about `other`, read from `base`'s side, citing its line."""
    forward = rel.subject == base
    text = f"{view.name(other)} ({other})" if view.name(other) != other else other
    lines = (rel.prov.line_start, rel.prov.line_end)
    quote = view.quote(rel.prov.source, *lines) or rel.ref
    return Fact(other, label(rel.predicate, forward), text, rel.prov.source, lines, quote)


def entity_fact(view, eid: str) -> Fact:
    """An entity itself as a fact, citing where it is defined."""
    row = view.entities[eid]
    return Fact(eid, row.kind, row.name, row.source, tuple(row.lines), row.name)


def _start(plan: Plan, linked: Linked, view) -> tuple[list[str], dict, float, str | None] | None:
    """The entities a plan starts from, the attributes showing why, link strength, kind."""
    cons = plan.constraints
    if plan.seeds:
        return [e.id for e in plan.seeds], {}, min(e.score for e in plan.seeds), None
    kind = plan.source_kind or plan.target
    if plan.scope:
        base, ev = scoped(view, plan, kind)
        if not cons.get(kind):
            base, ev = best_by_words(view, base, plan.words)
    elif kind:
        c = cons.get(kind)
        if not c and plan.target == kind:
            # "which models" with no condition is no filter; "which are verified" is one, and
            # so is "which use plain StratifiedKFold"
            base, ev = flag_or_code(view, candidates(view, kind, None), linked, plan.properties)
            return (base, ev, 1.0, kind) if base else None
        base, ev = select(view, candidates(view, kind, c), c, plan)
        if not plan.list_answer and len(base) > 3:
            return None  # a description that fits many entities names none of them
    else:
        return None
    return (base, ev, 1.0, kind) if base else None


def answer(plan: Plan, linked: Linked, view) -> GraphAnswer | None:
    """Run a lookup / filter / relation / multi-hop plan; None when the graph has nothing."""
    if plan.intent in ("text", "compare"):
        return None
    start = _start(plan, linked, view)
    if start is None:
        return None
    base, evidence, strength, kind = start
    hops: list = []
    field_words: set[str] = set()
    final = base
    target = plan.target
    wants_hop = target and kind != target
    # "Which model … <named model>" asks for other models, so it hops as well, and so does
    # "the corpus of the model whose paper released <a named benchmark>", through the kinds
    # between.
    if wants_hop and (
        all(view.kind(b) != target for b in base)
        or (plan.seeds and (plan.list_answer or plan.vias))
    ):
        reached = reach(plan, linked, view, base)
        if reached is None:
            return None
        final, hops, field_words, ev2, through_mentions = reached
        evidence.update(ev2)
        if through_mentions:
            strength *= FALLBACK  # reached through prose mentions, not stated relations
        if not hops:
            alts = [a for e in plan.seeds for a in e.alternatives if view.kind(a) == target]
            final = alts or base
            if not alts:
                strength *= FALLBACK
            # else: no relation leads there; the start entity's own fields may say it
            # ("the reference of combat_smri" is a field, not a paper card).
    ga = _facts(plan, linked, view, base, final, hops, evidence, strength, field_words)
    weak = ga is None or ga.strength < PAIR_BELOW
    if weak and not hops and plan.seeds and not plan.list_answer:
        # A field the model card lacks may be on the card of the paper describing it
        # (and the other way round): "how many visual tokens does the resampler emit".
        pair, weaker = paired(view, base), strength * PAIRED
        alt = pair and _facts(plan, linked, view, base, pair, [], evidence, weaker, also=base)
        ga = alt if alt and (ga is None or alt.strength > ga.strength) else ga
    if ga is None and plan.then and hops and plan.properties:
        # "Which method is it, and in which journal was the paper it is based on published?":
        # the fields asked are the next hop's (the paper's), not the method's.
        more = chain(view, final, plan.then)
        ends = list(dict.fromkeys(o for _, o, _ in more))
        ga = ends and _facts(plan, linked, view, ends, ends, [], {}, strength * FALLBACK)
        if ga:
            ga.blocks = _relation_blocks(view, hops + more) + ga.blocks
            ga.lead = lead(view, plan, base, final, hops)
            ga.entities = list(dict.fromkeys([*base, *final, *ga.entities]))
            ga.intent = "multi_hop"
        return ga or None
    if ga is None and hops and not plan.list_answer:
        # "Which strategy does X use, and what covariates does it residualize?": the hop
        # answers the first part; the answerer may find the rest (neighbourhood.complete).
        ents = list(dict.fromkeys([*base, *final]))
        rel = _relation_blocks(view, hops[:MAX_LISTED])
        head = lead(view, plan, base, final, hops)
        ga = GraphAnswer("multi_hop", head, rel, ents, strength * PARTIAL, partial=True)
    if ga is not None and plan.then:
        # "…, and which paper describes it?": one more hop from what was found; "which
        # strategy and which pipeline does X use?": else a second hop from X itself.
        more = chain(view, final, plan.then) or chain(view, base, plan.then)
        if more:
            ga.blocks += _relation_blocks(view, more[:MAX_LISTED])
            ga.entities += [o for _, o, _ in more if o not in ga.entities]
    return ga


def definition(plan: Plan, view) -> GraphAnswer | None:
    """ "What is X?": the summary X's own card gives, beside the passages."""
    blocks = []
    for e in plan.seeds:
        if e.kind == "doc":
            continue
        facts = property_facts("summary", view.attributes(e.id), view.source(e.id))[:1]
        if facts:
            blocks.append(Block(e.id, e.name, facts))
    if not blocks:
        return None
    strength = min(e.score for e in plan.seeds)
    return GraphAnswer("text", "", blocks, [b.entity for b in blocks], strength)


def _facts(plan, linked, view, base, final, hops, evidence, strength, field_words=(), also=()):
    if not plan.properties and all(view.kind(e) == "doc" for e in final):
        return None  # a doc's facts are its passages: text answers read those
    prefer_docs = "doc" in linked.kind_names()
    names = {w for e in final for w in name_words(view, e)}
    have = {view.kind(e) for e in [*final, *also]}  # `also`: kinds reached besides `final`
    # Words that named the start entity's field ("default harmonization") led the hop.
    asked, rest, helping, subst = projection_words(
        plan, linked, bool(hops), names, have, set(field_words)
    )
    required = asked + rest
    quantity = asks_number(linked.question)
    by_words = not plan.list_answer or (plan.seeds and not hops)
    if hops and _kind_asked_first(linked, plan.target):
        # "X's strategy uses which model, and to what width does it project?": the hop
        # answers the first part; later parts are fields of what the path reached.
        required, by_words = [], False
    blocks: list[Block] = []
    asked_blocks: list[Block] = []
    later: list[Block] = []  # what each of several reached entities is, after their fields
    first_author = any(p.text.lower() == "first author" for p in linked.properties)
    projected = 0.0
    for eid in final[:MAX_LISTED]:
        attrs = view.attributes(eid)
        facts: list[Fact] = []
        for p in plan.properties:
            stated = property_facts(p, attrs, view.source(eid), prefer_docs)
            if p == "author" and first_author:
                stated = [replace(f, text=f.text.split("; ")[0]) for f in stated[:1]]
            facts += stated + (_notes_on(p, attrs, view.source(eid)) if stated else [])
        score = 1.0 if facts else 0.0
        src = view.source(eid)
        if facts and by_words and rest:
            # "How many parameters are *active*, and how many in total?": named fields too.
            more = word_facts([], rest, attrs, src, 2, keys_only=True)
            facts += [f for s, f in more if s >= 0.2 and all(f.lines != g.lines for g in facts)]
        if not facts and by_words:
            # The asked words, and the property's own (whose key synonyms find a dataset's
            # size under `counts` when "how big" was asked).
            props = [w for p in plan.properties for w in p.split("_")]
            ask = list(dict.fromkeys(_heads(view, eid, asked, linked) + props))
            # A property asked but absent: only a field named for it answers (not a note
            # that mentions the word), and "how many" wants a number.
            scored = word_facts(
                ask,
                rest,
                attrs,
                src,
                3,
                helping,
                subst,
                bool(plan.properties),
                quantity,
                parts=linked.parts() > 1 or len(ask) > 2,
                phrases=linked.asked_phrases_in_full(),
            )
            scored = [(s, f) for s, f in scored if not ABSENCE.search(f.text)]
            facts = [f for _, f in scored]
            score = scored[0][0] if scored else 0.0
        if (facts or field_words) and hops and not plan.list_answer:
            # "…, and what does that method do?": say what the entity reached is.
            summary = property_facts("summary", attrs, view.source(eid))[:1]
            several = len(final) > 1 and bool(facts)
            facts = [f for f in facts if not summary or f.text != summary[0].text]
            if several and summary:
                # Several reached: the fields asked of each come first, then one sentence
                # of each summary saying what it is (`later`, after every entity's fields).
                short = replace(summary[0], text=first_sentence(summary[0].text))
                later.append(Block(eid, view.name(eid), [short]))
            elif not several:
                facts += summary  # the fields asked first, the summary after them (or alone)
        projected = max(projected, score)
        if facts:
            asked_blocks.append(Block(eid, view.name(eid), facts))
        blocks.append(
            Block(eid, view.name(eid), facts or [_evidence_fact(view, eid, evidence.get(eid, []))])
        )
    asked_blocks += later
    blocks += later
    # A list question is answered by the entities; facts found about them are evidence.
    asked_values = not plan.list_answer and (
        bool(plan.properties) or (by_words and bool(required or not hops))
    )
    if asked_values and projected == 0.0:
        return None
    intent = plan.intent
    if hops and (asked_values or plan.source_kind or plan.properties):
        intent = "multi_hop"
    elif hops:
        intent = "relation"
    elif plan.intent == "relation":
        intent = "lookup"
    if hops and not asked_values:
        blocks = _relation_blocks(view, hops[: MAX_LISTED * 2])
        said = {(f.source, f.lines) for b in blocks for f in b.facts}
        for b in _seed_fields(view, linked, base):  # a field the relations did not already cite
            b.facts = [f for f in b.facts if (f.source, f.lines) not in said]
            blocks += [b] if b.facts else []
        if plan.properties or field_words:  # "…, and what is its code license / what does it do?"
            blocks += asked_blocks
        if not asked_blocks:
            mids = [o for _, o, _ in hops if view.kind(o) != plan.target]
            blocks += _second_part(view, linked, list(dict.fromkeys(final + mids)))
    elif hops:
        # Each entity reached once: two named starts that both cite a paper say it once.
        first = {o: (b, o, r) for b, o, r in reversed(hops)}
        via = [relation_fact(view, *first[o]) for o in dict.fromkeys(o for _, o, _ in hops)]
        blocks.insert(0, Block(base[0], "via", via[:MAX_LISTED]))
    ents = list(dict.fromkeys([*base, *final]))
    conf = strength * (projected if asked_values else 1.0)
    return GraphAnswer(intent, lead(view, plan, base, final, hops), blocks, ents, conf)


def _notes_on(prop: str, attrs, source: str) -> list[Fact]:
    """The card's notes on a property it states (`access_notes` beside `access`): they say
    how (through PhysioNet, with a data use agreement), the value only what."""
    keys = (f"{prop}_notes", f"{prop}.notes", f"{prop}_note", f"{prop}.note")
    keys += ("restrictions",) if prop == "access" else ()  # the dataset cards' access terms
    return [attr_fact(a) for a in attrs if a.prov.source == source and a.path.lower() in keys]


def _kind_asked_first(linked: Linked, target: str | None) -> bool:
    """Whether the first asked phrase is the target's kind word ("uses which model") and
    more is asked after it."""
    groups = linked.asked_groups()
    if target is None or len(groups) < 2:
        return False
    modal = {i for _, (a, b) in linked.modality_spans for i in range(a, b)}
    first = [i for i in groups[0] if i not in modal]  # "what fMRI strategy"
    # "which foundation model": the words of the target's kind phrase.
    of_kind = {i for k, (a, b) in linked.kinds if k == target for i in range(a, b)}
    return bool(first) and all(i in of_kind or linked.tokens[i].low in ONE_WORDS for i in first)


def _heads(view, eid: str, asked: list[str], linked: Linked) -> list[str]:
    """The asked words without those describing the entity itself: in "how many chest
    radiograph images does MIMIC-CXR hold" the images are asked, "chest radiograph" is what
    the dataset is (its name or summary says so). Only modifiers go: the last word of each
    asked phrase stays."""
    groups = [[linked.tokens[i].stem for i in g] for g in linked.asked_groups()]
    modifiers = {w for g in groups for w in g[:-1]} - {g[-1] for g in groups}
    if not modifiers & set(asked):
        return asked
    own = name_words(view, eid)
    for a in view.attributes(eid):
        if a.property == "summary" and a.prov.source == view.source(eid):
            own |= text_words(a.raw)
    return [w for w in asked if w not in modifiers or w not in own] or asked


def _second_part(view, linked: Linked, final: list[str]) -> list[Block]:
    """ "Which strategy does X use, and how many MDD genes does its gene set hold?": the
    fields of what was reached that the later asked phrases name, one phrase at a time
    (with the words of its own clause: "which token does it *pool*")."""
    toks = linked.tokens
    groups: list[list[int]] = []
    for g in linked.asked_groups():
        # "genetics and brain models": modifiers coordinated in one phrase, not two parts.
        if groups and g[0] == groups[-1][-1] + 2 and toks[g[0] - 1].low in ("and", "or"):
            groups[-1] = groups[-1] + g
        else:
            groups.append(g)
    if len(groups) < 2:
        return []
    kinds = {toks[span[0]].stem for _, span in linked.kinds}
    ends = [g[0] for g in groups[2:]] + [len(toks)]
    content = set(linked.words) - FILLER  # "what … does that stack *apply*": no field word
    out: dict[str, list[Fact]] = {}
    for g, end in zip(groups[1:], ends, strict=True):
        asked = [toks[i].stem for i in g if toks[i].stem not in kinds and len(toks[i].stem) > 1]
        clause = [t.stem for t in toks[g[-1] + 1 : end] if t.stem in content]
        if not asked:
            continue
        many = linked.counted(g)  # "how many parcels"
        for eid in final[:MAX_LISTED]:
            attrs = view.attributes(eid)
            scored = word_facts(asked, clause, attrs, view.source(eid), 1, numeric=many)
            for sc, f in scored:
                if sc >= 0.5 and f not in out.get(eid, []):
                    out.setdefault(eid, []).append(f)
    return [Block(eid, view.name(eid), facts) for eid, facts in out.items()]


def _seed_fields(view, linked: Linked, base: list[str]) -> list[Block]:
    """Fields of the named entity whose key is a word of the question ("intended for" ->
    `intended_use`): a card may list what a relation would, as plain values."""
    kind_words = {linked.tokens[span[0]].stem for _, span in linked.kinds}
    words = [w for w in linked.words if w not in kind_words and w not in NAMING]
    out = []
    for b in base:
        scored = word_facts([], [], view.attributes(b), view.source(b), 2, substitutes=words)
        facts = [f for s, f in scored if s >= 1.0]
        if facts:
            out.append(Block(b, view.name(b), facts))
    return out


def _evidence_fact(view, eid: str, ev: list) -> Fact:
    return attr_fact(ev[0]) if ev else entity_fact(view, eid)


def _relation_blocks(view, hops) -> list[Block]:
    """One block per starting entity and relation: "Caduceus — uses dataset: A; B"."""
    blocks: dict[tuple[str, str], Block] = {}
    for b, o, r in hops:
        f = relation_fact(view, b, o, r)
        key = (b, f.label)
        if key not in blocks:
            blocks[key] = Block(b, f"{view.name(b)} — {f.label}", [])
        if all(x.entity != o for x in blocks[key].facts):
            f.label = blocks[key].heading
            blocks[key].facts.append(f)
    return list(blocks.values())

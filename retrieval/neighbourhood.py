"""Answers read around the entities a question names.

A question often describes a path the planner cannot read ("the pipeline X's recipe points
to: what parcellation does it use?", "the paper behind that method: who wrote it?"). The
facts it asks for then sit on an entity one or two relations away from the one it names.
What it asks is read as slots (each asked property, each asked phrase by its last word);
`answer` finds a field for every slot on the entities around the named ones, nearest first,
when the plan found nothing strong (or a lookup said nothing asked); `complete` finds the
slots an answer left out, reading around what it reached. A neighbour the question does not
name answers only with a value carrying what is asked ("which hospital" ~ "… Medical
Center"), and a field of a neighbour only when the asked phrase's modifiers name it. Each
field is cited after the relations that reached it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.facts import (
    Fact,
    attr_fact,
    counted_words,
    has_word,
    key_word,
    path_words,
    property_facts,
    text_words,
    word_facts,
)
from retrieval.fillers import FILLER
from retrieval.graph_answers import Block, GraphAnswer, relation_fact
from retrieval.intent import Plan
from retrieval.kb_view import STRUCTURAL
from retrieval.lexicon import ABSENCE, FRAME_WORDS, asks_number
from retrieval.linking import Linked
from retrieval.value_units import UNIT_PATTERNS

# Relations followed: the structural ones, but for a doc's and a use's ("intended for"), whose
# ends are no entity the question's fields sit on.
WALKED = tuple(p for p in STRUCTURAL if p not in ("intended_for", "documented_in"))
SKIPPED_KINDS = {"doc", "modality"}  # docs answer through passages; modalities hold no fields
MAX_DEPTH = 2
MAX_REACHED = 60  # entities read at most: a hub (a registry) must not flood the walk
DEPTH_WEIGHT = (1.0, 0.85, 0.7)
NEXT_DOOR_SHARE = 0.15  # share of the other words a field of an unnamed neighbour must hold
_GENERIC_HEADS = {"feature", "value", "item", "entry", "entrie", "number", "count"}


def _reach(view, seeds: list[str]) -> dict[str, list[tuple[str, str, object]]]:
    """Every entity within MAX_DEPTH relations of the seeds, with the hops reaching it."""
    paths: dict[str, list] = {s: [] for s in seeds}
    frontier = list(seeds)
    for _ in range(MAX_DEPTH):
        nxt = []
        for e in frontier:
            for other, rel in view.related(e, None, WALKED):
                if other in paths or view.kind(other) in SKIPPED_KINDS:
                    continue
                paths[other] = [*paths[e], (e, other, rel)]
                nxt.append(other)
                if len(paths) >= MAX_REACHED:
                    return paths
        frontier = nxt
    return paths


def _weights(words: list[str], idf: dict[str, float]) -> dict[str, float]:
    default = max(idf.values(), default=1.0)
    return {w: idf.get(w, default) for w in dict.fromkeys(words)}


def _base(eid: str) -> str:
    return eid.split(".", 1)[0]


def _may_answer(
    view, eid: str, path: list, seeds: list[str], named_kinds: set[str], own: set[str]
) -> bool:
    """Whether facts of `eid` can answer a question about the seeds: the seeds themselves,
    their paired cards (a model's paper, the same id in another card), or an entity of
    another kind the question names ("the paper behind that method"). Another entity of a
    seed's own kind never answers for it: the parameters of a model sharing Brain-JEPA's
    dataset are not Brain-JEPA's, nor is the licence of a dataset SwiFT uses the licence of
    SwiFT's code. (`own`: the kinds the question is about.)"""
    if not path or _base(eid) in {_base(s) for s in seeds}:
        return True
    kind = view.kind(eid)
    if kind in own:
        return False
    if path[-1][2].predicate in ("described_by", "describes") and len(path) == 1:
        return True
    return kind in named_kinds


def _described_as(view, eid: str, path: list, own: set[str], q: _Question) -> bool:
    """An entity next to a seed that its own summary calls what the question calls it:
    "the pretraining atlas of Evo 2" is the dataset summarised as "Pretraining atlas
    assembled for Evo 2" (at least half the weight of the question's other words)."""
    if len(path) != 1 or view.kind(eid) in own:
        return False
    summary = property_facts("summary", view.attributes(eid), view.source(eid))[:1]
    return bool(summary) and _share(summary[0], q.rest) >= 0.5


def _key_words(f: Fact) -> set[str]:
    return path_words(f.label.replace(" ", "_"))


@dataclass(slots=True)
class _Question:
    """What a question asks, as slots: each asked property, and each asked phrase by its
    last word ("PCA <width>"); the phrase's other words and the question's other content
    words only help choose between fields."""

    slots: list[str]
    props: list[str]
    rest: dict[str, float]
    numeric: bool
    counted: set[str]  # slots asked by "how many <X>": said only with a number
    modifiers: dict[str, list[str]] = field(default_factory=dict)  # "vocabulary" of "… size"


def _read(plan: Plan, linked: Linked, view, named: list[str]) -> _Question:
    names = {w for s in named for w in text_words(view.name(s))}
    names |= {linked.tokens[i].stem for e in linked.entities for i in range(*e.span)}
    kind_words = {linked.tokens[i].stem for _, span in linked.kinds for i in range(*span)}
    skip = FILLER | FRAME_WORDS | names | kind_words
    groups, counts = [], set()
    for g in linked.asked_groups():
        head = linked.tokens[g[-1]]
        counted = linked.counted(g)
        if head.stem in kind_words and not counted:
            continue  # "which DNA model's <paper>": a kind the hop answers, not a field
        stems = [linked.tokens[i].stem for i in g]
        kept = [w for w in stems if (w not in skip or counted) and len(w) > 1]
        if len(kept) > 1 and kept[-1] in _GENERIC_HEADS:
            kept = kept[:-1]  # "how many ROI <features>": the ROIs are counted
        groups.append(kept)
        counts |= {kept[-1]} if counted and kept else set()
    asked = list(dict.fromkeys(g[-1] for g in groups if g))
    mods = [w for g in groups for w in g[:-1] if w not in asked]
    rest = [w for w in [*mods, *plan.words] if w not in skip and w not in asked and len(w) > 1]
    props = list(plan.properties)
    slots = props + [w for w in asked if not any(_covers_prop(w, p) for p in props)]
    numeric = asks_number(linked.question)
    modifiers = {g[-1]: g[:-1] for g in groups if len(g) > 1}
    return _Question(slots, props, _weights(rest, view.idf()), numeric, counts, modifiers)


def _candidates(q: _Question, plan: Plan, linked: Linked, view, seeds, paths, ahead=()):
    """(slot, depth, fact, entity) for every field around the seeds that may answer a slot.
    `ahead`: the entities an answer reached; then the question is about their kinds (whose
    other entities never answer for them), and a path from them has passed any via kind."""
    named_kinds = {k for k, _ in linked.kinds}
    out: list[tuple[str, int, Fact, str]] = []
    seed_kinds = {view.kind(s) for s in (ahead or seeds)}
    for eid, path in paths.items():
        may = _may_answer(view, eid, path, seeds, named_kinds, seed_kinds) or _described_as(
            view, eid, path, seed_kinds, q
        )
        # A value that carries what a word asks ("which hospital" ~ "… Medical Center")
        # may come from any neighbour of another kind: the hospital behind a model's data.
        next_door = len(path) == 1 and view.kind(eid) not in seed_kinds
        if not (may or next_door):
            continue
        from_ahead = bool(path) and path[0][0] in ahead  # past any via kind already
        on_path = {view.kind(o) for _, o, _ in path}
        if plan.via and path and not from_ahead and plan.via not in on_path:
            continue  # "the paper behind that method": the path passes through a method
        attrs, src = view.attributes(eid), view.source(eid)
        for p in q.props if may else ():
            out += [(p, len(path), f, eid) for f in property_facts(p, attrs, src)[:1]]
        for w in (w for w in q.slots if w not in q.props):
            # "Which atlas …, and how many ROIs …?": only the counted part wants a number.
            numeric = q.numeric and (w in q.counted or not q.counted)
            for sc, f in word_facts([w], list(q.rest), attrs, src, 3, numeric=numeric):
                if ABSENCE.search(f.text):
                    continue
                # A value opening with a count ("424 parcels; …") names what it counts, on
                # what an answer reached (not the "8,192-token" window of a named model).
                opening = re.split(r"[;.]\s", f.text, maxsplit=1)[0]
                counts = bool(ahead) and w in q.counted and w in counted_words(opening)
                keyed = key_word(w, _key_words(f)) or counts
                # "The model whose paper introduced X was pretrained on how many species?":
                # a count named for what is counted may stand next to what the answer
                # reached (its dataset); not next to the named one ("how many ABCD
                # participants trained SwiFT" is no count of SwiFT's UK Biobank data).
                reads = may or (w in q.counted and from_ahead)
                named = sc >= 0.6 and keyed and reads
                # A neighbour the question does not name must also share its other words
                # ("the patients whose clinical notes …"): a "%" alone is everywhere.
                carried = _carries(w, f.text) and (may or _share(f, q.rest) >= NEXT_DOOR_SHARE)
                if named or carried:
                    out.append((w, len(path), f, eid))
    return out


def _best(cands, slot: str, q: _Question, prefer: frozenset[str] = frozenset()):
    """The field answering a slot on a preferred entity, else the nearest, then the one
    sharing most of the question's other words."""
    options = [c for c in cands if c[0] == slot]
    if not options:
        return None
    return min(options, key=lambda c: (c[3] not in prefer, c[1], -_share(c[2], q.rest)))


def _blocks(view, chosen: list[tuple[Fact, str]], paths: dict, head: str) -> list[Block]:
    """The relations that reached the chosen fields ("via"), then the fields by entity."""
    hops = []
    for _, eid in chosen:
        hops += [h for h in paths[eid] if h not in hops]
    blocks = [Block(head, "via", [relation_fact(view, b, o, r) for b, o, r in hops])]
    for f, eid in chosen:
        block = next((b for b in blocks[1:] if b.entity == eid), None)
        if block is None:
            block = Block(eid, view.name(eid))
            blocks.append(block)
        block.facts.append(f)
    return blocks if hops else blocks[1:]


def answer(plan: Plan, linked: Linked, view) -> GraphAnswer | None:
    """The fields around the named entities that cover every asked part, or None."""
    seeds = [e.id for e in plan.seeds if e.kind not in SKIPPED_KINDS]
    q = _read(plan, linked, view, seeds)
    if not seeds or not q.slots:
        return None
    paths = _reach(view, seeds)
    cands = _candidates(q, plan, linked, view, seeds, paths)
    chosen: list[tuple[Fact, str]] = []
    depth = 0
    for slot in q.slots:
        best = _best(cands, slot, q)
        if best is None or (best[1] and not _modified_alike(view, best, q.modifiers.get(slot))):
            return None  # a part of the question nothing around the seeds answers
        depth = max(depth, best[1])
        if all(best[2].lines != f.lines or best[3] != e for f, e in chosen):
            chosen.append((best[2], best[3]))
    if not depth and len(chosen) < 2:
        return None  # a seed's own field: the plan's own reading already had it
    strength = min(e.score for e in plan.seeds) * DEPTH_WEIGHT[depth]
    ents = list(dict.fromkeys([*seeds, *(eid for _, eid in chosen)]))
    return GraphAnswer("multi_hop", "", _blocks(view, chosen, paths, seeds[0]), ents, strength)


def complete(
    plan: Plan, linked: Linked, view, text: str, reached: list[str]
) -> tuple[list[Block], bool]:
    """Fields for the asked parts an answer leaves out, read on the entities it reached and
    around them ("which strategy does X use, and <what dimension> does it project to?").
    Nothing when the answer covers every part, or none (then it answers something else).
    Returns the blocks, and whether every part left out was found."""
    named = [e.id for e in plan.seeds]
    seeds = [e for e in dict.fromkeys([*named, *reached]) if view.kind(e) not in SKIPPED_KINDS]
    q = _read(plan, linked, view, seeds)
    said = text_words(text)
    missing = [s for s in q.slots if not _said(s, said, text if s in q.counted else "")]
    # A hop to another entity answered "which <kind>"; else some asked part must be there.
    hopped = bool(set(reached) - set(named))
    if not seeds or not missing or (len(missing) == len(q.slots) and not hopped):
        return [], False
    paths = _reach(view, seeds)
    # Later parts ask about what the hop reached ("… and what does *that strategy* …"): the
    # start's kind no longer bars its other entities ("the model whose paper introduced
    # <benchmark X> was pretrained on how many species?" reads the model's other dataset).
    ahead = [e for e in reached if e not in named]
    cands = _candidates(q, plan, linked, view, seeds, paths, ahead)
    chosen = []
    pointed = _pointed_back(linked, {view.kind(e) for e in ahead})
    for slot in missing:
        best = _best(cands, slot, q, frozenset(ahead))
        if best is None or (pointed and best[3] not in ahead):
            best = _described(view, ahead, q) or best
        if best is not None and all(best[2].lines != f.lines for f, _ in chosen):
            chosen.append((best[2], best[3]))
    if not chosen:
        return [], False
    return _blocks(view, chosen, paths, seeds[0]), len(chosen) == len(missing)


def _described(view, reached: list[str], q: _Question):
    """For a part no field is named for ("what covariates does that strategy
    <residualize>?"), the one field of an entity the answer reached whose value holds most
    of the question's other words, if it holds at least half of their weight."""
    best, top = None, 0.5
    for eid in reached:
        src = view.source(eid)
        for a in view.attributes(eid):
            if a.prov.source != src or a.path == "id":
                continue
            f = attr_fact(a)
            share = _share(f, q.rest)
            if share > top:
                best, top = ("", 0, f, eid), share
    return best


def _pointed_back(linked: Linked, kinds: set[str]) -> bool:
    """Whether the question points back at what the hop reached ("that strategy")."""
    toks = linked.tokens
    return any(
        k in kinds and a > 0 and toks[a - 1].low in ("that", "this", "these", "those")
        for k, (a, _) in linked.kinds
    )


def _said(slot: str, words: set[str], text: str = "") -> bool:
    """Whether an answer says a slot; a counted one ("how many datasets") only as a field
    holding a number ("datasets: 36"), not as a relation's label ("uses dataset")."""
    if text:
        return bool(re.search(rf"\b{re.escape(slot)}\w*[\w.\[\]]*:\s*[~≈]?\d", text, re.I))
    return all(has_word(w, words, True) for w in slot.split("_"))


def _modified_alike(view, cand, modifiers: list[str] | None) -> bool:
    """Whether a neighbour's field is the thing the asked phrase names with its modifiers:
    "the vocabulary size of X" is not the size (`counts.species`) of X's dataset."""
    if not modifiers:
        return True
    _, _, f, eid = cand
    words = text_words(f"{f.label} {f.text} {view.name(eid)}")
    if "." in f.label:  # the fields beside it: `projector.dim` beside `projector.type: PCA`
        parent = f".{f.label.rsplit('.', 1)[0]}."
        beside = [a.raw for a in view.attributes(eid) if parent in f".{a.path}"]
        words |= text_words(" ".join(map(str, beside)))
    return any(has_word(m, words) for m in modifiers)


def _carries(slot: str, text: str) -> bool:
    """Whether a value carries what the slot's word asks for without naming it: "which
    hospital" ~ "patients at Beth Israel Deaconess Medical Center"."""
    unit = UNIT_PATTERNS.get(slot)
    return unit is not None and bool(unit.search(text))


def says_none(plan: Plan, linked: Linked, view, text: str) -> bool:
    """Whether an answer says none of the parts the question asks: a field mentioning an
    "8,192-token" window says no "how many tokens" of a dataset."""
    seeds = [e.id for e in plan.seeds if e.kind not in SKIPPED_KINDS]
    q = _read(plan, linked, view, seeds)
    said = text_words(text)
    return bool(q.slots) and not any(
        _said(s, said, text if s in q.counted else "") for s in q.slots
    )


def _covers_prop(word: str, prop: str) -> bool:
    return has_word(word, set(prop.split("_")), True)


def _share(f: Fact, weights: dict[str, float]) -> float:
    if not weights:
        return 0.0
    fw = text_words(f"{f.label} {f.text}")
    return sum(v for w, v in weights.items() if has_word(w, fw)) / sum(weights.values())

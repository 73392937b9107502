"""Answers read around the entities a question names, when its plan found nothing strong.

A question often describes a path the planner cannot read ("the pipeline X's recipe points
to: what parcellation does it use?", "the paper behind that method: who wrote it?"). The
facts it asks for then sit on an entity one or two relations away from the one it names.
This reader walks those relations, scores every field of every entity reached by the
question's words (the asked words first, as `facts.word_facts` does), and keeps the fields
that together cover the question best, each cited, after the relations that reached them.
Entities further away count less, so a seed's own field wins a tie.
"""

from __future__ import annotations

from retrieval.facts import (
    Fact,
    has_word,
    key_word,
    path_words,
    property_facts,
    text_words,
    word_facts,
)
from retrieval.graph_answers import Block, GraphAnswer, relation_fact
from retrieval.intent import FILLER, Plan
from retrieval.lexicon import ABSENCE, FRAME_WORDS, asks_number
from retrieval.linking import Linked

# Relations followed: what an entity is built from, described by, part of, or refers to.
WALKED = (
    "uses_dataset",
    "described_by",
    "describes",
    "uses_model",
    "uses_strategy",
    "uses_method",
    "uses_integration",
    "part_of",
    "refers_to",
    "related_to",
)
SKIPPED_KINDS = {"doc", "modality"}  # docs answer through passages; modalities hold no fields
MAX_DEPTH = 2
MAX_REACHED = 60  # entities read at most: a hub (a registry) must not flood the walk
DEPTH_WEIGHT = (1.0, 0.85, 0.7)


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


def _may_answer(view, eid: str, path: list, seeds: list[str], named_kinds: set[str]) -> bool:
    """Whether facts of `eid` can answer a question about the seeds: the seeds themselves,
    their paired cards (a model's paper, the same id in another card), or an entity of
    another kind the question names ("the paper behind that method"). Another entity of a seed's own kind never answers for it: the
    parameters of a model sharing Brain-JEPA's dataset are not Brain-JEPA's, nor is the
    licence of a dataset SwiFT uses the licence of SwiFT's code."""
    if not path or _base(eid) in {_base(s) for s in seeds}:
        return True
    kind = view.kind(eid)
    if kind in {view.kind(s) for s in seeds}:
        return False
    if path[-1][2].predicate in ("described_by", "describes") and len(path) == 1:
        return True
    return kind in named_kinds


def _key_words(f: Fact) -> set[str]:
    return path_words(f.label.replace(" ", "_"))


def answer(plan: Plan, linked: Linked, view) -> GraphAnswer | None:
    """The fields around the named entities that cover every asked part, or None."""
    seeds = [e.id for e in plan.seeds if e.kind not in SKIPPED_KINDS]
    if not seeds:
        return None
    names = {w for s in seeds for w in text_words(view.name(s))}
    names |= {linked.tokens[i].stem for e in linked.entities for i in range(*e.span)}
    kind_words = {linked.tokens[i].stem for _, span in linked.kinds for i in range(*span)}
    skip = FILLER | FRAME_WORDS | names | kind_words
    # One slot per asked phrase, named by its last word ("PCA <width>"); its other words
    # only help choose between fields, as the question's other content words do.
    groups = [[linked.tokens[i].stem for i in g] for g in linked.asked_groups()]
    groups = [[w for w in g if w not in skip and len(w) > 1] for g in groups]
    asked = list(dict.fromkeys(g[-1] for g in groups if g))
    mods = [w for g in groups for w in g[:-1] if w not in asked]
    rest = [w for w in [*mods, *plan.words] if w not in skip and w not in asked and len(w) > 1]
    props = list(plan.properties)
    if not (asked or props):
        return None
    named_kinds = {k for k, _ in linked.kinds}
    w_rest = _weights(rest, view.idf())
    numeric = asks_number(linked.question)
    paths = _reach(view, seeds)
    # (slot it answers, depth, fact, entity): a slot is an asked word or property.
    cands: list[tuple[str, int, Fact, str]] = []
    for eid, path in paths.items():
        if not _may_answer(view, eid, path, seeds, named_kinds):
            continue
        if plan.via and path and plan.via not in {view.kind(o) for _, o, _ in path}:
            continue  # "the paper behind that method": the path passes through a method
        attrs, src = view.attributes(eid), view.source(eid)
        for p in props:
            cands += [(p, len(path), f, eid) for f in property_facts(p, attrs, src)[:1]]
        for w in asked:
            for s, f in word_facts([w], rest, attrs, src, 3, numeric=numeric):
                if s >= 0.6 and key_word(w, _key_words(f)) and not ABSENCE.search(f.text):
                    cands.append((w, len(path), f, eid))
    slots = props + [w for w in asked if not any(_covers_prop(w, p) for p in props)]
    chosen: list[tuple[Fact, str]] = []
    depth = 0
    for slot in slots:
        options = [c for c in cands if c[0] == slot]
        if not options:
            return None  # a part of the question nothing around the seeds answers
        # Nearest first, then the one sharing most of the question's other words.
        best = min(options, key=lambda c: (c[1], -_share(c[2], w_rest)))
        depth = max(depth, best[1])
        if all(best[2].lines != f.lines or best[3] != e for f, e in chosen):
            chosen.append((best[2], best[3]))
    if not depth:
        return None  # the seeds' own fields: the plan's own reading already had those
    strength = min(e.score for e in plan.seeds) * DEPTH_WEIGHT[depth]
    hops = []
    for _, eid in chosen:
        hops += [h for h in paths[eid] if h not in hops]
    blocks = [Block(seeds[0], "via", [relation_fact(view, b, o, r) for b, o, r in hops])]
    for f, eid in chosen:
        block = next((b for b in blocks[1:] if b.entity == eid), None)
        if block is None:
            block = Block(eid, view.name(eid))
            blocks.append(block)
        block.facts.append(f)
    ents = list(dict.fromkeys([*seeds, *(eid for _, eid in chosen)]))
    return GraphAnswer("multi_hop", "", blocks, ents, strength)


def _covers_prop(word: str, prop: str) -> bool:
    return has_word(word, set(prop.split("_")), True)


def _share(f: Fact, weights: dict[str, float]) -> float:
    if not weights:
        return 0.0
    fw = text_words(f"{f.label} {f.text}")
    return sum(v for w, v in weights.items() if has_word(w, fw)) / sum(weights.values())

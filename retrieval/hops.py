"""Hops: from the entities a question starts at to the kind of entity it asks about.

Relations are followed in the direction the start entity's own card states them (a
pipeline card listing its models beats model cards naming the pipeline). When the
question names a field of the start entity ("the *default harmonization* of X"), only the
relations written on that field's lines are followed. When no relation leads to the kind
asked, values that name an entity exactly ("models_used: [Caduceus, DNABERT-2]") count.
"""

from __future__ import annotations

import re

from kg.ir import Provenance, Relation
from retrieval.facts import has_word, path_words
from retrieval.kb_view import STRUCTURAL
from retrieval.selection import clause_after_kind, described_among, members, select, set_aside
from retrieval.terms import link_modalities

# Relations that say what something is made of or used for: the structural ones, less the
# loose links (related_to, documented_in, refers_to) that a hop should not follow.
STRONG = set(STRUCTURAL) - {"related_to", "documented_in", "refers_to"}
# Card fields that point at an entity of a kind without being a resolved relation.
KIND_FIELDS = {
    "paper": ["reference", "citation", "publication", "paper", "doi", "venue"],
    "dataset": ["dataset", "data", "corpus", "training"],
    "model": ["model", "backbone", "encoder"],
    "method": ["method", "harmonization"],
    "strategy": ["strategy", "embedding"],
    "pipeline": ["pipeline", "preprocessing"],
}


def hop(view, ids: list[str], kind: str, sources: bool = False) -> list[tuple[str, str, Relation]]:
    """(from, to, relation) for entities of `kind` related to any of `ids`; with `sources`,
    also those whose card names one of them only as a source (see below)."""
    out = []
    for b in ids:
        rels = view.related(b, [kind])
        forward = [(o, r) for o, r in rels if r.subject == b and r.predicate in STRONG]
        backward = [(o, r) for o, r in rels if r.object == b and r.predicate in STRONG]
        if backward and sources:
            # "the strategies registered for the Cha cohort": also those whose card names it
            # only as a source (`sources: [cohort card]`), beside those using it as data.
            held = {o for o, _ in backward}
            backward += [
                (o, r)
                for o, r in rels
                if r.object == b and r.predicate == "refers_to" and o not in held
            ]
        chosen = forward or backward or rels
        out.extend((b, o, r) for o, r in chosen if o not in ids)
    return out


def mention_hops(view, ids: list[str], kind: str) -> list[tuple[str, str, Relation]]:
    """Hops through prose: cards of `kind` whose text mentions the start entity (or that it
    mentions), for "which model is built on the Mixture-of-Transformers design"."""
    out = []
    for b in ids:
        out.extend((b, o, r) for o, r in view.related(b, [kind], ("mentions",)) if o not in ids)
    return out


_EACH = re.compile(r"\b(each|rank|respective(ly)?)\b", re.I)


def common(hops: list) -> list:
    """With several start entities, the entities every one of them leads to, if any
    ("the Ensemble Integration paper cited by the late-fusion card")."""
    starts = {h[0] for h in hops}
    if len(starts) < 2:
        return hops
    reach: dict[str, set[str]] = {}
    for b, o, _ in hops:
        reach.setdefault(o, set()).add(b)
    shared = {o for o, bs in reach.items() if bs == starts}
    return [h for h in hops if h[1] in shared] or hops


def chain(
    view, ids: list[str], kind: str, vias: tuple[str, ...] = (), via_first: bool = False
) -> list[tuple[str, str, Relation]]:
    """Hops to `kind`: direct relations, else through an entity of a kind the question
    passes through (`vias`, tried in turn: "the harmonisation methods of BrainLM's embedding
    strategy"), else field values naming one, else prose mentions. With `via_first` the path
    through a via kind comes first: "X's embedding strategy uses which model" asks for the
    strategy's model even when X names a model of its own."""
    direct = hop(view, ids, kind, sources=True)  # from the named entities themselves
    if direct and not via_first:
        return direct
    for via in vias:
        first = hop(view, ids, via)
        if first:
            mids = list(dict.fromkeys(o for _, o, _ in first))
            second = hop(view, mids, kind) or value_hops(view, mids, kind)
            second = [h for h in second if h[1] not in ids]  # not back where it started
            if second:
                return first + second
    return direct or value_hops(view, ids, kind) or mention_hops(view, ids, kind)


def guided(view, hops: list, words: list[str]) -> tuple[list, set[str]]:
    """Only the hops written on a start-entity field the question names ("the default
    harmonization of X"), and the question words that named it; else all hops."""
    words = list(dict.fromkeys(words))
    if not words or not hops:
        return hops, set()
    lines: set[tuple[str, int]] = set()
    named: set[str] = set()
    for b in {h[0] for h in hops}:
        for a in view.attributes(b):
            pw = path_words(a.path, b)
            hit = {w for w in words if any(has_word(w, {p}, True) for p in pw)}
            if len(hit) >= min(2, len(words)):
                named |= hit
                lines.update(
                    (a.prov.source, n) for n in range(a.prov.line_start, a.prov.line_end + 1)
                )
    kept = [h for h in hops if (h[2].prov.source, h[2].prov.line_start) in lines]
    return (kept, named) if kept else (hops, set())


def value_hops(view, ids: list[str], kind: str) -> list[tuple[str, str, Relation]]:
    """Hops through field values that name an entity of `kind` exactly."""
    out = []
    for b in ids:
        for a in view.attributes(b):
            if a.prov.source != view.source(b) or len(str(a.raw)) > 80:
                continue
            for other in view.linker.resolve(str(a.raw)):
                if view.kind(other) == kind and other != b:
                    prov = Provenance(a.prov.source, a.prov.line_start, a.prov.line_end, a.path)
                    out.append((b, other, Relation(b, "refers_to", other, prov, str(a.raw))))
                    break
    return out


def paired(view, ids: list[str]) -> list[str]:
    """The cards paired with these: the paper describing a model, the model a paper describes."""
    preds = ("described_by", "describes")
    return list(dict.fromkeys(o for i in ids for o, _ in view.related(i, None, preds)))


def written_modalities(linked, kind: str) -> set[str]:
    """Modalities written right before a kind word ("the <sMRI> dataset used in …"), also
    where the linker read them as part of a longer name."""
    toks, out = linked.tokens, set()
    for k, (a, _) in linked.kinds:
        i = a - 1
        # "genetics and brain models": every modality of the coordination.
        while k == kind and i >= 0:
            mods = {m for m, _ in link_modalities(toks[i : i + 1], [False])}
            if not mods and toks[i].low not in ("and", "or", "&"):
                break
            out |= mods
            i -= 1
    return out


def of_modalities(view, ends: list[str], mods: set[str]) -> list[str]:
    """The reached entities in one of `mods` (all of them when none is, or none is asked)."""
    kept = [e for e in ends if view.modality_ids(e) & mods] if mods else []
    return kept or ends


def reach(plan, linked, view, base: list[str]):
    """The entities of the asked kind the named ones lead to, and the hops there:
    `(final, hops, field_words, evidence, through_mentions)`, hops empty when no relation
    leads there, or None when relations lead there but none meets the conditions. A path
    through the kind named on the way ("the baseline for the Cha cohort uses an EEG
    strategy") that reaches none is tried again without it: that kind described the start."""
    got = _reach(plan, linked, view, base, plan.vias, plan.via_first)
    if got is None and plan.vias:
        got = _reach(plan, linked, view, base, (), False)
    return got


def _reach(plan, linked, view, base, vias, via_first):
    target = plan.target
    hops = chain(view, base, target, vias, via_first)
    # What the question sets aside ("beyond plain residualisation") guides no hop.
    guide = [w for w in linked.asked_words() + plan.words if w not in plan.besides]
    hops, field_words = guided(view, hops, guide)
    if not _EACH.search(linked.question):  # "rank the corpora of A, B and C": each its own
        hops = common(hops)
    if plan.scope and plan.seeds:
        inside = set(members(view, plan.scope, target))
        hops = [h for h in hops if h[1] in inside] or hops
    mentioned = any(h[2].predicate == "mentions" for h in hops)
    if not hops:
        return base, [], field_words, {}, mentioned
    ends = list(dict.fromkeys(o for _, o, _ in hops if view.kind(o) == target))
    c = plan.constraints.get(target)
    final, evidence = select(view, ends, c, plan)
    if not final and c and not (c.modalities or c.values or c.quantities):
        final = ends  # "points to a named preprocessing pipeline": words describe it
    final = set_aside(view, final, plan.besides)
    final = of_modalities(view, final, written_modalities(linked, target))
    final = described_among(view, final, clause_after_kind(linked, target), target)
    hops = [h for h in hops if h[1] in final or view.kind(h[1]) != target]
    if not final:
        return None
    return final, hops, field_words, evidence, mentioned

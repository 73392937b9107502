"""How the named things of a question are read: which of them the question is about
("where is *that corpus* stored" is about the corpus), and whether they are compared
("X vs Y", "X or Y?", not the "vs" inside a name like "the brain-vs-behaviour experiment")."""

from __future__ import annotations

import re

from retrieval.kb_view import PARTNERS
from retrieval.lexicon import COMPARE_CUES
from retrieval.links import EntityLink, Linked


def compare_cue(linked: Linked, seeds: list[EntityLink]) -> bool:
    """A word asking for a comparison outside the names ("the brain-*vs*-behaviour
    experiment" names one experiment; it compares nothing)."""
    toks, q = linked.tokens, linked.question
    inside = [(toks[e.span[0]].start, toks[e.span[1] - 1].end) for e in seeds]
    return any(
        not any(a <= m.start() < b for a, b in inside) and not _where_compared(q, m.start())
        for m in COMPARE_CUES.finditer(q)
    )


def _where_compared(question: str, at: int) -> bool:
    """ "the harmonizer compared in the ablation": a participle saying where a named thing
    is compared, not a question comparing it ("which arms *are* compared in …" asks)."""
    after = re.match(r"compared\s+(in|by|within|across)\b", question[at:], re.I)
    before = question[:at].split()[-1:]
    return bool(after and before) and before[0].lower() not in _AUXILIARIES


_AUXILIARIES = {"are", "is", "was", "were", "be", "been", "being"}


def pointed_seeds(linked: Linked, seeds: list[EntityLink], kinds) -> list[EntityLink]:
    """ "Caduceus lists an hg38 corpus among its datasets — where is *that corpus* stored?":
    the named thing of the kind pointed back at is the one asked about."""
    last = max((e.span[1] for e in seeds), default=0)
    toks = linked.tokens
    pointed = {k for k, p in kinds if p >= max(last, 1) and toks[p - 1].low in ("that", "this")}
    if pointed and {e.kind for e in seeds} - pointed:
        return [e for e in seeds if e.kind in pointed] or seeds
    return seeds


def possessor(e: EntityLink, seeds: list[EntityLink]) -> bool:
    """ "GENERator's" right before another named thing ("GENERator's RefSeq")."""
    return e.text.endswith(("'s", "’s")) and any(o.span[0] == e.span[1] for o in seeds)


def either(linked: Linked, seeds: list[EntityLink]) -> bool:
    """ "…, Caduceus or GENERator?": two named things offered as alternatives."""
    spans = sorted(e.span for e in seeds)
    lows = [t.low for t in linked.tokens]
    return any(
        lows[a[1] : b[0]] in (["or"], ["or", "the"], ["vs"], ["versus"])
        for a, b in zip(spans, spans[1:], strict=False)
    )


def written_as_list(linked: Linked, seeds: list[EntityLink]) -> bool:
    """ "… are A, the B and the C reduced?": three named things or more written as one list
    are each asked the same thing, side by side."""
    spans = sorted({e.span for e in seeds})
    toks, q = linked.tokens, linked.question
    if len(spans) < 3:
        return False
    gaps = [
        (q[toks[a[1] - 1].end : toks[b[0]].start], b[0] - a[1])
        for a, b in zip(spans, spans[1:], strict=False)
    ]
    commas = all("," in text and n <= 3 for text, n in gaps[:-1])
    last, n = gaps[-1]
    return commas and n <= 3 and re.search(r"\band\b", last) is not None


def partners_alike(linked: Linked, view, seeds: list[EntityLink]) -> list[EntityLink]:
    """Things compared are of the kind the question names: "what kind of method is ComBat
    versus MURD" compares two methods, though "MURD" alone names the method's paper; a
    seed of another kind stands for the one entity of that kind it refers to (or that
    refers to it)."""
    # A kind word right after a name ("the Caduceus paper notes") is that name's.
    named = {k for k, (a, _) in linked.kinds if all(e.span[1] != a for e in linked.entities)}
    named &= {e.kind for e in seeds}
    if len(named) != 1 or len({e.kind for e in seeds}) < 2:
        return seeds
    kind = named.pop()
    out = []
    for e in seeds:
        if e.kind != kind:
            partners = list(dict.fromkeys(o for o, _ in view.related(e.id, [kind], PARTNERS)))
            if len(partners) == 1:
                p = partners[0]
                e = EntityLink(p, kind, view.name(p), e.text, e.span, e.score)
        out.append(e)
    return out

"""Which kind each condition of a question belongs to: modalities, values, numbers,
superlatives and modifier words attach to the kind word they modify ("fMRI models"), not to
a named entity they describe ("the Yoon et al. MDD study") nor to a kind word of a named
entity ("the deep T1/T2 harmonizer (murd_t1_t2)").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.asked import aside_span, negated_tokens, second_clause
from retrieval.fillers import FILLER
from retrieval.links import Linked
from retrieval.quantities import Quantity


@dataclass(slots=True)
class Constraints:
    """Conditions on the entities of one kind."""

    modalities: list[str] = field(default_factory=list)
    values: list = field(default_factory=list)  # ValueLink
    quantities: list[Quantity] = field(default_factory=list)
    superlative: tuple[str, str | None] | None = None
    words: list[str] = field(default_factory=list)  # modifier words ("BPE-tokenized model")
    only: list[str] = field(default_factory=list)  # "fMRI-only": these modalities and no other
    unless: list = field(default_factory=list)  # "rather than parcellated": values to exclude

    def __bool__(self) -> bool:
        return bool(
            self.modalities
            or self.values
            or self.quantities
            or self.superlative
            or self.words
            or self.unless
        )


def kind_positions(linked: Linked) -> list[tuple[str, int]]:
    return [(k, span[0]) for k, span in linked.kinds]


def _attach(pos: int, kinds: list[tuple[str, int]], after: bool) -> str | None:
    """The kind a constraint at token `pos` belongs to: the next kind word for modifiers
    written before it ("fMRI models"), else the nearest one."""
    if not kinds:
        return None
    if after:
        following = [(p - pos, k) for k, p in kinds if 0 < p - pos <= 3]
        if following:
            return min(following)[1]
    return min((abs(p - pos), k) for k, p in kinds)[1]


def _apart(linked: Linked, pos: int, a: int, b: int) -> bool:
    toks = linked.tokens  # whether punctuation separates token `pos` from the span [a, b)
    lo, hi = (toks[b - 1].end, toks[pos].start) if pos >= b else (toks[pos].end, toks[a].start)
    return bool(re.search(r"[,;:()—–]", linked.question[lo:hi]))


_PHRASE_START = {"a", "an", "the", "that", "this", "its", "their", "each", "every"}
# Words that end a noun phrase before its head: a number before them modifies something else.
_PHRASE_BREAK = {
    *_PHRASE_START,
    *("of", "on", "in", "with", "for", "and", "or", "by", "to", "from", "than", "at", "as"),
    *("is", "are", "was", "were", "which", "whose", "who"),
}
_LIKENESS = {"style", "like"}


def _likeness(linked: Linked, i: int) -> bool:
    """ "a BERT-style encoder" is one like BERT: its card writes "BERT", not "style"."""
    t = linked.tokens[i]
    return t.low in _LIKENESS and linked.question[t.start - 1 : t.start] == "-"


COMPOUND_SPAN = 5  # tokens between a number and the kind word its compound modifies


def _compound_head(linked: Linked, qn: Quantity, free_kinds: list[tuple[str, int]]) -> str | None:
    """The kind word a number's compound modifies ("the 8.8-trillion-base-pair genome
    dataset": the dataset, however near another kind word stands before it)."""
    toks = linked.tokens
    pos = max((i for i, t in enumerate(toks) if t.start < qn.end), default=0)
    for k, p in sorted(free_kinds, key=lambda kp: kp[1]):
        if not 0 < p - pos <= COMPOUND_SPAN:
            continue
        between = range(pos + 1, p)
        if any(toks[i].low in _PHRASE_BREAK for i in between) or _apart(linked, pos, p, p + 1):
            return None
        if any(e.span[0] <= i < e.span[1] for e in linked.entities for i in between):
            return None
        return k
    return None


def constraints_of(linked: Linked, free_kinds: list[tuple[str, int]]) -> dict[str, Constraints]:
    """Attach modalities, values, numbers, superlatives and modifier words to kinds."""
    cons: dict[str, Constraints] = {}
    toks = linked.tokens

    def add(kind: str | None, attr: str, item) -> None:
        if kind is None:
            return
        c = cons.setdefault(kind, Constraints())
        if attr == "superlative":
            c.superlative = item
        else:
            getattr(c, attr).append(item)

    def token_at(offset: int) -> int:
        return next((i for i, t in enumerate(toks) if t.end > offset), len(toks) - 1)

    # A registry named for its members' kind ("the embedding strategies") is that kind.
    named = [
        e.span
        for e in linked.entities
        if not any(e.span[0] <= p < e.span[1] for _, p in free_kinds)
    ]

    second = second_clause(linked)

    every = kind_positions(linked)

    def owner(pos: int, after: bool) -> str | None:
        # "… the per-fold AUC drops, and whose paper …": a kind of the other clause.
        near = [(k, p) for k, p in free_kinds if not second or (p > second) == (pos > second)]
        kind = _attach(pos, near, after)
        # "the deep T1/T2 <harmonizer> (murd_t1_t2)": a modifier of a named entity's kind word.
        nxt = min(((p - pos, k, p) for k, p in every if 0 < p - pos <= 5), default=None)
        nxt = nxt if nxt and not _apart(linked, pos, nxt[2], nxt[2] + 1) else None
        if kind is None or (after and nxt and (nxt[1], nxt[2]) not in free_kinds):
            return None
        kpos = min(abs(p - pos) for k, p in near if k == kind)
        # "the model from the Yoon et al. MDD study": MDD describes the study, not the model
        # ("…baseline, the sMRI input uses a strategy": a comma starts another phrase).
        if any(
            min(abs(a - pos), abs(b - 1 - pos)) <= kpos and not _apart(linked, pos, a, b)
            for a, b in named
        ):
            return None
        return kind

    heads = {g[-1] for g in linked.asked_groups()}
    kind_at = {i for _, (a, b) in linked.kinds for i in range(a, b)}
    # "how many <T1/T2 scans>": a modality modifying a counted thing that is no kind word.
    counted = {
        i for g in linked.asked_groups() if g[-1] not in kind_at and linked.counted(g) for i in g
    }
    for m, span in linked.modality_spans:
        if span[1] - 1 in heads or span[0] in counted:
            continue  # "what <covariates> does it residualize": asked for, not a condition
        add(owner(span[0], True), "modalities", m)
        after = toks[span[1]].low if span[1] < len(toks) else ""
        before = [t.low for t in toks[max(span[0] - 2, 0) : span[0]]]
        # "fMRI-only", "only fMRI data" — not "the only fMRI model" (the one such model)
        if after == "only" or (before[-1:] == ["only"] and before != ["the", "only"]):
            add(owner(span[0], True), "only", m)  # "fMRI-only": no other modality
    aside = aside_span(linked)  # "besides UK Biobank": excluded like "rather than"
    negated = negated_tokens(linked) | set(range(*aside))
    for v in linked.values:
        if [t.low for t in toks[max(v.span[0] - 2, 0) : v.span[0]]] in (
            ["in", "our"],
            ["of", "our"],
        ):
            continue  # "models in our catalogue": the KB itself, not a tag to match
        # "… rather than from parcellated time series": a value to exclude.
        add(owner(v.span[0], True), "unless" if v.span[0] in negated else "values", v)
    for qn in linked.quantities:
        pos = token_at(qn.start)
        add(_compound_head(linked, qn, free_kinds) or owner(pos, False), "quantities", qn)
    if linked.superlative:
        add(free_kinds[-1][0] if free_kinds else None, "superlative", linked.superlative)
    words = [w for w in linked.words if w not in FILLER]
    # Words right before a kind word modify it ("BPE-tokenized model"), unless the kind word
    # glosses another in parentheses ("DNA datasets (pretraining corpora + benchmarks)") or
    # is one of alternatives ("benchmark or pretraining-corpus datasets").
    for k, p in free_kinds:
        before = linked.question[: toks[p].start]
        near = {(k, q) for q in range(p - 4, p - 1)} & {*free_kinds}
        # ("the benchmark and pretraining datasets": either kind of dataset, too)
        alternative = near and {"or", "and"} & {t.low for t in toks[p - 4 : p]}
        if before.rfind("(") > before.rfind(")") or alternative:
            continue
        for i in range(p - 1, max(0, p - 2) - 1, -1):
            if toks[i].low in _PHRASE_START or any(
                e.span[0] <= i < e.span[1] for e in linked.entities
            ):
                break  # "the paper introduced *a* benchmark", "the original <ComBat> paper"
            if re.search(r"[.?!;:—–]", linked.question[toks[i].end : toks[i + 1].start]):
                break  # "… beyond plain residualisation. Which method": another sentence
            if (
                len(toks[i].stem) > 1
                and toks[i].stem in words
                and not _likeness(linked, i)
                and i not in negated  # "non-UK-Biobank dataset": the value excludes
                and not any(e.span[0] <= i < e.span[1] for e in linked.entities)
            ):
                add(k, "words", toks[i].stem)
    return cons

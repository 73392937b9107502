"""Which of a question's words to look facts up by, once the entities to report are known.

The asked words lead; the other content words help, except those that named the entity,
chose it (conditions, the field a hop followed) or, in a question of several sentences,
described the chain before the question itself.
"""

from __future__ import annotations

import re

from retrieval.facts import text_words
from retrieval.fillers import FILLER
from retrieval.hops import KIND_FIELDS
from retrieval.intent import Plan
from retrieval.linking import Linked

_SENTENCE_BREAK = re.compile(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)[.:]\s+(?=[A-Za-z])")


def projection_words(
    plan: Plan, linked: Linked, hopped: bool, names: set[str], have: set[str], led: set[str]
):
    """(asked, other, helping, substitutes) words to find facts by: the asked words, the
    question's other content words except those naming the entity (`names`) or used to
    choose it, verbs that only break ties, and, when no relation reached the kind asked,
    key words standing for that kind ("reference" for a paper)."""
    # Kind words that lead somewhere are no facts to look up; "how many datasets" counts one.
    steer = {plan.target, *plan.vias, plan.source_kind}
    kinds = {linked.tokens[i].stem for k, span in linked.kinds if k in steer for i in range(*span)}
    # "which harmonization method ID": the registry's name stands for its kind.
    # "which brain encoders are listed": a word a card uses for the kind asked stands for it.
    kinds |= set(KIND_FIELDS.get(plan.target, ())) if hopped else set()
    toks = linked.tokens
    kinds |= {toks[i].stem for e in linked.entities if e.id in plan.scope for i in range(*e.span)}
    chose = {w for c in plan.constraints.values() for w in c.words} | set(led)
    # "which brain (fMRI) encoders": modalities chose the entities, as conditions do.
    if any(c.modalities for c in plan.constraints.values()):
        chose |= {toks[i].stem for _, span in linked.modality_spans for i in range(*span)}
    asked = [w for w in linked.asked_words() if w not in FILLER | kinds | chose]
    used = chose | set(names)
    rest = [w for w in plan.words if w not in used and w not in asked]
    if hopped and linked.asked_words() and set(linked.asked_words()) <= kinds | chose:
        rest = []  # "… the template for which (fMRI) method?": the kind reached is all asked
    if hopped:
        # "The X config names a strategy. What does that strategy specify?": the sentences
        # before the question lead the hop; only the question's own words are looked up.
        # … or a topic before a colon: "DeepMind's few-shot VLM: which datasets …?"
        parts = _SENTENCE_BREAK.split(linked.question.rstrip())
        if len(parts) > 1:
            rest = [w for w in rest if w in text_words(parts[-1])]
    helping = [w for w in linked.words if w not in asked and w not in rest]
    subst: list[str] = []
    if not hopped:
        for k, span in linked.kinds:
            if k not in have:  # the kind asked was not reached: its fields stand in for it
                subst += [linked.tokens[span[0]].stem, *KIND_FIELDS.get(k, [])]
    return asked, rest, helping, subst

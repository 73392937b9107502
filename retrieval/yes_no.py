"""A "Yes." or "No." before the facts that answer a yes/no question ("Is BrainMT licensed
under MIT?", "Does DNABERT-2 use BPE tokenization?").

Only what the cited facts show is said: "Yes" when every stored value the question checks
is written in the answer's facts, "No" when the property it belongs to is stated with
another value; nothing when the facts do not settle it (the reader still sees them).
"""

from __future__ import annotations

import re

from kg.vocab import PROPERTIES
from retrieval.evaluate import normalise
from retrieval.linking import Linked

_YES_NO = re.compile(r"^\s*(does|do|did|is|are|was|were|has|have|had|can)\b", re.I)


def lead(linked: Linked, facts_text: str) -> str:
    """ "Yes." / "No." for a yes/no question the facts settle, else ""."""
    if not _YES_NO.search(linked.question):
        return ""
    # Only values the KB stores for a property ("MIT", "BPE", "public") are checked: a
    # free word ("gradient checkpointing") may be written in a fact that denies it.
    checked = [v.text for v in linked.values]
    if not checked:
        return ""
    said = normalise(facts_text)
    found = [c for c in checked if normalise(c) in said]
    if len(found) == len(checked):
        return "Yes."
    # The property the value belongs to is stated, with something else: "No".
    labels = {PROPERTIES[p]["label"].lower() for v in linked.values for p in v.properties}
    if not found and linked.values and any(f"{lab}:" in facts_text.lower() for lab in labels):
        return "No."
    return ""

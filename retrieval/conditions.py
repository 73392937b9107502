"""Conditions on entities: numbers read from attributes, and whether an entity meets a
question's constraints (values, quantities, modalities, modifiers)."""

from __future__ import annotations

import re

from kg.ir import Attribute
from kg.sql.models import normalise_key
from retrieval.attach import Constraints
from retrieval.facts import SHORT_VALUE, has_word, number_of, path_words, text_words
from retrieval.lexicon import BROADER_MODALITIES
from retrieval.quantities import Quantity
from retrieval.question import stem


def numeric_attrs(attrs: list[Attribute], props: list[str], words: list[str]) -> list[Attribute]:
    """Numeric attributes of the properties asked, else those whose path shares a word."""
    if props:
        picked = [a for a in attrs if a.property in props and number_of(a) is not None]
        if picked:
            return picked
    return [
        a
        for a in attrs
        if any(has_word(w, path_words(a.path, a.entity), True) for w in words)
        and number_of(a) is not None
    ]


def meets(
    eid: str,
    c: Constraints,
    attrs: list[Attribute],
    modalities: set[str],
    props: list[str],
    words: list[str],
) -> tuple[bool, list[Attribute]]:
    """Whether an entity meets the constraints, and the attributes that show it."""
    evidence: list[Attribute] = []
    if c.modalities and not (modalities & set(c.modalities)):
        return False, []
    if c.only:
        # "fMRI-only": its modalities are those named or broader ones ("brain"), no other.
        allowed = set(c.only) | {
            b for b, subs in BROADER_MODALITIES.items() if set(subs) & set(c.only)
        }
        if modalities - allowed:
            return False, []
    if any(_value_hits(v, attrs, eid, words) for v in c.unless):
        return False, []  # "rather than parcellated": it is
    # Values of one property are alternatives ("Apache-2.0 or MIT"): one must hold.
    groups: dict[tuple, list] = {}
    for v in c.values:
        groups.setdefault(tuple(v.properties), []).append(v)
    for alternatives in groups.values():
        hits = []
        for v in alternatives:
            # "which models tokenize at single-nucleotide resolution": the value may be
            # written under the property asked (`tokenizer.type`) as under a word.
            hits = hits or _value_hits(v, attrs, eid, [*words, *props])
        if not hits:
            return False, []
        evidence.extend(hits[:1])
    for qn in c.quantities:
        hits = [a for a in numeric_attrs(attrs, props, words) if qn.accepts(number_of(a))]
        hits = hits or [a for a in attrs if _counts_in_text(a, qn, words)]
        if not hits:
            return False, []
        evidence.extend(hits[:1])
    if c.words:
        # A modifier ("BPE-tokenized model") is a field's value or key, not a word in a note.
        hits = [
            a
            for a in attrs
            if len(str(a.raw).split()) <= SHORT_VALUE
            and all(has_word(w, text_words(a.raw) | path_words(a.path, eid)) for w in c.words)
        ]
        if not hits:
            return False, []
        evidence.extend(hits[:1])
    return True, evidence


def _counts_in_text(a: Attribute, qn: Quantity, words: list[str]) -> bool:
    """Whether a field's text writes the number of a thing the question counts ("424
    parcels; each token is …" for "the model that tokenizes 424 parcels")."""
    if qn.op != "=" or not qn.text.replace(",", "").isdigit():
        return False
    m = re.search(rf"(?<![\d.,]){re.escape(qn.text)}\s+([A-Za-z]+)", str(a.raw))
    return bool(m) and has_word(stem(m.group(1).lower()), set(words))


def _value_hits(v, attrs: list[Attribute], eid: str, words: list[str]) -> list[Attribute]:
    """The attributes holding value `v` (those under a key the question names first)."""
    vp = set(v.properties)
    if v.pattern:  # a class of values ("non-commercial" licences)
        return [a for a in attrs if a.property in vp and re.search(v.pattern, str(a.raw), re.I)]
    hits = [
        a
        for a in attrs
        if a.property in vp and v.key in (normalise_key(str(a.raw)), normalise_key(str(a.value)))
    ]
    narrowed = [a for a in hits if any(has_word(w, path_words(a.path, eid)) for w in words)]
    return narrowed or hits or _written_elsewhere(v.text, attrs, eid, words)


def _written_elsewhere(text: str, attrs: list[Attribute], eid: str, words: list[str]):
    """A value written in another field the question names ("tokenize at single-nucleotide
    resolution": `tokenizer.type: character-level (single nucleotide)`, not a tag)."""
    want = text_words(text)
    return [
        a
        for a in attrs
        if len(str(a.raw).split()) <= SHORT_VALUE
        and want <= text_words(a.raw)
        and any(has_word(w, path_words(a.path, eid), True) for w in words)
    ]


def held_by(view, kind: str, v) -> bool:
    """Whether some entity of `kind` holds value `v` (from the view's index of stored
    values; a class of values, "non-commercial" licences, is read in the fields)."""
    if v.pattern:
        return any(_value_hits(v, view.attributes(e), e, []) for e in view.by_kind.get(kind, []))
    return any(kind in view.value_kinds.get((p, v.key), ()) for p in v.properties)


def to_holders(view, cons: dict, kinds: list[str]) -> set[str]:
    """Move each value to the kind that holds it (in place): in "which integration patterns
    are at 'planned' status for our cohorts?" only the patterns have a 'planned' status.
    Returns the kinds left with no condition by a move (mere context: "for our cohorts")."""
    emptied = set()
    for kind, c in list(cons.items()):
        for v in list(c.values):
            if held_by(view, kind, v):
                continue
            others = [k for k in dict.fromkeys(kinds) if k != kind and held_by(view, k, v)]
            if len(others) == 1:
                c.values.remove(v)
                cons.setdefault(others[0], Constraints()).values.append(v)
                if not c:
                    emptied.add(kind)
    return emptied

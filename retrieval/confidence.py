"""How sure an answer read from passages is: whether a sentence can answer the question at
all (`supports`: it holds the names and the property asked, a number when one is asked, and
does not say the fact is missing), and how much of the question the supporting sentences
cover (`text_confidence`)."""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval import text_answers
from retrieval.facts import has_word, text_words
from retrieval.fillers import FILLER
from retrieval.lexicon import (
    ABSENCE,
    FRAME_WORDS,
    REASONS_HEADING,
    WEAK_CUES,
    WHY,
    asks_number,
    cued,
    gives_reason,
    property_phrases,
)
from retrieval.linking import Linked
from retrieval.name_forms import spelled_initials
from retrieval.quantities import quantities
from retrieval.units import field_label, opens_why_doc
from retrieval.value_units import UNIT_PATTERNS


@lru_cache(maxsize=64)
def _null_cell(prop: str) -> re.Pattern[str]:
    """A table cell of `prop` holding a placeholder ("Parameters: —")."""
    names = [p for p, q in property_phrases().items() if q == prop] + [prop.replace("_", " ")]
    alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b({alt})\s*[:=]\s*(—|–|-|tbd|n/a|unknown|null)\s*(;|$)", re.I)


@lru_cache(maxsize=1)
def _phrases_by_property() -> dict[str, list[set[str]]]:
    out: dict[str, list[set[str]]] = {}
    for phrase, prop in property_phrases().items():
        if phrase not in WEAK_CUES:  # "window" alone is no evidence of a context length
            out.setdefault(prop, []).append(text_words(phrase))
    for prop in out:
        out[prop].append(text_words(prop.replace("_", " ")))
    return out


def supports(s, linked: Linked, props: list[str], seeds: list[str], view) -> bool:
    """Whether one extracted sentence can answer the question: it holds every name no link
    resolved ("Enformer"), a word for the property asked, a number when a number is asked,
    comes from a passage about (or names) the entity asked about, and does not say the
    fact is missing ("left empty", "not recorded")."""
    words = s.words()
    # A name may stand in the lines around the sentence ("LOGO" over a LOGO recipe's
    # sentences, "UK Biobank" a section up for a question's "UKB").
    titled = words | view.words_near(s.source, *s.lines) | spelled_initials(s.text)
    titled |= text_words(s.chunk.heading) if s.chunk is not None else set()
    if not all(_named(n, titled) for n in linked.name_phrases()):
        return False
    phrases = [p for prop in props for p in _phrases_by_property().get(prop, [])]
    if phrases and not any(p <= words for p in phrases):
        return False
    if any(_null_cell(prop).search(s.text) for prop in props):
        return False  # "Parameters: —" in a table row: the value is missing
    if asks_number(linked.question) and not _new_numbers(s.text, linked):
        return False
    if seeds and s.entity not in seeds:
        names = [text_words(view.name(i)) for i in seeds if view.kind(i) != "doc"]
        if not any(n and n <= words for n in names):
            if not set(seeds) & set(s.chunk.entity_ids[:1]):
                return False
            # A passage about the entity, unless this unit is about another of its kind
            # (a row for another model in a table of models).
            kinds = {view.kind(i) for i in seeds}
            other = [e for e in view.linker.link(s.text).entities if e.kind in kinds]
            if any(e.id not in seeds for e in other):
                return False
    return not ABSENCE.search(s.text)


def _counted(linked: Linked) -> str:
    """What "how many …" counts: the last word of the phrase after it ("GPU <hours>")."""
    toks = linked.tokens
    for i in range(len(toks) - 2):
        if toks[i].low == "how" and toks[i + 1].low == "many":
            group = next((g for g in linked.asked_groups() if g[0] == i + 2), None)
            return toks[group[-1]].stem if group else ""
    return ""


def _new_numbers(text: str, linked: Linked) -> list:
    """The numbers of a sentence that are not the question's own ("Nov 26" asked back) nor
    a list index in a field's label ("statistical_tests[2]")."""
    asked = {q.value for q in linked.quantities}
    return [q for q in quantities(re.sub(r"\[\d+\]", "", text)) if q.value not in asked]


def _named(phrase: str, words: set[str]) -> bool:
    """A name is there in full or as its initials ("Hugging Face" ~ "HF")."""
    parts = phrase.split()
    if text_words(phrase) <= words:
        return True
    return len(parts) > 1 and "".join(p[0] for p in parts).lower() in words


def names_asked(sents, linked: Linked) -> float:
    """The largest share of the words naming what is asked ("learning rate") that one
    sentence holds (1.0 when nothing is asked by name)."""
    weights: dict[str, float] = {}
    for phrase in linked.asked_phrases(FRAME_WORDS | FILLER):
        for k, w in enumerate(phrase):
            # The last word of a phrase names the thing ("weight <decay>"), the rest modify it.
            weights[w] = max(weights.get(w, 0.0), 2.0 if k == len(phrase) - 1 else 1.0)
    if not weights:
        return 1.0
    total = sum(weights.values())
    return max(sum(v for w, v in weights.items() if _holds(w, s)) / total for s in sents)


def _holds(word: str, s) -> bool:
    """A sentence holds an asked word, or what answers it without the word
    (`value_units`): a percentage for "what share", "80GB GPUs" for "what hardware", a
    sign for "minimum"."""
    pattern = UNIT_PATTERNS.get(word)
    return has_word(word, s.words()) or bool(pattern and pattern.search(s.text))


def text_confidence(sents, linked: Linked, props: list[str], seeds: list[str], view) -> float:
    """How well the best sentence covers the question's words (0..1), lowered when no
    sentence names what the question is about or what it asks for."""
    if not sents:
        return 0.0
    backed = [s for s in sents if supports(s, linked, props, seeds, view)]
    if not backed:
        return min(1.0, sents[0].cover * 1.1) * 0.3
    # Only a sentence that can answer vouches for the answer.
    conf = min(1.0, max(s.cover for s in backed) * 1.1)
    counted = _counted(linked)
    if counted and not any(has_word(counted, s.words()) for s in backed):
        conf *= 0.6  # "how many GPU hours": no sentence counts hours
    # A question in parts is answered by the units together; any question, by the units
    # of one passage read together (a card's note and the "Part of" line above it).
    together = backed if linked.parts() > 1 else [s for s in backed if s.source == backed[0].source]
    if len(together) > 1:
        weights = text_answers.question_weights(linked, view.idf())
        joint = text_answers.covered(weights, set().union(*(s.words() for s in together)))
        conf = max(conf, min(1.0, joint * 1.1))
    why = WHY.search(linked.question)
    heads = linked.asked_heads(FRAME_WORDS)
    if any(
        (heads and text_answers.titled(s.heading or field_label(s.chunk), heads))
        or text_answers.echoes(s.heading, linked)
        or (
            why
            and (
                gives_reason(linked.question, s.heading or field_label(s.chunk), REASONS_HEADING)
                or opens_why_doc(s.chunk)
            )
        )
        for s in backed
    ):
        # The answer stands under a heading naming what is asked ("Limitations"), or, for
        # "why …?", in a section of reasons or the opening of a doc titled "Why …".
        conf = min(1.0, max(conf + 0.15, 0.5))
    elif why and any(gives_reason(linked.question, f"{s.heading} {s.text}") for s in backed):
        conf = min(1.0, conf + 0.15)  # "why …?" answered by a "because …" about it
    elif any(cued(linked.question, s.text) for s in backed):
        # "Anything to watch out for with X?" answered by what X's own text says to avoid;
        # "what would justify …?" by a trigger.
        conf = min(1.0, max(conf + 0.15, 0.5))
    else:
        # A new phrasing rarely repeats the KB's every word ("GPU hardware" ~ "GPU
        # requirements"): each asked word missing lowers confidence, none found by half.
        conf *= 0.5 + 0.5 * names_asked(sents, linked)
    return conf

"""What a question asks for and what it only frames: the properties in its asked span, a
second question after "…, and which …", what a yes/no question's condition only sets up,
a source named before the question ("According to the model cards, …"), what it sets
aside ("besides …") and what it negates ("rather than …")."""

from __future__ import annotations

import re

from retrieval.lexicon import modality_words, property_phrases
from retrieval.links import Linked
from retrieval.question import us_spelling


def _modifies(linked: Linked, link, covered: set[int]) -> bool:
    """Whether the word before a weak cue makes it another thing ("<vocabulary> size");
    modality and comparison words do not ("a longer <DNA> window")."""
    i = link.span[0] - 1
    if i < 0 or i in covered or i not in linked.asked:
        return False
    t = linked.tokens[i]
    return t.stem not in _NEUTRAL and t.low not in modality_words()


_PRONOUNS = {"it", "they", "them", "these", "those", "this", "that"}
# "Which has more parameters …, and what are the <counts>?": words standing for the values
# of what the question named, as a pronoun would.
_PRONOUNS |= {"counts", "numbers", "values", "figures", "amounts"}
_NEUTRAL = {"longer", "shorter", "larger", "bigger", "smaller", "maximum", "max", "total", "input"}


_DO = {"do", "does", "did"}
_BE = {"is", "are", "was", "were"}
_RELATION_VERBS = {"based on", "built on", "derived from"}
_YES_NO = {"is", "are", "does", "do", "can", "should", "must", "was", "were"}
_CONDITION_WORDS = {"if", "when", "unless", "once", "while", "for", "with"}


def _relative(linked: Linked, i: int) -> bool:
    """Whether token i opens a relative clause about people ("subjects who lack …"), not a
    question ("SwiFT paper: who are …", "… and who wrote it?")."""
    toks = linked.tokens
    gap = linked.question[toks[i - 1].end : toks[i].start]
    after_noun = toks[i - 1].text.isalpha() and toks[i - 1].low not in ("and", "or", "but")
    return toks[i].text in ("who", "whom") and not gap.strip() and after_noun


def _outside_condition(linked: Linked, props: list[str]) -> list[str]:
    """ "Is RC averaging optional if I use the Ph checkpoint?": a yes/no question asks about
    its main clause; a property named in its condition ("checkpoint") is not asked, nor one
    named in a relative clause about people ("subjects who lack some modalities")."""
    lows = [t.low for t in linked.tokens]
    if not lows:
        return props
    # "How does late fusion cope with subjects who lack some modalities?": what a relative
    # clause says of someone else is a condition too.
    if lows[0] in _YES_NO:
        cond = next((i for i, w in enumerate(lows) if i > 1 and w in _CONDITION_WORDS), None)
    else:  # "subjects who …", not a question word opening a clause ("X paper: who are …")
        cond = next((i for i in range(2, len(lows)) if _relative(linked, i)), None)
    if cond is None:
        return props
    inside = {p.property for p in linked.properties if p.span[0] > cond}
    before = {p.property for p in linked.properties if p.span[0] < cond}
    return [p for p in props if p not in inside or p in before]


def asked_properties(linked: Linked, props: list[str]) -> list[str]:
    """The properties the question asks for: those in its asked span ("what <licence> …"),
    none when the asked word is something else ("what <hardware> does the checkpoint
    need"), all linked ones when the question has no asked span."""
    # "… is given as two numbers. What are they?": a pronoun asks for what was named before.
    asked = {i for i in linked.asked if linked.tokens[i].low not in _PRONOUNS}
    if not asked:
        return _outside_condition(linked, props)
    links = [p for p in linked.properties if asked & set(range(*p.span))]
    # "where is that corpus <stored>", "how does each <tokenize> DNA": the property named by
    # the verb of a where- or how-do clause is asked.
    lows = [t.low for t in linked.tokens]
    opens = [i for i, w in enumerate(lows) if w == "where"]
    opens += [i for i, w in enumerate(lows[:-1]) if w == "how" and lows[i + 1] in _DO]
    # "… — who are the <authors> and which journal …": a who-clause asks for what it names.
    opens += [i for i, w in enumerate(lows[:-1]) if w == "who" and lows[i + 1] in _BE]
    links += [
        p
        for p in linked.properties
        if any(0 < p.span[0] - w <= 5 for w in opens) and p not in links and not p.weak
    ]
    # "Who proposed X, and in which journal …?": the opening "who" (or "how big") asks too.
    links += [p for p in linked.properties if p.span[0] == 0 and p not in links]
    second = second_clause(linked)
    if links and second:
        # "In which journal …, and who is its first author?": the second question asks too.
        links += [p for p in linked.properties if not p.weak and p.span[0] > second]
    covered = {i for p in links for i in range(*p.span)}
    if links and all(p.weak for p in links) and any(_modifies(linked, p, covered) for p in links):
        return []  # "vocabulary size" is not the model size
    if links and all(p.weak for p in links):
        # "Which is larger *in context length*": the comparison is in the property named.
        named = [p for p in linked.properties if not p.weak and _in_what(linked, links, p)]
        links = named or links
    if links:
        return list(dict.fromkeys(p.property for p in links))
    kind_hit = any(asked & set(range(*span)) for _, span in linked.kinds)
    if not kind_hit:
        return []
    # "what paper is it *based on*": the relation to the kind asked, not an architecture.
    relational = {p.property for p in linked.properties if p.text.lower() in _RELATION_VERBS}
    return [p for p in props if p not in relational]


def _in_what(linked: Linked, cues: list, p) -> bool:
    """Whether property `p` is written right after a weak cue and "in"/"by" ("larger in
    context length", "bigger by parameter count")."""
    return any(
        p.span[0] == c.span[1] + 1 and linked.tokens[c.span[1]].low in ("in", "by") for c in cues
    )


def second_clause(linked: Linked) -> int:
    """Token index of a second question ("…, and which paper …"), 0 when there is none."""
    lows = [t.low for t in linked.tokens]
    for i in range(1, len(lows) - 1):
        nxt = lows[i + 1 : i + 3]
        if lows[i] == "and" and (
            nxt[0] in ("which", "what", "who", "whose", "where")
            or (
                nxt[0] in ("in", "at", "on", "to", "for", "by") and nxt[1:] in (["which"], ["what"])
            )
        ):
            return i
    return 0


_ASIDE = re.compile(
    r"\b(besides|except( for)?|apart from|other than|aside from|(?:goes|go|going) beyond"
    r"|on top of|in addition to)\s+([^,;.?]+)",
    re.I,
)


def aside_span(linked: Linked) -> tuple[int, int]:
    """Tokens [a, b) of what a question sets aside ("besides <the X baseline>,"), or (0, 0)."""
    m = _ASIDE.search(linked.question)
    if not m:
        return (0, 0)
    inside = [i for i, t in enumerate(linked.tokens) if m.start(3) <= t.start < m.end(3)]
    return (inside[0], inside[-1] + 1) if inside else (0, 0)


_NEGATION = re.compile(
    r"\b(rather than|instead of|but not|and not|not|no|without)\s+([^,;.?)]+)|"
    r"\bnon-((?:[\w]+-)*[\w]+)",
    re.I,
)


def negated_tokens(linked: Linked) -> set[int]:
    """Tokens a question negates ("rather than <from parcellated time series>",
    "non-<UK-Biobank> dataset")."""
    out: set[int] = set()
    for m in _NEGATION.finditer(linked.question):
        g = 2 if m.group(2) else 3  # "non-UK-Biobank dataset": the hyphened words only
        out |= {i for i, t in enumerate(linked.tokens) if m.start(g) <= t.start < m.end(g)}
    return out


_SOURCE_FRAME = re.compile(r"^\s*(according to|going by|based on|per)\b[^,?]{1,80},\s*", re.I)


def main_clause(linked: Linked) -> int:
    """Index of the first token after a leading "According to the model cards," (0 if none)."""
    m = _SOURCE_FRAME.match(linked.question)
    if not m:
        return 0
    return next((i for i, t in enumerate(linked.tokens) if t.start >= m.end()), 0)


def coordinated_properties(linked: Linked, props: list[str]) -> list[str]:
    """ "the code and weight licences": a modifier coordinated with the one a property phrase
    starts with names its own property ("code licence") when the KB has that phrase."""
    toks, phrases, out = linked.tokens, property_phrases(), []
    for p in linked.properties:
        a, b = p.span
        if p.property not in props or a < 2 or toks[a - 1].low != "and" or b - a < 2:
            continue
        other = _phrase_property(phrases, toks[a - 2], toks[b - 1])
        if other:
            out.append(other)
    return out


def _phrase_property(phrases: dict[str, str], modifier, noun) -> str | None:
    """The property a modifier and a noun name together ("weights" + "licence" ->
    `license_weights`), whatever the noun's spelling or number."""
    for form in dict.fromkeys((noun.low, noun.stem, us_spelling(noun.stem))):
        for word in dict.fromkeys((modifier.low, modifier.stem)):
            if f"{word} {form}" in phrases:
                return phrases[f"{word} {form}"]
    return None


_QUALIFIER_REACH = 6  # "what licence are the model's released weights under": words apart


def qualified_properties(linked: Linked, props: list[str]) -> dict[str, str]:
    """ "under what licence are X's *weights* distributed": a noun later in the clause that
    forms a narrower property phrase with the asked one ("weights licence") names that
    property instead. Returns {asked property: narrower property}."""
    toks, phrases, out = linked.tokens, property_phrases(), {}
    for p in linked.properties:
        if p.property not in props:
            continue
        a, b = p.span
        head = toks[b - 1]
        prev = head.end
        for t in toks[b : b + _QUALIFIER_REACH]:
            if t.low in ("and", "or") or re.search(r"[,;.?]", linked.question[prev : t.start]):
                break  # another clause: its nouns qualify something else
            prev = t.end
            other = _phrase_property(phrases, t, head)
            if other and other != p.property:
                out[p.property] = other
    return out


_ABBREVIATIONS = {"e", "g", "i", "al", "vs", "etc", "cf", "approx", "fig", "no"}


def asked_sentence_start(linked: Linked) -> int:
    """Token index where the sentence holding the asked span starts ("The X card differs
    from the model card. <What> context does the paper card state?"), 0 for one sentence."""
    if not linked.asked:
        return 0
    return _sentence_start(linked, linked.asked[0] + 1, r"[.?!:]\s")


def last_sentence_start(linked: Linked) -> int:
    """Token index where the question's last sentence starts, 0 for one sentence."""
    return _sentence_start(linked, len(linked.tokens), r"[.?!]\s")


def _sentence_start(linked: Linked, end: int, boundary: str) -> int:
    """The last token before `end` that opens a sentence (after `boundary`), else 0."""
    start = 0
    for i in range(1, end):
        gap = linked.question[linked.tokens[i - 1].end : linked.tokens[i].start]
        if re.search(boundary, gap) and linked.tokens[i - 1].low not in _ABBREVIATIONS:
            start = i
    return start

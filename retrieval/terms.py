"""Linking the non-entity terms of a question: stored values, properties, modalities, kinds.

Values ("MIT", "NeurIPS 2023", "flash-attn") come from what the store holds; properties
from kg.vocab's names and synonyms plus question phrasings (`retrieval.lexicon`);
modalities from kg.vocab; kinds from kind words. Each takes the question's tokens and the
`used` flags of words already linked, and marks the words it links.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from kg.sql.models import normalise_key
from kg.vocab import modality_for
from retrieval.kind_words import KIND_WORDS, STUDY_WORDS
from retrieval.lexical import STOPWORDS
from retrieval.lexicon import (
    BROADER_MODALITIES,
    GENERIC,
    VALUE_CLASSES,
    WEAK_CUES,
    modality_words,
)
from retrieval.question import stem


@dataclass(frozen=True, slots=True)
class PropertyLink:
    """A canonical property the question asks about (kg.vocab.PROPERTIES)."""

    property: str
    text: str
    span: tuple[int, int]
    weak: bool = False


@dataclass(frozen=True, slots=True)
class ValueLink:
    """A stored value the question mentions ("MIT", "NeurIPS 2023"), with its properties."""

    properties: tuple[str, ...]
    key: str
    text: str
    span: tuple[int, int]
    pattern: str = ""  # a class of values ("non-commercial" licences), matched in the text


def value_index(values: dict[str, Iterable[str]], phrases: dict[str, str]) -> dict[str, set[str]]:
    """Normalised stored value -> the properties holding it.

    A value spelled like a kind or modality word, or like a word for another property,
    names that, not the value ("controlled" stays an access value); bare numbers are values
    only for years and dates.
    """
    out: dict[str, set[str]] = defaultdict(set)
    taken = {normalise_key(w) for w in (*KIND_WORDS, *modality_words())}
    cue_of = {normalise_key(w): p for w, p in phrases.items()}
    for prop, vals in values.items():
        for v in vals:
            key = normalise_key(str(v))
            if len(key) < 2 or key in STOPWORDS or key in GENERIC | taken:
                continue
            if cue_of.get(key, prop) != prop:
                continue  # "architecture" as a tag names the property, not the tag
            if key.isdigit() and prop not in ("year", "last_updated"):
                continue
            out[key].add(prop)
    return dict(out)


def span_text(question: str, toks, i: int, j: int) -> str:
    """The question text of tokens [i, j)."""
    return question[toks[i].start : toks[j - 1].end]


def link_values(toks, used, question: str, values: dict[str, set[str]]) -> list[ValueLink]:
    """Stored values the question names (longest first, one link per word)."""
    found = []
    for i in range(len(toks)):
        key = ""
        for j in range(i + 1, min(len(toks), i + 6) + 1):
            key += toks[j - 1].low
            if key in values and not any(used[i:j]):
                found.append((len(key), i, j, key))
        # "publicly accessible": the adverb names the value ("public").
        low = toks[i].low
        if low.endswith("ly") and len(low) >= 6 and low[:-2] in values and not used[i]:
            found.append((len(low) - 2, i, i + 1, low[:-2]))
    out, taken = [], [False] * len(toks)
    lows = [t.low for t in toks]
    for phrase, (props, pattern) in VALUE_CLASSES.items():
        n = len(phrase.split())
        for i in range(len(toks) - n + 1):
            if " ".join(lows[i : i + n]) == phrase and not any(used[i : i + n] + taken[i : i + n]):
                taken[i : i + n] = [True] * n
                text = span_text(question, toks, i, i + n)
                out.append(ValueLink(props, phrase, text, (i, i + n), pattern))
    for _n, i, j, key in sorted(found, key=lambda f: (-f[0], f[1])):
        if any(taken[i:j]):
            continue
        taken[i:j] = [True] * (j - i)
        props = tuple(sorted(values[key]))
        out.append(ValueLink(props, key, span_text(question, toks, i, j), (i, j)))
    return _glosses(sorted(out, key=lambda v: v.span), toks, question)


def _glosses(vals: list[ValueLink], toks, question: str) -> list[ValueLink]:
    """ "character-level (single nucleotide)": a value in parentheses right after another
    glosses it, so either may hold (both read as values of either's properties)."""
    for n in range(1, len(vals)):
        a, b = vals[n - 1], vals[n]
        between = question[toks[a.span[1] - 1].end : toks[b.span[0]].start]
        if re.fullmatch(r"[\w-]{0,12}\s*\(", between):  # "-level (" after "character"
            props = tuple(sorted({*a.properties, *b.properties}))
            vals[n - 1], vals[n] = replace(a, properties=props), replace(b, properties=props)
    return vals


def link_properties(toks, used, question: str, phrases: dict[str, str]) -> list[PropertyLink]:
    """Canonical properties named by their phrases (longest first), plus question forms
    ("where … published" asks for the venue)."""
    stems = [t.stem for t in toks]
    lows = [t.low for t in toks]
    out = []
    for phrase, prop in phrases.items():
        words = phrase.split()
        n = len(words)
        for i in range(len(toks) - n + 1):
            j = i + n
            if any(used[i:j]):
                continue
            if lows[i:j] == words or stems[i:j] == [stem(w) for w in words]:
                used[i:j] = [True] * n
                weak = phrase in WEAK_CUES
                out.append(PropertyLink(prop, span_text(question, toks, i, j), (i, j), weak))
    low = question.lower()
    published = r"\bpublish|\bappear"
    if re.search(r"\b(paper|publication|article|preprint)s?\b", low):
        published += r"|\breleas"  # "a paper released where?" (a model released: a repository)
    if re.search(r"\bwhere\b", low) and re.search(published, low):
        out.append(PropertyLink("venue", "where … published", (0, 0)))
    if re.search(r"\b(when|what year|which year)\b", low) and re.search(published, low):
        out.append(PropertyLink("year", "when … published", (0, 0)))
    for i, t in enumerate(toks):
        # "how do researchers obtain its data": how the data is had is its access (not how
        # a model "obtains" an invariance).
        after = lows[i + 1 : i + 4]
        # "What dataset was X trained on, … and can anyone download it?": it is the data.
        back = after[:1] in (["it"], ["them"]) and any(w in _DATA_WORDS for w in lows[:i])
        if t.low in _GETTING and not used[i] and (back or any(w in _DATA_WORDS for w in after)):
            out.append(PropertyLink("access", t.text, (i, i + 1)))
    out.sort(key=lambda p: p.span)
    return out


_GETTING = {"obtain", "obtains", "download", "downloads", "downloaded", "retrieve", "acquire"}
_DATA_WORDS = {"data", "dataset", "datasets", "corpus", "files", "sequences", "images", "scans"}


def link_modalities(toks, used) -> list[tuple[str, tuple[int, int]]]:
    """Modality words (kg.vocab), broader words standing for all their modalities."""
    out: list[tuple[str, tuple[int, int]]] = []
    for n in (3, 2, 1):
        for i in range(len(toks) - n + 1):
            j = i + n
            if any(used[i:j]):
                continue
            mid = modality_for(" ".join(t.low for t in toks[i:j]))
            if mid is None and n > 1:
                mid = modality_for("-".join(t.low for t in toks[i:j]))
            if mid is None:
                continue
            used[i:j] = [True] * n
            out.extend((m, (i, j)) for m in BROADER_MODALITIES.get(mid, (mid,)))
    return sorted(out, key=lambda ms: ms[1])


def link_kinds(toks, used, question: str = "") -> list[tuple[str, tuple[int, int]]]:
    """Words naming an entity kind ("models", "corpora", "paper")."""
    named = list(used)  # the words of names linked before
    out = []
    for n in (2, 1):
        for i in range(len(toks) - n + 1):
            j = i + n
            if any(used[i:j]):
                continue
            phrase = " ".join(t.stem for t in toks[i:j])
            kind = KIND_WORDS.get(phrase) or KIND_WORDS.get(" ".join(t.low for t in toks[i:j]))
            # "the experiment benchmarks a model": a one-word kind ending in -s right
            # after another noun and before an article is a verb.
            verb = (
                n == 1
                and toks[i].low.endswith("s")
                and i > 0
                and j < len(toks)
                and toks[j].low in ("a", "an", "the")
            )
            if kind and not verb and not (n == 1 and _not_a_study(toks, i, named, question)):
                used[i:j] = [True] * n
                out.append((kind, (i, j)))
    out.sort(key=lambda k: k[1])
    # "… a cohort that enrolled children. How many sites does *that study* recruit from?":
    # the kind named before it.
    for m, (_kind, (i, j)) in enumerate(out):
        if m and toks[i].stem in STUDY_WORDS and toks[i - 1].low in ("that", "this"):
            out[m] = (out[m - 1][0], (i, j))
    return out


def _not_a_study(toks, i: int, named: list[bool], question: str) -> bool:
    """ "study" names the paper reporting one ("a prior MDD study"), but not right after a
    name ("the HCP Young Adult study": the cohort's own word), nor in one ("the Harbor Valley
    Study"), nor among counted things ("the number of images, studies and patients")."""
    if toks[i].stem not in STUDY_WORDS or i == 0:
        return False
    listed = "," in question[toks[i - 1].end : toks[i].start]
    in_name = toks[i].text[:1].isupper() and toks[i - 1].text[:1].isupper()
    return named[i - 1] or listed or in_name


def kind_near(toks, i: int, j: int, question: str = "") -> str | None:
    """The kind a word right after a name (or 'the X of' before it) names: "Caduceus
    paper", "site-unlearning harmonization option", "the paper behind X"."""
    for k in (j, j + 1):
        for n in (2, 1):
            phrase = " ".join(t.stem for t in toks[k : k + n]) if k + n <= len(toks) else ""
            if phrase in KIND_WORDS:
                return KIND_WORDS[phrase]
    if i >= 2 and toks[i - 1].low in ("of", "behind", "describing"):
        return KIND_WORDS.get(toks[i - 2].stem)
    # "the hybrid Mamba-Transformer fMRI paper (BrainMT)": the kind word before a name in
    # brackets ("the dataset TITAN is benchmarked on" is the dataset of TITAN).
    bracketed = i >= 1 and "(" in question[toks[i - 1].end : toks[i].start]
    return KIND_WORDS.get(toks[i - 1].stem) if bracketed else None

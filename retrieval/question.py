"""The words of a question: tokens with offsets, plural and spelling folding, name-like
words, and the span naming what is asked ("how many <ROIs>", "what <hardware> does")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.kind_words import KIND_WORDS
from retrieval.lexical import _stem

_WORD = re.compile(r"[^\W_]+")
# British spellings fold to American ones, in questions and KB text alike.
_SPELLING = [
    (re.compile(r"isation(s?)$"), r"ization\1"),
    (re.compile(r"is(e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"yse(d|s)?$"), r"yze\1"),
    (re.compile(r"^licen[cs]e(s?)$"), r"license\1"),
    (re.compile(r"our$"), r"or"),
]


def us_spelling(word: str) -> str:
    """'harmonisation' -> 'harmonization', 'licence' -> 'license', 'behaviour' -> 'behavior'."""
    if len(word) < 6 or not word.isalpha():
        return word
    for rx, rep in _SPELLING:
        new = rx.sub(rep, word)
        if new != word:
            return new
    return word


@lru_cache(maxsize=65536)  # pure, and called for every word of every unit read
def stem(word: str) -> str:
    """Plural folding for names too ("ROIs" ~ "ROI"), on top of the BM25 tokenizer's."""
    w = _stem(us_spelling(word))
    if len(w) in (3, 4) and w.endswith("s") and w[-2] not in "su" and w.isalpha():
        return w[:-1]  # "ROIs" ~ "ROI", "TRs" ~ "TR"
    return w


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the question with its character offsets."""

    text: str
    low: str
    stem: str
    start: int
    end: int


def tokenize_question(text: str) -> list[Token]:
    """Words (letters and digits) with offsets; `stem` folds plurals. The "base" of "the
    knowledge base" is stemmed as "knowledge" (a filler word), so "how many bases" keeps
    its base pairs."""
    out: list[Token] = []
    for m in _WORD.finditer(text):
        low = m.group(0).lower()
        s = "knowledge" if low == "base" and out and out[-1].low == "knowledge" else stem(low)
        out.append(Token(m.group(0), low, s, m.start(), m.end()))
    return out


# Calendar words are capitalised in English but name dates, not things the KB may lack.
CALENDAR_WORDS = {
    *[
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    *["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    # Their abbreviations ("the Nov 2025 plan"); "mar" and "may" are words as well.
    *["jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"],
}


_ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$")  # "2nd", "10th"


# Computing words written in capitals: common nouns, never the name of a model or dataset.
COMPUTING_ACRONYMS = {"gpu", "gpus", "cpu", "cpus", "tpu", "tpus", "ram", "vram", "api", "cli"}
COMPUTING_ACRONYMS |= {"url", "urls", "pdf", "csv", "json", "yaml", "hpc", "ssd", "fp8", "fp16"}


def name_like(tok: Token, position: int) -> bool:
    """Written like a name: capitals past the first letter, or letters mixed with digits."""
    t = tok.text
    if len(t) < 3 or tok.low in CALENDAR_WORDS or _ORDINAL.match(tok.low):
        return False
    if tok.low in COMPUTING_ACRONYMS:
        return False  # "eating all my GPU memory" names no thing an answer must hold
    inner_caps = any(c.isupper() for c in t[1:])
    mixed = any(c.isalpha() for c in t) and any(c.isdigit() for c in t)  # "Evo2", not "2025"
    return inner_caps or (t[0].isupper() and position > 0) or mixed


def in_sentence(question: str, tok: Token, i: int) -> int:
    """The token's position for `name_like`: 0 at the start of a later sentence too ("….
    Anything I should watch out for?" capitalises a plain word)."""
    if question[tok.end :].lstrip().lower().startswith("et al"):
        return max(i, 1)  # "Yoon et al. …" opening a question: a surname all the same
    return 0 if question[: tok.start].rstrip().endswith((".", "?", "!")) else i


_ASK_START = {"what", "which", "many", "much"}
_ASK_SKIP = {
    "is",
    "are",
    "was",
    "were",
    "the",
    "a",
    "an",
    "kind",
    "type",
    "sort",
    "its",
    "their",
    "his",
    "her",
    "s",  # "what's"
}
_COUNT_WORDS = {"number", "amount", "count", "size"}
_ASK_STOP = {
    "per",
    "does",
    "do",
    "did",
    "is",
    "are",
    "was",
    "were",
    "has",
    "have",
    "had",
    "of",
    "for",
    "in",
    "on",
    "at",
    "by",
    "from",
    "to",
    "with",
    "and",
    "or",
    "can",
    "should",
    "would",
    "will",
    "am",
    "i",
    "we",
    "you",
    "must",
    "might",
    "could",
    "listed",
    "used",
    "flagged",
    "mentioned",
    "given",
    "behind",
    "about",
    "regarding",
    "between",
    "than",
    # "BrainLM's limitations <compared> with SwiFT": what follows is what it is set against
    "compared",
    "versus",
    "vs",
    "unlike",
}


# Verbs and prepositions that, after the words naming what is asked, end them: "how many
# whole-slide images <went into> training", "what data <came> from …".
_VERBS = {"went", "go", "goes", "came", "come", "comes", "made", "make", "makes"}
_VERBS |= {"took", "take", "takes", "gave", "give", "gives", "got", "get", "gets"}
_VERBS |= {"ran", "run", "runs", "lie", "lies"}
_PREPOSITIONS = {"into", "through", "across", "under", "over", "after", "before", "during"}
_PREPOSITIONS |= {"within", "via", "without", "among", "against", "inside", "onto", "toward"}
# "what practical limitation <arises when> applying X": a clause begins.
_VERBS |= {"arise", "arises", "arose", "occur", "occurs", "happen", "happens"}
_VERBS |= {"result", "results", "remain", "remains", "exist", "exists"}  # "how many ROIs result"
_PREPOSITIONS |= {"when", "while", "if", "once", "whenever"}


_OBJECT_PRONOUNS = {"them", "it", "him", "her", "us", "me"}


def _verb_after_noun(low: str) -> bool:
    """A word that cannot go on a noun phrase already begun: a preposition or a common verb
    (past participles are left alone: "SNP-based" goes on a phrase)."""
    return low in _VERBS or low in _PREPOSITIONS


def asked_span(toks: list[Token]) -> list[int]:
    """Token indices of the things asked for: "how many <ROIs>", "what <hardware> does",
    "what is the <maximum context length> of", "number of <records>"; a question asking two
    things ("…, and what is its <DOI>?") has two spans."""
    lows = [t.low for t in toks]
    found: list[int] = []
    for i, w in enumerate(lows):
        starts = w in _ASK_START and (w not in ("many", "much") or (i and lows[i - 1] == "how"))
        if w == "of" and i and lows[i - 1] == "number":
            starts = i + 1 not in found  # "the number of X" unless already read as a span
        if not starts:
            continue
        j = i + 1
        # "what kind of <GPU>": the kind word and its "of" lead to what is asked.
        while j < len(toks) and (
            lows[j] in _ASK_SKIP or (lows[j] == "of" and lows[j - 1] in ("kind", "type", "sort"))
        ):
            j += 1
        out = []
        while j < len(toks) and len(out) < 5:
            if lows[j] == "and" and out and j + 1 < len(toks):
                nxt = lows[j + 1]
                if nxt in _ASK_STOP or nxt in _ASK_START or nxt in ("how", "its", "their"):
                    break
                out.append(j + 1)  # "datasets and tasks": both are asked
                break
            if not out and lows[j] in _VERBS:
                break  # "what <makes> X attractive": a verb, nothing named as asked
            if out and lows[j] in _OBJECT_PRONOUNS:
                # "which atlas <defines> them": the word before an object is its verb.
                out = out[:-1] if len(out) > 1 else out
                break
            if lows[j] in _ASK_STOP or (out and _verb_after_noun(lows[j])):
                break
            out.append(j)
            j += 1
            if toks[j - 1].stem in KIND_WORDS and (j >= len(toks) or lows[j] != "and"):
                break  # "which genetics models …": the kind ends what is asked
        # "the maximum number of samples": the samples are what is counted.
        if out and lows[out[-1]] in _COUNT_WORDS and j + 1 < len(toks) and lows[j] == "of":
            # "the size of the <HCP-YA …>": the article is not counted, nor a name.
            k = j + 2 if lows[j + 1] in ("the", "a", "an") and j + 2 < len(toks) else j + 1
            if toks[k].text[:1].islower():
                out = out[:-1] + [k]
        found += [k for k in out if k not in found]
    back = _pointed_back(lows)
    return back if back and found in ([], [len(lows) - 1]) else found  # "it" stands for it


_BACK_ASKS = (["what", "is", "it"], ["what", "is", "that"], ["what", "was", "it"])
_PHRASE_END = {"in", "for", "of", "to", "that", "which", "with", "from", "on", "at", "by"}


def _pointed_back(lows: list[str]) -> list[int]:
    """ "X has a minimum per-site sample requirement. What is it?": the thing asked is the
    last one the sentence before introduced ("a … requirement")."""
    if len(lows) < 5 or lows[-3:] not in _BACK_ASKS:
        return []
    end = len(lows) - 3
    art = max((i for i in range(end) if lows[i] in ("a", "an")), default=None)
    if art is None:
        return []
    out = []
    for k in range(art + 1, min(end, art + 7)):
        if lows[k] in _PHRASE_END:
            break
        out.append(k)
    return out

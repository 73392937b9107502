"""How names are written in questions and in the KB: bracketed acronyms ("HCP-YA"),
abbreviations names spell out ("fMRI" ~ "functional MRI"), hyphenated words, weak cues that
form compounds, and capitalised runs that name something the links did not resolve."""

from __future__ import annotations

import re

from kg.sql.models import normalise_key
from retrieval.facts import text_words
from retrieval.fillers import FILLER
from retrieval.lexical import STOPWORDS
from retrieval.links import Linked
from retrieval.question import us_spelling

# Weak cues that can modify a following noun ("window length", "code style"); "who wrote"
# and "bigger than" are no compounds.
COMPOUNDABLE = {"window", "code", "data", "context", "size"}
# Abbreviations that names spell out ("UK Biobank functional MRI").
SPELLED_OUT = {
    "fmri": ("functional", "mri"),
    "smri": ("structural", "mri"),
    "rsfmri": ("resting", "state", "functional", "mri"),
    "wes": ("whole", "exome", "sequencing"),
}
_PAREN = re.compile(r"\(([^()]+)\)")
_WORD = re.compile(r"[^\W_]+")


def spelled_key(text: str) -> str:
    """The lookup key of a name with British spellings folded ("harmonisation" ~ "-ization")."""
    return normalise_key(" ".join(us_spelling(w) for w in _WORD.findall(text.lower())))


def fold(key: str) -> str:
    """A key with a plural "s" dropped ("tensors" ~ "tensor"; "class" stays)."""
    return key[:-1] if len(key) > 4 and key.endswith("s") and not key.endswith("ss") else key


def hyphenated(question: str, toks, i: int) -> bool:
    """Whether token i continues a hyphenated word ("resting-<state>")."""
    return i > 0 and toks[i].start == toks[i - 1].end + 1 and question[toks[i].start - 1] == "-"


def parenthesised(name: str) -> list[str]:
    """ "Human Connectome Project Young Adult (HCP-YA)" is also called "HCP-YA" and
    "Human Connectome Project Young Adult"; "Leave-one-gene-out (LOGO) attribution" "LOGO"."""
    m = _PAREN.search(name or "")
    if not m:
        return []
    inner = m.group(1).strip()
    if len(inner.split()) > 2 or inner.islower():
        return []  # a description in brackets, not a short name
    return [inner, " ".join(_PAREN.sub(" ", name).split())]


_CODE_LABEL = re.compile(r"^\s*([A-Za-z]+[-_ ]?\d+[A-Za-z]?)\s*:\s*\S")


def coded(name: str) -> list[str]:
    """ "DEV-01: CHA developmental brain-only baseline" is also called by its code "DEV-01"
    (a label with a number, before a colon)."""
    m = _CODE_LABEL.match(name or "")
    return [m.group(1)] if m else []


def proper_names(toks, out: Linked) -> list[str]:
    """Capitalised runs of words read as a modality or a value but naming no entity
    ("Nucleotide Transformer"): names an answer must hold."""
    in_entity = {i for e in out.entities for i in range(*e.span)}
    read = {i for _, span in out.modality_spans for i in range(*span)}
    read |= {i for v in out.values for i in range(*v.span)}
    runs, cur = [], []
    for i, t in enumerate(toks):
        if i > 0 and t.text[:1].isupper() and i not in in_entity and t.text.isalpha():
            cur.append(i)
            continue
        runs.append(cur)
        cur = []
    runs.append(cur)
    return [
        toks[i].text
        for run in runs
        if len(run) >= 2 and set(run) & read and not all(toks[i].text.isupper() for i in run)
        for i in run
        if toks[i].text not in out.names
    ]


def compound(link, toks, used, common: set[str]) -> bool:
    """A weak cue that modifies the next word ("window <length>", "data <format>") names
    that word's thing, not the cue's property; `common` are kind and modality words."""
    j = link.span[1]
    if link.text.lower() not in COMPOUNDABLE or j >= len(toks) or used[j]:
        return False
    nxt = toks[j]
    return nxt.low not in STOPWORDS and nxt.stem not in common and nxt.text.isalpha()


def abbreviated(name: str) -> list[str]:
    """The name with a run of two to four capitalised words written as its initials, a
    word in capitals counting whole ("UK Biobank fMRI tensors" -> "UKB fMRI tensors"), as a
    question may shorten it. Only for longer names: the initials alone name too little."""
    words = _WORD.findall(name)
    out = []
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            run = words[i : i + n]
            if len(words) > n and all(w[:1].isupper() and w.isalpha() for w in run):
                short = "".join(w if w.isupper() else w[0] for w in run)
                if len(short) >= 3:
                    out.append(" ".join([*words[:i], short, *words[i + n :]]))
    return out


def known_by_initials(unknown: list[str], toks, known) -> list[str]:
    """The unknown words left once runs of capitalised words whose initials the KB uses
    are taken as known ("Creative Commons" where the KB writes "CC-BY-NC")."""
    caps = [t.text[:1].isupper() and t.text.isalpha() for t in toks]
    out = list(unknown)
    for i in range(len(toks)):
        for j in range(i + 2, min(i + 4, len(toks)) + 1):
            if not all(caps[i:j]):
                break
            run = {t.text for t in toks[i:j]}
            if run & set(out) and known("".join(t.text[0] for t in toks[i:j]).lower()):
                out = [u for u in out if u not in run]
    return out


_CAPITALISED_RUN = re.compile(r"(?:\b[A-Z][A-Za-z]*(?:\s+|$)){2,4}")


def spelled_initials(text: str) -> set[str]:
    """The initials of each run of capitalised words, acronyms kept whole ("UK Biobank" →
    "ukb"), so a question's "UKB" finds a passage that writes the name out."""
    out = set()
    for run in _CAPITALISED_RUN.findall(text):
        out.add("".join(w if w.isupper() else w[0] for w in run.split()).lower())
    return out


def spelled_runs(text: str) -> dict[str, set[str]]:
    """Each run of capitalised words by its initials, both stemmed as card words are
    ("Harbor Valley Study" -> {"hv": {"harbor", "valley", "study"}})."""
    out: dict[str, set[str]] = {}
    for run in _CAPITALISED_RUN.findall(text):
        ini = "".join(w if w.isupper() else w[0] for w in run.split()).lower()
        for key in text_words(ini):
            out[key] = text_words(run)
    return out


_VERSIONED = re.compile(r"\b([A-Za-z][A-Za-z0-9]*[A-Za-z])[- ]?(\d{1,2})\b")


def unknown_versions(question: str, known) -> list[str]:
    """Versioned names the KB writes only in other versions: "DNABERT-3" where the KB has
    "DNABERT-2" is a model it does not describe, not DNABERT-2."""
    out = []
    for m in _VERSIONED.finditer(question):
        base, version = m.group(1), m.group(2)
        if not any(c.isupper() for c in base) or known(f"{base}{version}".lower(), True):
            continue
        others = [v for v in range(100) if known(f"{base}{v}".lower(), True)]
        if others:
            out.append(m.group(0))
    return out


def written_together(pos: dict[str, int], toks, content: list[int], used, question: str, idf):
    """The name words a question writes together: "the Nucleotide Transformer downstream
    suite contain more tasks" writes three words of "Nucleotide Transformer downstream tasks"
    in a row; the fourth, beyond the verb, is the question's own ("suite contain … tasks" is
    no "Gener task suite" either). `pos`: name word -> its place among the `content` tokens."""
    groups: list[dict[str, int]] = []
    for w, p in sorted(pos.items(), key=lambda wp: (wp[1], wp[0])):  # ties: by word, not hash
        if groups:
            last = max(groups[-1].values())
            gap = [
                content[q]
                for q in range(last + 1, p)
                if not used[content[q]] and not hyphenated(question, toks, content[q])
            ]
            if len(gap) <= 1 and not any(toks[i].low in FILLER for i in gap):
                groups[-1][w] = p
                continue
        groups.append({w: p})
    return max(groups, key=lambda g: sum(idf.get(w, 1.0) for w in g)) if groups else pos


def ends_title_run(toks, used, i: int) -> bool:
    """Whether word i closes a run of capitalised words no link took: "Temporal Adaptive
    Patch Embedding" names a thing of its own, not the entity whose id opens with its last
    word ("embedding_strategies")."""
    before = toks[i - 1] if i else None
    return (
        bool(before)
        and not used[i - 1]
        and before.text[:1].isupper()
        and before.low not in STOPWORDS
    )

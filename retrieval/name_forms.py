"""How names are written in questions and in the KB: bracketed acronyms ("HCP-YA"),
abbreviations names spell out ("fMRI" ~ "functional MRI"), hyphenated words, weak cues that
form compounds, and capitalised runs that name something the links did not resolve."""

from __future__ import annotations

import re

from retrieval.lexical import STOPWORDS
from retrieval.links import Linked

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

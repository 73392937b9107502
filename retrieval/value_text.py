"""How a stored value reads in an answer: its raw text, the normalised number beside it
when that reads differently ("45_000 (= 45000)"), a large count in words ("8.8 trillion"),
and the unit its key names ("24 months")."""

from __future__ import annotations

import re

from kg.ir import Attribute

# Key endings that are the unit of a bare number under them (`nominal_age.months: 24`).
_UNIT_KEYS = {"months", "years", "weeks", "days", "hours", "minutes", "seconds", "ms", "mm"}


def value_text(a: Attribute) -> str:
    """An attribute's raw text, with the normalised number beside it when it reads
    differently ("45_000 (= 45000)", "~150M (= 150000000)"), and the unit its key names
    ("24 months" for `nominal_age.months: 24`, "0.735 seconds" for `tr_seconds`)."""
    raw = " ".join(str(a.raw).split())
    unit = re.split(r"[._]", a.path)[-1].lower()
    if unit in _UNIT_KEYS and re.fullmatch(r"[\d.,_]+", raw):
        return f"{raw} {unit}"
    v = a.value
    if isinstance(v, int | float) and not isinstance(v, bool) and str(v) != raw.strip():
        words = _in_words(v) if re.fullmatch(r"[\d.,_]+", raw) else ""
        return f"{raw} (= {v}{', ' + words if words else ''})"
    return raw


def _in_words(v: float) -> str:
    """A large count as it is said ("8.8 trillion"), for numbers written in digits only."""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:.3g} {word}"
    return ""


def readable_number(v: float) -> str:
    """A number as a reader says it: "8.8 trillion", "420 billion", "131072", "0.72"."""
    return _in_words(v) or (str(int(v)) if float(v).is_integer() else f"{v:g}")

"""Numbers in questions: "above 10 million", "≥ 1M", "of 4096", "one million tokens".

A question's numbers become `Quantity` constraints (value + comparison) that filters apply
to numeric attributes. Superlatives ("longest", "most") are read here as well, since they
are the other way a question constrains a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MULT = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mb": 1e6,
    "mbp": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "gb": 1e9,
    "gbp": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "trillion": 1e12,
    "kb": 1e3,
    "kbp": 1e3,
}
_WORD_NUM = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "hundred": 100,
}
# Comparison words just before a number; longest phrases first.
_OPS = [
    ("greater than or equal to", ">="),
    ("at least", ">="),
    ("or more", ">="),
    ("no less than", ">="),
    ("more than", ">"),
    ("greater than", ">"),
    ("larger than", ">"),
    ("longer than", ">"),
    ("bigger than", ">"),
    ("higher than", ">"),
    ("above", ">"),
    ("over", ">"),
    ("exceeding", ">"),
    ("beyond", ">"),
    ("at most", "<="),
    ("up to", "<="),
    ("no more than", "<="),
    ("less than", "<"),
    ("fewer than", "<"),
    ("smaller than", "<"),
    ("shorter than", "<"),
    ("below", "<"),
    ("under", "<"),
    ("exactly", "="),
    ("≥", ">="),
    (">=", ">="),
    ("≤", "<="),
    ("<=", "<="),
    (">", ">"),
    ("<", "<"),
]
_NUM = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:[,_\u202f]\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(_WORD_NUM)
    + r")(?:(?P<sfx>kbp|mbp|gbp|kb|mb|gb|bn|[kmbt])(?![\w])"
    r"|[\s-]*(?P<word>thousand|million|billion|trillion)\b)?(?![\w])",
    re.IGNORECASE,
)
_DATE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
# Superlative words -> (direction, property they imply when the question names none).
SUPERLATIVES = {
    "longest": ("max", "context_length"),
    "largest": ("max", "parameters"),
    "biggest": ("max", "parameters"),
    "most": ("max", None),
    "highest": ("max", None),
    "maximum": ("max", None),
    "shortest": ("min", "context_length"),
    "smallest": ("min", "parameters"),
    "fewest": ("min", None),
    "lowest": ("min", None),
    "earliest": ("min", "year"),
    "oldest": ("min", "year"),
    "latest": ("max", "year"),
    "newest": ("max", "year"),
    "most recent": ("max", "year"),
}


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number the question states, with how values are compared with it."""

    value: float
    op: str  # ">=", ">", "<=", "<", "=" (≈, within 5 %)
    text: str
    start: int  # character offsets in the question
    end: int

    def accepts(self, x: float) -> bool:
        """Whether a numeric attribute value satisfies this constraint."""
        if self.op == ">=":
            return x >= self.value * 0.999
        if self.op == ">":
            return x > self.value
        if self.op == "<=":
            return x <= self.value * 1.001
        if self.op == "<":
            return x < self.value
        return abs(x - self.value) <= 0.05 * max(abs(self.value), 1e-9)


def _number(num: str, mult: str | None) -> float:
    low = num.lower()
    base = float(_WORD_NUM[low]) if low in _WORD_NUM else float(re.sub(r"[,_\u202f]", "", num))
    return base * _MULT.get((mult or "").lower(), 1.0)


def quantities(question: str, skip: list[tuple[int, int]] = ()) -> list[Quantity]:
    """Numbers in `question` (outside the character spans in `skip`), with comparisons.

    Years (1900-2100 without a multiplier) and dates are left out: they are values, not sizes.
    """
    out: list[Quantity] = []
    skip = [*skip, *((d.start(), d.end()) for d in _DATE.finditer(question))]
    for m in _NUM.finditer(question):
        if any(a <= m.start() < b for a, b in skip):
            continue
        num, mult = m.group("num"), m.group("sfx") or m.group("word")
        if num.lower() in _WORD_NUM and not mult:
            continue  # "one of the models" is not a quantity
        if m.start() >= 2 and question[m.start() - 1] == "-" and question[m.start() - 2].isalpha():
            continue  # "Schaefer-400", "Tian-50": a number written onto a name
        if re.fullmatch(r"\d+", num) and not mult:
            n = int(num)
            if 1900 <= n <= 2100 or re.match(r"-\d", question[m.end() :]):
                continue
            if len(num) == 2 and question[: m.start()].endswith(("'", "’")):
                continue  # "BIOKDD'25": a year, not a size
        value = _number(num, mult)
        before = question[: m.start()].lower().rstrip()
        after = question[m.end() :].lower()
        op = "="
        for phrase, sym in _OPS:
            if before.endswith(phrase):
                op = sym
                break
        if after.lstrip().startswith(("or more", "+", "or longer", "or larger")):
            op = ">="
        out.append(Quantity(value, op, m.group(0), m.start(), m.end()))
    return out


def superlative(words: list[str]) -> tuple[str, str | None] | None:
    """(direction, implied property) of the first superlative word, or None."""
    joined = " ".join(words)
    for phrase, spec in SUPERLATIVES.items():
        if " " in phrase and phrase in joined:
            return spec
    for i, w in enumerate(words):
        # "what maximum sequence length does X specify": a bound named right after the
        # question word is part of the value asked, not a choice among entities.
        if w in SUPERLATIVES and not (i and words[i - 1] in ("what", "which")):
            return SUPERLATIVES[w]
    return None

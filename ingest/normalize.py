"""Pure value normalisers: counts, years and venues, dates, booleans, URIs and modalities.

Every function takes the value as written and returns the normalised value, or None when
the text says "unknown" (TBD, N/A, ...) or holds nothing that can be read. The raw text is
always kept by the caller, so normalising never loses information.
"""

from __future__ import annotations

import datetime as dt
import re

from kg.vocab import modality_for

NULL_WORDS = {"", "tbd", "tba", "unknown", "n/a", "na", "none", "null", "~", "?", "-", "—", "–"}
_NULL_HEAD = re.compile(r"^(?:tbd|tba|unknown|n/a|none)\b", re.I)

_MAGNITUDE = {
    "k": 10**3,
    "thousand": 10**3,
    "m": 10**6,
    "million": 10**6,
    "b": 10**9,
    "g": 10**9,
    "billion": 10**9,
    "t": 10**12,
    "trillion": 10**12,
}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?"
_SUFFIX = r"thousand|million|billion|trillion|[kKMBGT]"
# A range shares its magnitude: "40–60M" means 40M to 60M; the first bound is taken.
_RANGE = re.compile(
    rf"(?<![\w.])({_NUM})\s*[–-]\s*(?:{_NUM})\s*({_SUFFIX})(?:bp|b)?(?![A-Za-z0-9])"
)
# The lookahead refuses "6-mer" and "768-d" (a number glued to a word is not a count),
# but "1M-token" is fine because the magnitude letter already ended the number.
_COUNT = re.compile(rf"(?<![\w.])({_NUM})(?:\s*({_SUFFIX})(?:bp|b)?(?![A-Za-z0-9])|(?![\w-]|\.\d))")
_APPROX_BEFORE = re.compile(
    r"(?:[~≈<>≤≥]|\b(?:up to|about|approx\.?|approximately|around|over|under|at least|at most))\s*$",
    re.I,
)
UNIT_WORDS = {
    "tokens": "tokens",
    "token": "tokens",
    "bp": "bp",
    "kbp": "bp",
    "mbp": "bp",
    "patches": "patches",
    "rois": "ROIs",
    "timepoints": "timepoints",
    "voxels": "voxels",
    "frames": "frames",
    "samples": "samples",
    "parameters": "parameters",
    "params": "parameters",
    "sequences": "sequences",
    "records": "records",
    "subjects": "subjects",
}


def is_null(text: str) -> bool:
    """True for the placeholders people write instead of a value ("TBD", "N/A", "")."""
    t = text.strip().lower()
    return t in NULL_WORDS or bool(_NULL_HEAD.match(t))


def _to_number(num: str) -> float:
    return float(num.replace(",", "").replace("_", ""))


def _count_match(text: str) -> tuple[str, str | None, int] | None:
    """(number, magnitude suffix, start) of the first count in a text, or None."""
    rng = _RANGE.search(text)
    m = _COUNT.search(text)
    if rng and (m is None or rng.start() <= m.start()):
        return rng.group(1), rng.group(2), rng.start()
    if m:
        return m.group(1), m.group(2), m.start()
    return None


def parse_count(value: object) -> int | None:
    """Read a count such as "~150M (d_model=256)", "131,072", "131k", "7B", "up to 1M tokens".

    The first number in the text wins ("7B active / 14B total" → 7_000_000_000); a number
    glued to a word ("6-mer", "768-d") is not a count. Placeholders give None.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(round(value))
    text = str(value).strip()
    if is_null(text):
        return None
    found = _count_match(text)
    if found is None:
        return None
    num, suffix, _ = found
    try:
        number = _to_number(num)
    except ValueError:
        return None
    if not suffix and number != int(number):
        return None  # "3e-5", "0.15": a fraction is not a count
    if suffix:
        number *= _MAGNITUDE[suffix.lower()]
    return int(round(number))


def count_unit(value: object) -> str | None:
    """The unit word written after a count ("131k tokens" → "tokens"), if it is a known one."""
    text = str(value)
    m = _COUNT.search(text)
    if not m:
        return None
    rest = text[m.end() :].strip().lower()
    word = re.match(r"[a-z]+", rest)
    if m.group(0).lower().endswith("bp"):
        return "bp"
    return UNIT_WORDS.get(word.group(0)) if word else None


def is_approximate(raw: str) -> bool:
    """True when a count was written approximately: "~150M", "131k", "up to 1M", "≈40–60M".

    Only the first count decides: in "1,048,576 tokens (~1 Mb)" the count is exact.
    """
    text = str(raw)
    found = _count_match(text)
    if found is None:
        return False
    _, suffix, start = found
    return bool(suffix) or bool(_APPROX_BEFORE.search(text[:start]))


_YEAR4 = re.compile(r"(?<!\d)(19\d{2}|20\d{2}|2100)(?!\d)")
_YEAR2 = re.compile(r"'(\d{2})(?!\d)")
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)


def parse_year(value: object) -> int | None:
    """The publication year in a value: 2024, "2024", "ICML 2024", "BIOKDD'25" → 2025."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 1900 <= value <= 2100 else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year
    text = str(value)
    m = _YEAR4.search(text)
    if m:
        return int(m.group(1))
    m2 = _YEAR2.search(text)
    return 2000 + int(m2.group(1)) if m2 else None


def parse_venue(value: object) -> str | None:
    """The venue with its year and month removed: "ICML 2024" → "ICML", "arXiv preprint"."""
    if value is None or isinstance(value, (bool, int, float)):
        return None
    text = str(value)
    text = _YEAR4.sub(" ", text)
    text = _YEAR2.sub(" ", text)
    text = re.sub(rf"\b(?:{_MONTHS})\b\.?", " ", text, flags=re.I)
    text = re.sub(r"\(\s*\)", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:-–—")
    return None if is_null(text) else text


_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.+Z-]*)?\s*$")


def parse_date(value: object) -> str | None:
    """An ISO date string ("2025-11-15") from a YAML date or a date-like string, else None."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    m = _ISO_DATE.match(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def parse_bool(value: object) -> bool | None:
    """A boolean from YAML true/false or the usual spellings ("yes", "off"), else None."""
    if isinstance(value, bool):
        return value
    t = str(value).strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return None


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


def is_uri(value: object) -> bool:
    """True for absolute URIs with a scheme: https://, s3://, huggingface://, ..."""
    return isinstance(value, str) and bool(_URI.match(value.strip()))


_SPLIT = re.compile(r"\s*(?:\+|/|,|&|;|\band\b|×)\s*", re.I)


def modalities_for(value: object) -> list[str]:
    """Modality vocabulary ids named by a value: "sMRI + fMRI" → ["smri", "fmri"].

    The whole text is tried first, then each part split on + / , & "and", then the longest
    runs of words inside a part ("vision-language-video" → "multimodal").
    """
    if value is None or isinstance(value, (bool, int, float)):
        return []
    text = str(value).strip()
    if not text or is_null(text):
        return []
    whole = modality_for(text)
    if whole:
        return [whole]
    found: list[str] = []
    for part in _SPLIT.split(text):
        if not part:
            continue
        mid = modality_for(part)
        if mid:
            found.append(mid)
            continue
        words = [w for w in re.split(r"[\s_\-]+", part.lower()) if w]
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                mid = modality_for(" ".join(words[i:j]))
                if mid:
                    found.append(mid)
                    i = j
                    break
            else:
                i += 1
    return list(dict.fromkeys(found))

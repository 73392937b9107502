"""Markdown sections cut into retrievable passages with exact source line ranges.

A section becomes one passage, its heading path prepended as context; a long one is split on
paragraph, then sentence boundaries at about 200 words. Parsers reduce markup (tables become
"Header: value" lines, comments and images vanish), so each text line is matched back to the
source line holding most of its words: every part cites the lines it came from.
"""

from __future__ import annotations

import re

from kg.ir import LinkedSource, Section
from retrieval.synopsis import Passage

TARGET_WORDS = 200  # a section part aims at this many words
MAX_WORDS = 260  # a single unit above this is split further
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


def first_sentence(text: str) -> str:
    """A text's first sentence (all of it when it is one)."""
    m = _SENTENCE_END.search(text)
    return text[: m.start()] if m else text


_WORD = re.compile(r"[a-z0-9]+")


def mentions(ls: LinkedSource, start: int, end: int) -> list[str]:
    """Entities linked from lines [start, end] of this source (mentions, links, refs)."""
    return [
        r.object
        for r in ls.relations
        if r.prov.source == ls.path and start <= r.prov.line_start <= end
    ]


def section_passages(
    sec: Section, ls: LinkedSource, src_lines: list[str] | None = None
) -> list[Passage]:
    """Passages of one markdown section: one if short, else parts of about 200 words."""
    heading = " > ".join(h for h in sec.heading_path if h)
    lines = _numbered_lines(sec, src_lines)
    if sec.heading_path and lines and _norm(lines[0][1]) == _norm(sec.heading_path[-1]):
        lines = lines[1:]  # the heading itself is already the context line
    units = [u for para in _paragraphs(lines) for u in _split_unit(para)]
    out = []
    for start, end, text in _pack(units):
        body = f"{heading}\n{text}" if heading else text
        ents = [sec.doc, *mentions(ls, start, end)]
        out.append(Passage(body, sec.prov.source, (start, end), ents, "section", heading))
    return out


def _numbered_lines(sec: Section, src_lines: list[str] | None) -> list[tuple[int, str]]:
    """Pair each line of the section text with its 1-based source line."""
    text_lines = sec.text.split("\n")
    lo, hi = sec.prov.line_start, max(sec.prov.line_end, sec.prov.line_start)
    if src_lines is None:
        if len(text_lines) == hi - lo:  # the parser kept one text line per body line
            return [(lo + 1 + i, t) for i, t in enumerate(text_lines)]
        # Unknown layout: every part cites the whole section, coarse but never wrong.
        return [(lo if i == 0 else hi, t) for i, t in enumerate(text_lines)]
    window, fenced = [], False
    for n in range(lo, min(hi, len(src_lines)) + 1):
        line = src_lines[n - 1].lstrip()
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        elif line.startswith("#") and not fenced:
            continue  # a heading is not body text (a '#' comment inside a code block is)
        window.append((n, set(_WORD.findall(line.lower()))))
    found: list[int | None] = []
    pos = 0
    for t in text_lines:
        words = _WORD.findall(t.lower())
        n_found = None
        # Half the words on one line: table rows come back as "Header: value; ..." text.
        for j in range(pos, len(window) if words else 0):
            n, have = window[j]
            if sum(w in have for w in words) >= max(1, 0.5 * len(words)):
                n_found, pos = n, j + 1
                break
        found.append(n_found)
    return list(zip(_fill(found, text_lines, lo), text_lines, strict=True))


def _fill(found: list[int | None], text_lines: list[str], default: int) -> list[int]:
    """Lines left unmatched (fences, rewritten text) borrow a neighbour's line: the previous
    one inside a paragraph, the next one at a paragraph start."""
    out = list(found)
    nxt: int | None = None
    after: list[int | None] = [None] * len(out)
    for i in range(len(out) - 1, -1, -1):
        after[i] = nxt
        if out[i] is not None:
            nxt = out[i]
    prev: int | None = None
    for i, n in enumerate(out):
        if n is None:
            in_para = i > 0 and text_lines[i - 1].strip() and prev is not None
            out[i] = prev if in_para else (after[i] or prev or default)
        prev = out[i]
    return [n if n is not None else default for n in out]


def _paragraphs(lines: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    paras, cur = [], []
    for n, t in [*lines, (0, "")]:
        if t.strip():
            cur.append((n, t.strip()))
        elif cur:
            paras.append((cur[0][0], max(n for n, _ in cur), "\n".join(t for _, t in cur)))
            cur = []
    return paras


def _split_unit(unit: tuple[int, int, str]) -> list[tuple[int, int, str]]:
    """Split an oversized paragraph into sentences (then lines), keeping line ranges."""
    start, _end, text = unit
    if _words(text) <= MAX_WORDS:
        return [unit]
    # Line number of every character offset, to map sentence spans back to lines.
    line_of, n = [], start
    for ch in text:
        line_of.append(n)
        if ch == "\n":
            n += 1
    pieces, pos = [], 0
    for m in [*_SENTENCE_END.finditer(text), None]:
        stop = m.start() if m else len(text)
        seg = text[pos:stop]
        if seg.strip():
            lead = len(seg) - len(seg.lstrip())
            pieces.append((line_of[pos + lead], line_of[stop - 1], seg.strip()))
        pos = m.end() if m else stop
    out = []
    for lo, hi, piece in pieces:
        if _words(piece) <= MAX_WORDS or "\n" not in piece:
            out.extend(_split_words(lo, hi, piece))
        else:
            out.extend((lo + i, lo + i, ln) for i, ln in enumerate(piece.split("\n")) if ln.strip())
    return out


def _split_words(lo: int, hi: int, piece: str) -> list[tuple[int, int, str]]:
    words = piece.split()
    if len(words) <= MAX_WORDS:
        return [(lo, hi, piece)]
    return [
        (lo, hi, " ".join(words[i : i + TARGET_WORDS])) for i in range(0, len(words), TARGET_WORDS)
    ]


def _pack(units: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Greedily join consecutive units up to about TARGET_WORDS words."""
    out, cur, count = [], [], 0
    for u in units:
        w = _words(u[2])
        if cur and count + w > TARGET_WORDS:
            out.append(_join(cur))
            cur, count = [], 0
        cur.append(u)
        count += w
    if cur:
        out.append(_join(cur))
    return out


def _join(units):
    return (min(u[0] for u in units), max(u[1] for u in units), "\n".join(u[2] for u in units))


def _words(text: str) -> int:
    return len(text.split())


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))

"""Retrieval chunks with provenance, cut from the linked IR.

Three kinds, all citing a source path and a 1-based line range:
- ``section``: a markdown section (heading path prepended as context); long sections are
  split on paragraph, then sentence boundaries at about 200 words, each part with its own lines.
- ``prose``: a long free-text card field (summary, notes, key takeaways, ...).
- ``synopsis``: text generated from an entity's structured facts (see `retrieval.synopsis`),
  so that facts held only as YAML fields are findable by text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from kg.ir import Attribute, LinkedSource, Section
from retrieval.synopsis import fact_passages, kb_lookups, short_name, synopsis_passages

TARGET_WORDS = 200  # a section part aims at this many words
MAX_WORDS = 260  # a single unit above this is split further
CHUNK_KINDS = ("section", "prose", "synopsis")

# Card fields that are free text whatever their length: keys containing one of these stems
# (summary, notes, key_takeaways_for_us, implications_for_project, limitations, ...).
PROSE_STEMS = (
    "summary",
    "description",
    "note",
    "takeaway",
    "contribution",
    "implication",
    "finding",
    "limitation",
    "strength",
    "rationale",
    "motivation",
    "caveat",
    "purpose",
    "objective",
    "abstract",
    "recommendation",
    "lesson",
    "insight",
    "advantage",
    "risk",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
_CODE_CHARS = set("=(){}[]<>$`\\|;")


@dataclass(frozen=True, slots=True)
class Chunk:
    """One retrievable passage and where it comes from."""

    id: str
    text: str
    source: str
    line_start: int
    line_end: int
    entity_ids: tuple[str, ...]
    kind: str  # section | prose | synopsis
    heading: str

    def to_dict(self) -> dict:
        """A JSON-ready dict (entity_ids as a list)."""
        d = asdict(self)
        d["entity_ids"] = list(self.entity_ids)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        """Inverse of `to_dict`."""
        return cls(**{**d, "entity_ids": tuple(d["entity_ids"])})


def make_chunk(
    text: str, source: str, lines: tuple[int, int], entity_ids, kind: str, heading: str
) -> Chunk:
    """Build a chunk whose id is a stable hash of (source, lines, text)."""
    key = f"{source}\x00{lines[0]}\x00{lines[1]}\x00{text}".encode()
    cid = hashlib.sha256(key).hexdigest()[:16]
    ids = tuple(dict.fromkeys(e for e in entity_ids if e))
    return Chunk(cid, text, source, lines[0], lines[1], ids, kind, heading)


def chunks_for(linked: list[LinkedSource], kb_root: Path | str | None = None) -> list[Chunk]:
    """Cut every linked source into chunks.

    Args:
        linked: all linked sources of the KB (names of linked entities are looked up across them).
        kb_root: the KB folder; when given, section paragraphs are aligned to the real source
            lines (exact sub-line ranges even when markup was reduced), else line offsets
            inside the section text are trusted.
    """
    lk = kb_lookups(linked)
    out: list[Chunk] = []
    for ls in linked:
        src_lines = _read_lines(kb_root, ls.path)
        for sec in ls.parsed.sections:
            out.extend(section_chunks(sec, ls, src_lines))
        out.extend(prose_chunks(ls))
        passages = synopsis_passages(ls, lk) + fact_passages(ls, lk, _prose_paths(ls))
        out.extend(make_chunk(*p) for p in passages)
    return list({c.id: c for c in out}.values())


def _read_lines(kb_root, path: str) -> list[str] | None:
    if kb_root is None:
        return None
    try:
        return (Path(kb_root) / path).read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return None


def _mentions(ls: LinkedSource, start: int, end: int) -> list[str]:
    """Entities linked from lines [start, end] of this source (mentions, links, refs)."""
    return [
        r.object
        for r in ls.relations
        if r.prov.source == ls.path and start <= r.prov.line_start <= end
    ]


# ---------------------------------------------------------------- markdown sections


def section_chunks(
    sec: Section, ls: LinkedSource, src_lines: list[str] | None = None
) -> list[Chunk]:
    """Chunks of one markdown section: one if short, else parts of about 200 words."""
    heading = " > ".join(h for h in sec.heading_path if h)
    lines = _numbered_lines(sec, src_lines)
    if sec.heading_path and lines and _norm(lines[0][1]) == _norm(sec.heading_path[-1]):
        lines = lines[1:]  # the heading itself is already the context line
    units = [u for para in _paragraphs(lines) for u in _split_unit(para)]
    out = []
    for start, end, text in _pack(units):
        body = f"{heading}\n{text}" if heading else text
        ents = [sec.doc, *_mentions(ls, start, end)]
        out.append(make_chunk(body, sec.prov.source, (start, end), ents, "section", heading))
    return out


def _numbered_lines(sec: Section, src_lines: list[str] | None) -> list[tuple[int, str]]:
    """Pair each line of the section text with its 1-based source line."""
    text_lines = sec.text.split("\n")
    lo, hi = sec.prov.line_start, max(sec.prov.line_end, sec.prov.line_start)
    if src_lines is None:
        # Without the source, assume text lines follow the heading line one for one.
        off = 1 if len(text_lines) <= hi - lo else 0
        return [(min(lo + off + i, hi), t) for i, t in enumerate(text_lines)]
    window = [
        (n, set(_WORD.findall(src_lines[n - 1].lower())))
        for n in range(lo, min(hi, len(src_lines)) + 1)
    ]
    out, pos, last = [], 0, lo
    for t in text_lines:
        words = _WORD.findall(t.lower())
        if not words:
            out.append((last, t))
            continue
        for j in range(pos, len(window)):
            n, have = window[j]
            if sum(w in have for w in words) >= max(1, 0.6 * len(words)):
                last, pos = n, j + 1
                break
        else:
            # Not found (text rewritten by the parser): stay on the last matched line.
            pos = min(pos + 1, len(window))
        out.append((last, t))
    return out


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


# ---------------------------------------------------------------- card prose


def is_prose(attr: Attribute) -> bool:
    """True for card fields holding free text: a known prose key, or long plain sentences."""
    if not isinstance(attr.raw, str):
        return False
    key = _leaf_key(attr.path)
    raw = attr.raw.strip()
    if any(stem in key for stem in PROSE_STEMS) and not key.endswith(("_path", "_md", "_ref")):
        return bool(raw) and not raw.startswith(("http://", "https://"))
    words = raw.split()
    if len(words) < 12 or raw.startswith(("http://", "https://")):
        return False
    code = sum(ch in _CODE_CHARS for ch in raw) + raw.count(" --")
    alpha = sum(w.isalpha() for w in words)
    return code / len(raw) < 0.02 and alpha / len(words) > 0.6


def _leaf_key(path: str) -> str:
    """`a.key_takeaways[2]` -> `key_takeaways`."""
    return re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]


def _list_parent(path: str) -> str:
    m = re.match(r"^(.*)\[\d+\]$", path)
    return m.group(1) if m else path


def _prose_paths(ls: LinkedSource) -> set[tuple[str, str]]:
    return {(a.entity, a.path) for a in ls.parsed.attributes if is_prose(a)}


def prose_chunks(ls: LinkedSource) -> list[Chunk]:
    """One chunk per prose field; items of one prose list are grouped (split past ~200 words)."""
    names = {e.id: short_name(e.name) for e in ls.parsed.entities}
    groups: dict[tuple[str, str], list[Attribute]] = {}
    for a in ls.parsed.attributes:
        if is_prose(a):
            groups.setdefault((a.entity, _list_parent(a.path)), []).append(a)
    out = []
    for (eid, path), attrs in groups.items():
        label = f"{names.get(eid, eid)} — {path.replace('_', ' ')}"
        batch: list[Attribute] = []
        for a in [*attrs, None]:
            full = a is None or (
                batch and sum(_words(b.raw) for b in batch) + _words(a.raw) > TARGET_WORDS
            )
            if batch and full:
                lo = min(b.prov.line_start for b in batch)
                hi = max(b.prov.line_end for b in batch)
                body = "\n".join(_one_line(b.raw) for b in batch)
                ents = [eid, *_mentions(ls, lo, hi)]
                out.append(make_chunk(f"{label}: {body}", ls.path, (lo, hi), ents, "prose", label))
                batch = []
            if a is not None:
                batch.append(a)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())

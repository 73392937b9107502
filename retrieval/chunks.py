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

from kg.ir import Attribute, LinkedSource
from retrieval.sections import TARGET_WORDS, mentions, section_passages
from retrieval.synopsis import fact_passages, kb_lookups, short_name, synopsis_passages

CHUNK_KINDS = ("section", "prose", "synopsis")
# Bump when chunk text or boundaries change: an index built by another version is rebuilt by
# the next ingest even when no source changed (embeddings of unchanged text stay cached).
CHUNKING_VERSION = 1

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
        if ls.path.startswith("<"):
            continue  # built-in sources (the vocabulary) have no file to cite
        src_lines = _read_lines(kb_root, ls.path)
        for sec in ls.parsed.sections:
            out.extend(make_chunk(*p) for p in section_passages(sec, ls, src_lines))
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
                batch and sum(len(b.raw.split()) for b in batch) + len(a.raw.split()) > TARGET_WORDS
            )
            if batch and full:
                lo = min(b.prov.line_start for b in batch)
                hi = max(b.prov.line_end for b in batch)
                body = "\n".join(_one_line(b.raw) for b in batch)
                ents = [eid, *mentions(ls, lo, hi)]
                out.append(make_chunk(f"{label}: {body}", ls.path, (lo, hi), ents, "prose", label))
                batch = []
            if a is not None:
                batch.append(a)
    return out


def _one_line(text: str) -> str:
    return " ".join(text.split())

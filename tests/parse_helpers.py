"""Helpers for the parsing tests: write KB folders, run discover → parse → link on them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from ingest.discover import discover
from ingest.kb_config import load_kb_config
from ingest.linker import link
from ingest.parse import parse_source
from ingest.vocab_source import vocabulary_source
from kg.ir import LinkedSource, ParsedSource

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "neuro-omics-kb"
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
MAX_BYTES = 2_000_000


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under root (text is dedented)."""
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def parse_kb(root: Path, max_bytes: int = MAX_BYTES) -> list[ParsedSource]:
    """Discover and parse every source of a KB folder."""
    sources, _ = discover(root, load_kb_config(root), max_bytes)
    return [parse_source(root, s, max_bytes) for s in sources]


def link_kb(root: Path) -> dict[str, LinkedSource]:
    """discover → parse → link (with the vocabulary), keyed by source path."""
    linked = link([vocabulary_source(), *parse_kb(root)])
    return {ls.path: ls for ls in linked}


def entities(linked: dict[str, LinkedSource]) -> dict[str, str]:
    """{entity id: kind} over all linked sources."""
    return {e.id: e.kind for ls in linked.values() for e in ls.parsed.entities}


def relations(
    linked: dict[str, LinkedSource], predicate: str | None = None
) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) triples, optionally of one predicate."""
    return {
        (r.subject, r.predicate, r.object)
        for ls in linked.values()
        for r in ls.relations
        if predicate is None or r.predicate == predicate
    }


def findings(linked: dict[str, LinkedSource], code: str | None = None) -> list:
    return [f for ls in linked.values() for f in ls.findings if code is None or f.code == code]

"""Parsed sources cached by content hash, so an unchanged file is never parsed twice.

Each entry holds two pickles: a small *head* (what linking and change detection need:
entities, references, doc claims, findings, section anchors and the attributes conflicts
compare) and the *body* (attributes and sections). An ingest holds only names in memory and
reads a source back from here when it links or writes it, so a 100k-card KB is never in
memory whole; reading the head alone is several times cheaper than the whole parse.

The cache also gives the pipeline a file's *last good* parse when its new version fails:
the failing file keeps contributing its old entities to linking, as it does in the stores.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Iterable
from pathlib import Path

from kg.ir import Attribute, ParsedSource

# Bump when the parsers, the linker, a sink's mapping or this file's layout change what is
# written: stale parses are then not reused and every source's digest changes, so every
# store is rewritten once.
PARSER_VERSION = "7"
_PROTOCOL = pickle.HIGHEST_PROTOCOL


@dataclasses.dataclass(slots=True)
class SourceHead:
    """The part of a parsed source that linking and change detection read.

    `parsed` is the source without attributes and sections; `anchors` are (doc id, anchor)
    of its sections; `owners` the entity ids its attributes describe; `facts` its
    attributes of the cache's fact properties that have a value (what conflicts compare).
    """

    parsed: ParsedSource
    anchors: list[tuple[str, str]]
    owners: list[str]
    facts: list[Attribute]

    @property
    def path(self) -> str:
        return self.parsed.source.path


def head_of(parsed: ParsedSource, fact_properties: frozenset[str] = frozenset()) -> SourceHead:
    """The head of a parsed source (see `SourceHead`)."""
    return SourceHead(
        parsed=dataclasses.replace(parsed, attributes=[], sections=[]),
        anchors=[(s.doc, s.id.split("#", 1)[1]) for s in parsed.sections if "#" in s.id],
        owners=list(dict.fromkeys(a.entity for a in parsed.attributes)),
        facts=[
            a for a in parsed.attributes if a.property in fact_properties and a.value is not None
        ],
    )


class ParseCache:
    """A folder of cached parses keyed by (parser version, fact properties, sha256, path).

    Args:
        folder: where the entries live (created if missing).
        fact_properties: properties whose attributes the head also carries; part of the
            key, so a changed set never reads heads written for another.
    """

    def __init__(self, folder: Path, fact_properties: Iterable[str] = ()):
        self.folder = folder
        self.fact_properties = frozenset(fact_properties)
        props = "\n".join(sorted(self.fact_properties)).encode()
        self.version = f"{PARSER_VERSION}.{hashlib.sha256(props).hexdigest()[:8]}"
        folder.mkdir(parents=True, exist_ok=True)

    def _file(self, sha256: str, path: str) -> Path:
        # The path is part of the key: identical bytes at two paths parse to other ids.
        where = hashlib.sha256(path.encode()).hexdigest()[:12]
        return self.folder / f"{self.version}-{sha256}-{where}.pickle"

    def _read(self, sha256: str, path: str, whole: bool):
        f = self._file(sha256, path)
        try:
            with f.open("rb") as fh:
                head: SourceHead = pickle.load(fh)
                body = pickle.load(fh) if whole else None
        except Exception:  # a missing or corrupt entry is only a cache miss
            return None
        if not isinstance(head, SourceHead) or head.path != path:
            return None
        return head, body

    def get_head(self, sha256: str, path: str) -> SourceHead | None:
        """The cached head of this content at this path, or None."""
        found = self._read(sha256, path, whole=False)
        return found[0] if found else None

    def get(self, sha256: str, path: str) -> ParsedSource | None:
        """The cached parse of this content at this path, or None."""
        found = self._read(sha256, path, whole=True)
        if not found:
            return None
        head, (attributes, sections) = found
        return dataclasses.replace(head.parsed, attributes=attributes, sections=sections)

    def put(self, parsed: ParsedSource) -> SourceHead:
        """Store a successful parse (failed ones are never cached); returns its head."""
        head = head_of(parsed, self.fact_properties)
        if not parsed.ok:
            return head
        f = self._file(parsed.source.sha256, parsed.source.path)
        tmp = f.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(head, fh, protocol=_PROTOCOL)
            pickle.dump((parsed.attributes, parsed.sections), fh, protocol=_PROTOCOL)
        tmp.replace(f)
        return head

    def prune(self, keep: set[str]) -> None:
        """Drop entries whose hash is not in `keep` (the current and last-good versions),
        and every entry written by another parser version."""
        for f in self.folder.glob("*.pickle"):
            version, _, rest = f.stem.partition("-")
            if version != self.version or rest.split("-", 1)[0] not in keep:
                f.unlink(missing_ok=True)

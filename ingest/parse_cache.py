"""Parsed sources cached by content hash, so an unchanged file is never parsed twice.

The cache also gives the pipeline a file's *last good* parse when its new version fails:
the failing file keeps contributing its old entities to linking, as it does in the stores.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from kg.ir import ParsedSource

# Bump when the parsers, the linker or a sink's mapping change what they write: stale parses
# are then not reused and every source's digest changes, so every store is rewritten once.
PARSER_VERSION = "3"


class ParseCache:
    """A folder of pickled ParsedSource objects keyed by (parser version, sha256)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _file(self, sha256: str, path: str) -> Path:
        # The path is part of the key: identical bytes at two paths parse to other ids.
        where = hashlib.sha256(path.encode()).hexdigest()[:12]
        return self.folder / f"{PARSER_VERSION}-{sha256}-{where}.pickle"

    def get(self, sha256: str, path: str) -> ParsedSource | None:
        """The cached parse of this content at this path, or None."""
        f = self._file(sha256, path)
        if not f.exists():
            return None
        try:
            parsed: ParsedSource = pickle.loads(f.read_bytes())
        except Exception:  # a corrupt cache entry is only a cache miss
            return None
        return parsed if parsed.source.path == path else None

    def put(self, parsed: ParsedSource) -> None:
        """Store a successful parse (failed ones are never cached)."""
        if not parsed.ok:
            return
        f = self._file(parsed.source.sha256, parsed.source.path)
        tmp = f.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(f)

    def prune(self, keep: set[str]) -> None:
        """Drop entries whose hash is not in `keep` (the current and last-good versions)."""
        for f in self.folder.glob(f"{PARSER_VERSION}-*.pickle"):
            if f.stem.split("-")[1] not in keep:
                f.unlink(missing_ok=True)

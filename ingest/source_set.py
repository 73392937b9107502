"""The sources of one ingest, held as names: each parse is read back when it is needed.

An ingest holds, per source, only what the name index needs (`SourceNames`) and which cached
parse to read. Change detection reads each source's head, the sinks read the whole parse of
each changed source, one at a time, linked on the way (`LinkedStream`); so memory does not
grow with the facts of the KB, only with its names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from ingest.link_index import SourceNames
from ingest.linker import Linker
from ingest.parse_cache import ParseCache, SourceHead, head_of
from kg.errors import IngestError
from kg.ir import LinkedSource, ParsedSource, SourceFile


class SourceSet:
    """Every source taking part in linking, in order: the built-in vocabulary first, then
    each discovered file's current parse (or, for a failing file, its last good one)."""

    def __init__(self, cache: ParseCache, vocabulary: ParsedSource):
        self.cache = cache
        self.vocabulary = vocabulary
        self.files: list[SourceFile] = [vocabulary.source]
        self.names: list[SourceNames] = [SourceNames.of(vocabulary)]
        # Heads in hand from parsing, given out once (to change detection) and then read
        # from the cache again: linking needs every name first, so they cannot go sooner.
        self._heads: dict[int, SourceHead] = {}

    def add(self, head: SourceHead) -> None:
        """Take part with the parse `head` comes from (it must be in the cache)."""
        self._heads[len(self.files)] = head
        self.files.append(head.parsed.source)
        self.names.append(SourceNames.of(head.parsed, head.anchors))

    def __len__(self) -> int:
        return len(self.files)

    def path(self, i: int) -> str:
        return self.files[i].path

    def head(self, i: int) -> SourceHead:
        """The head of source `i` (the one in hand from parsing the first time, then read
        from the cache)."""
        if i == 0:
            return head_of(self.vocabulary, self.cache.fact_properties)
        head = self._heads.pop(i, None)
        if head is not None:
            return head
        f = self.files[i]
        head = self.cache.get_head(f.sha256, f.path)
        if head is None:
            raise _lost(f)
        return head

    def parsed(self, i: int) -> ParsedSource:
        """The whole parse of source `i`, read from the cache."""
        if i == 0:
            return self.vocabulary
        f = self.files[i]
        parsed = self.cache.get(f.sha256, f.path)
        if parsed is None:
            raise _lost(f)
        return parsed

    def linker(self) -> Linker:
        """A linker over the names of every source."""
        return Linker(self.names)


def _lost(f: SourceFile) -> IngestError:
    return IngestError(
        f"{f.path}: its parse left the parse cache during the ingest (another ingest of "
        "the same state folder?) — run the ingest again"
    )


class LinkedStream:
    """Some sources of a `SourceSet`, linked as they are read; can be read more than once.

    `paths` names them up front, so a sink can drop their old rows or graphs before the
    first one is read.
    """

    def __init__(
        self,
        sources: SourceSet,
        linker: Linker,
        positions: list[int],
        on_read: Callable[[LinkedSource], None] | None = None,
    ):
        self.sources, self.linker, self.positions = sources, linker, positions
        self.on_read = on_read
        self.paths = [sources.path(i) for i in positions]

    def __iter__(self) -> Iterator[LinkedSource]:
        for i in self.positions:
            linked = self.linker.link(i, self.sources.parsed(i))
            if self.on_read is not None:
                self.on_read(linked)
            yield linked

    def watched(self, on_read: Callable[[LinkedSource], None]) -> LinkedStream:
        """The same sources; `on_read` sees each one as a reader reads it, so a second
        sink can be written from the same read."""
        return LinkedStream(self.sources, self.linker, self.positions, on_read)

    def only(self, paths: Iterable[str]) -> LinkedStream:
        """The sources of this stream named in `paths`."""
        wanted = set(paths)
        keep = [i for i, p in zip(self.positions, self.paths, strict=True) if p in wanted]
        return LinkedStream(self.sources, self.linker, keep, self.on_read)

    def __len__(self) -> int:
        return len(self.positions)

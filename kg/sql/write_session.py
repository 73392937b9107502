"""One ingest's SQL write, open while the other sinks stage the new generation.

The transaction opens first and drops the old rows of the changed sources; each source's new
rows are written as the RDF sink reads that source (`add`), so the changed sources are read
and linked once for both sinks; `commit` records the generation, the single switch point.
Leaving the block without `commit` rolls everything back.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from kg.ir import Conflict, Finding, LinkedSource, SourceFile
from kg.sql.source_rows import SourceRows
from kg.sql.store_write import begin_changes, finish_changes


class WriteSession:
    """A context manager around one ingest's SQL transaction.

    Args:
        store: the `SqlStore` written to.
        paths: the sources whose rows are replaced, named before any is read.
        digests: per-path digest recorded with each written source.
        deleted: paths whose rows are removed.
        generation: the generation recorded on commit.
    """

    def __init__(
        self,
        store,
        paths: Sequence[str],
        digests: dict[str, str],
        deleted: Sequence[str],
        generation: str,
    ):
        self.store, self.paths, self.digests = store, list(paths), digests
        self.deleted, self.generation = list(deleted), generation
        self.written: set[str] = set()
        self.seconds = 0.0  # time spent writing SQL, for the report's stage timings
        self._conn = self._tx = self._rows = None

    def __enter__(self) -> WriteSession:
        t = time.perf_counter()
        self._conn = self.store.engine.connect()
        self._tx = self._conn.begin()
        begin_changes(self._conn, self.paths, self.deleted)
        self._rows = SourceRows(self._conn, self.digests, self.generation)
        self.seconds += time.perf_counter() - t
        return self

    def add(self, linked: LinkedSource) -> None:
        """Write one changed source's rows (a source seen again is written once)."""
        if linked.path in self.written:
            return
        t = time.perf_counter()
        self.written.add(linked.path)
        self._rows.add(linked)
        self.seconds += time.perf_counter() - t

    def missing(self) -> list[str]:
        """Changed sources whose rows are not written yet."""
        return [p for p in self.paths if p not in self.written]

    def commit(
        self, failed: list[tuple[SourceFile, list[Finding]]], conflicts: list[Conflict] | None
    ) -> None:
        """Finish the write and commit: the new generation becomes current for readers."""
        t = time.perf_counter()
        if self.missing():
            raise RuntimeError(f"{len(self.missing())} changed sources were never written")
        finish_changes(self._conn, self._rows, failed, conflicts, self.generation)
        self._tx.commit()
        self._tx = None
        self.store._suggest_cache = None  # as SqlStore.apply: suggestions follow the new rows
        self.seconds += time.perf_counter() - t

    def __exit__(self, *exc) -> None:
        if self._tx is not None:
            self._tx.rollback()
        if self._conn is not None:
            self._conn.close()

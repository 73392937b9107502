"""`RdfStore`: on-disk pyoxigraph stores, one folder per generation, switched atomically.

A new generation starts as a RocksDB checkpoint of its base (``Store.backup``: hard links to
the base's immutable files, so it costs milliseconds, not a rewrite), then only the named
graphs of changed sources are dropped and bulk-inserted. Readers of the base generation
keep their read-only handles and never see the new one until the caller switches to it.
"""

from __future__ import annotations

import gc
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store

from kg.rdf.terms import iri, source_iri
from kg.vocab import DEFAULT_BASE_IRI

_GEN = re.compile(r"^gen-(.+)$")
# Below this many quads a transactional `extend` beats writing new SST files.
_BULK_THRESHOLD = 50_000
# A cold build streams every source's quads into one `bulk_extend` (the loader batches
# internally: 1.5 GB peak at 4M and at 8M quads); materialising the 3.6M quads of 10k cards
# first had held 2 GB more. Measured at 10k cards: streamed 24 s, lists of 1M quads 37 s.
# A change on top of a base goes in batches of about this many quads, each preceded by
# dropping the graphs it replaces.
_BATCH = 1_000_000
_PATH = iri("nokg:path")


class RdfStore:
    """The RDF sink of one state folder.

    Args:
        root: folder holding ``gen-<generation>/`` stores.
        base_iri: base of the source graph IRIs made by `graph_iri`. Dropping a deleted
            source's graph does not depend on it: graphs are matched by their
            ``/source/<path>`` suffix, so a KB whose base IRI changed is still cleaned.
    """

    def __init__(self, root: Path, base_iri: str = DEFAULT_BASE_IRI):
        self.root = Path(root)
        self.base_iri = base_iri.rstrip("/")
        self._readers: dict[str, Store] = {}
        self._lock = threading.Lock()

    def path_of(self, generation: str) -> Path:
        """Folder of a generation's store."""
        if not generation or "/" in generation or generation in (".", ".."):
            raise ValueError(f"invalid generation name {generation!r}")
        return self.root / f"gen-{generation}"

    def has_generation(self, generation: str) -> bool:
        """True when a store folder exists for `generation`."""
        return self.path_of(generation).is_dir()

    def generations(self) -> list[str]:
        """Names of the generations on disk, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(
            m.group(1) for d in self.root.iterdir() if d.is_dir() and (m := _GEN.match(d.name))
        )

    def graph_iri(self, path: str) -> NamedNode:
        """The named graph of a source path."""
        return NamedNode(source_iri(self.base_iri, path))

    def stage(
        self,
        base_generation: str | None,
        new_generation: str,
        upserts: Mapping[str, Iterable[Quad]],
        deleted: Iterable[str],
    ) -> Path:
        """Build generation `new_generation` and return its folder; the base is not touched.

        Args:
            base_generation: generation to start from (None, or missing on disk: cold build).
            new_generation: name of the generation to create (an old staging is replaced).
            upserts: per source path, the complete quads of that source. Every graph the
                key names (``graph_iri(key)``) or the quads use is replaced, so a
                non-path key such as ``"<vocabulary>"`` can carry the vocabulary graph.
                Values are read once, in order, so a lazy mapping keeps memory bounded.
            deleted: source paths whose graphs are dropped.
        """
        target = self.path_of(new_generation)
        if base_generation == new_generation:
            raise ValueError("the new generation must differ from its base")
        self._forget(new_generation)
        if target.exists():
            shutil.rmtree(target)  # a staging left by a failed run
        self.root.mkdir(parents=True, exist_ok=True)
        base = self.path_of(base_generation) if base_generation else None
        cold = base is None or not base.is_dir()
        if not cold:
            self.open_read(base_generation).backup(str(target))
        store = Store(str(target))
        if cold:
            store.bulk_extend(q for quads in upserts.values() for q in quads)
            store.flush()
            del store
            return target
        for graph in self._graphs_to_drop(store, upserts, deleted):
            store.remove_graph(graph)
        for quads, graphs in _batches(upserts.items(), _BATCH):
            # A source's graph may differ from graph_iri(key) (e.g. the vocabulary graph).
            for graph in graphs:
                if store.contains_named_graph(graph):
                    store.remove_graph(graph)
            if len(quads) >= _BULK_THRESHOLD:
                store.bulk_extend(quads)
            else:
                store.extend(quads)
        store.flush()
        del store  # release the RocksDB lock before anyone opens the folder read-only
        return target

    def _graphs_to_drop(
        self, store: Store, upserts: Mapping[str, Iterable[Quad]], deleted: Iterable[str]
    ) -> set[NamedNode]:
        """Graphs of the upserted and deleted paths (the quads' own graphs go per batch)."""
        paths = set(upserts) | set(deleted)
        drop = {self.graph_iri(p) for p in paths}
        # Each source graph names its own path (`<g> nokg:path "p"`): look that up too, so the
        # right graphs go even when they were written under another base IRI.
        for p in paths:
            for q in store.quads_for_pattern(None, _PATH, Literal(p)):
                if q.subject == q.graph_name:
                    drop.add(q.graph_name)
        return {g for g in drop if store.contains_named_graph(g)}

    def open_read(self, generation: str) -> Store:
        """A read-only handle on a generation, opened once and cached."""
        with self._lock:
            store = self._readers.get(generation)
            if store is None:
                path = self.path_of(generation)
                if not path.is_dir():
                    raise FileNotFoundError(f"no RDF store for generation {generation!r} at {path}")
                store = Store.read_only(str(path))
                self._readers[generation] = store
            return store

    def _forget(self, generation: str) -> None:
        with self._lock:
            self._readers.pop(generation, None)

    def gc(self, keep: set[str]) -> list[str]:
        """Delete every generation folder not in `keep`; returns the names removed."""
        removed = []
        for gen in self.generations():
            if gen in keep:
                continue
            self._forget(gen)
            _remove_tree(self.path_of(gen))
            removed.append(gen)
        return removed


def _remove_tree(path: Path, tries: int = 5) -> None:
    """Delete a store folder. A store a failed run just staged may still be closing (its
    object held by the failure's traceback, RocksDB threads writing a last file), so a
    folder that is not empty yet is collected and tried again."""
    for attempt in range(tries):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        gc.collect()  # drop the last reference to the store, which closes it
        time.sleep(0.05 * (attempt + 1))


def _batches(
    items: Iterable[tuple[str, Iterable[Quad]]], size: int
) -> Iterator[tuple[list[Quad], set[NamedNode]]]:
    """Whole sources' quads in batches of at least `size` (the last may be smaller), with
    the named graphs each batch writes; a source never straddles two batches."""
    batch: list[Quad] = []
    graphs: set[NamedNode] = set()
    for _, quads in items:
        for q in quads:
            batch.append(q)
            if isinstance(q.graph_name, NamedNode):
                graphs.add(q.graph_name)
        if len(batch) >= size:
            yield batch, graphs
            batch, graphs = [], set()
    if batch:
        yield batch, graphs

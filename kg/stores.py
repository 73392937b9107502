"""The stores of one KB instance, opened from settings, and the staging of a new generation.

Layout of the state folder:
    kg.sqlite             SQL store (unless KG_DATABASE_URL points elsewhere)
    rdf/gen-<id>/         one on-disk pyoxigraph store per generation (or, with
                          KG_SPARQL__REMOTE_URL, a SPARQL server: kg.rdf.remote)
    index/<id>/           retrieval index (chunks, FAISS, BM25) per generation
    embeddings/           embedding cache by content hash (shared by generations)
    parse-cache/          parsed sources by content hash
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from kg.ir import LinkedSource
from kg.rdf.mapping import quads_for, vocabulary_quads
from kg.rdf.store import RdfStore
from kg.settings import Settings
from kg.sql.store import SqlStore


class Stores:
    """SQL, RDF and retrieval index of one state folder."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.state = settings.state_dir()
        self.state.mkdir(parents=True, exist_ok=True)
        self.sql = SqlStore(settings.sql_url())
        self.sql.migrate()
        self.base_iri = _base_iri(settings)
        self.remote = settings.sparql.remote_url is not None
        if self.remote:
            from kg.rdf.remote import RemoteRdfStore

            self.rdf = RemoteRdfStore(
                settings.sparql.remote_url, self.state / "rdf-remote", base_iri=self.base_iri
            )
        else:
            self.rdf = RdfStore(self.state / "rdf", base_iri=self.base_iri)
        self._index = None
        self._index_generation: str | None = None

    # -- writing a generation -------------------------------------------------------------
    def stage_rdf(
        self,
        previous: str | None,
        generation: str,
        upserts: Iterable[LinkedSource],
        deleted: list[str],
        base_iri: str,
        kinds: Mapping[str, str],
    ) -> None:
        """Stage generation `generation` of the RDF store: `previous` plus the graphs of
        `upserts` (a list, or a stream with ``paths``, read once), minus `deleted`."""
        if self.remote:  # the server must hold `previous`: kg.rdf.remote checks, never guesses
            base = previous
        else:
            base = previous if previous and self.rdf.has_generation(previous) else None
        # `kinds` covers every entity of the KB, so links into other files get the right IRI.
        graphs = _SourceQuads(upserts, base_iri, kinds)
        graphs.vocabulary = base is None
        self.rdf.stage(base, generation, graphs, deleted)

    def stage_index(self, generation: str, linked: Iterable[LinkedSource], progress) -> None:
        """Build the retrieval index of `generation` from every linked source of the KB
        (a list, or a stream that can be read more than once)."""
        if not self.settings.retrieval.embed:
            return
        from retrieval.build import build_generation_index

        build_generation_index(self.settings, self.index_dir(generation), linked, progress)

    def index_is_stale(self, generation: str | None) -> bool:
        """Whether the current generation's index was built by other chunking code or another
        embedder than configured (or is missing although embedding is on)."""
        if generation is None or not self.settings.retrieval.embed:
            return False
        from retrieval.build import generation_index_is_current

        return not generation_index_is_current(self.settings, self.index_dir(generation))

    def restage_index(self, generation: str, linked: Iterable[LinkedSource], progress) -> None:
        """Rebuild the index of an existing generation: built beside it, then swapped in, so a
        failed rebuild leaves the old index in place."""
        final = self.index_dir(generation)
        fresh, old = final.with_name(generation + ".new"), final.with_name(generation + ".old")
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        from retrieval.build import build_generation_index

        try:
            build_generation_index(self.settings, fresh, linked, progress)
        except Exception:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        if final.exists():
            final.rename(old)
        fresh.rename(final)
        shutil.rmtree(old, ignore_errors=True)
        self._index = None  # loaded again on next use

    def discard(self, generation: str) -> None:
        """Remove a staged generation that never became current."""
        if self.remote:
            self.rdf.rollback(generation)  # a server has no generations: undo the update
        else:
            self.rdf.gc(keep=set(self.rdf.generations()) - {generation})
        shutil.rmtree(self.index_dir(generation), ignore_errors=True)

    def collect_garbage(self, keep: set[str]) -> None:
        """Keep the current and previous generations (readers may still hold the previous)."""
        self.rdf.gc(keep=keep)
        root = self.state / "index"
        if root.is_dir():
            for d in root.iterdir():
                if d.name not in keep:
                    shutil.rmtree(d, ignore_errors=True)

    # -- reading the current generation -----------------------------------------------------
    def index_dir(self, generation: str) -> Path:
        return self.state / "index" / generation

    def current_generation(self) -> str | None:
        return self.sql.current_generation()

    def rdf_read(self):
        """A read-only pyoxigraph store of the current generation."""
        gen = self.current_generation()
        return None if gen is None else self.rdf.open_read(gen)

    def retrieval_index(self):
        """The retrieval index of the current generation, loaded once per generation."""
        gen = self.current_generation()
        if gen is None:
            return None
        if self._index is None or self._index_generation != gen:
            from retrieval.build import load_generation_index

            self._index = load_generation_index(self.settings, self.index_dir(gen))
            self._index_generation = gen
        return self._index


class _SourceQuads(Mapping):
    """path -> that source's quads, mapped when read. Iterating the items reads `upserts`
    once, in order, so a cold load of 100k cards streams through the RDF sink one source at
    a time (read from the parse cache, linked, mapped) instead of holding the KB whole."""

    def __init__(
        self, upserts: Iterable[LinkedSource], base_iri: str, kinds: Mapping[str, str]
    ) -> None:
        paths = getattr(upserts, "paths", None)
        if paths is None:  # a list in hand
            upserts = list(upserts)
            paths = [ls.path for ls in upserts]
        self.upserts, self.paths = upserts, list(paths)
        self.base_iri, self.kinds = base_iri, kinds
        self.vocabulary = False  # also (re)write the vocabulary graph, as "<vocabulary>"

    def _quads(self, linked: LinkedSource) -> list:
        return quads_for(linked, self.base_iri, self.kinds)

    def __getitem__(self, path: str) -> list:
        if path == "<vocabulary>" and self.vocabulary:
            return vocabulary_quads(self.base_iri)
        for linked in self.upserts:
            if linked.path == path:
                return self._quads(linked)
        raise KeyError(path)

    def items(self) -> Iterator[tuple[str, list]]:  # type: ignore[override]
        for linked in self.upserts:
            yield linked.path, self._quads(linked)
        if self.vocabulary:
            yield "<vocabulary>", vocabulary_quads(self.base_iri)

    def values(self) -> Iterator[list]:  # type: ignore[override]
        return (quads for _, quads in self.items())

    def __iter__(self) -> Iterator[str]:
        yield from self.paths
        if self.vocabulary:
            yield "<vocabulary>"

    def __len__(self) -> int:
        return len(self.paths) + self.vocabulary


def _base_iri(settings: Settings) -> str:
    """The KB's base IRI: settings, else kg.toml, else the built-in default."""
    from ingest.kb_config import load_kb_config
    from ingest.pipeline import base_iri_for

    kb = Path(settings.kb)
    config_base = load_kb_config(kb).base_iri if kb.is_dir() else None
    return base_iri_for(settings, config_base)

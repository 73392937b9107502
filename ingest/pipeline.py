"""The ingest pipeline: discover → parse (cached) → link → write every sink, atomically.

Incremental: a file is parsed only when its content hash is new, and a source's rows and
named graph are rewritten only when its linked content changed (a per-source digest), so a
re-ingest with no change writes nothing. Atomic: RDF and index are staged as a new
generation; the SQL transaction that records the generation is the single switch point, so
a failure anywhere leaves the previous generation current in every store.

Memory stays with the names of the KB, not its facts: parses go to the parse cache as they
are made, linking resolves against a name index, and change detection and every sink read
the sources back one at a time (`ingest.source_set`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.changes import scan, source_digest
from ingest.conflicts import COMPARABLE, INHERITED_FROM_PAPER, find_conflicts
from ingest.discover import discover
from ingest.kb_config import load_kb_config
from ingest.parse import parse_source
from ingest.parse_cache import ParseCache
from ingest.source_set import LinkedStream, SourceSet
from ingest.vocab_source import vocabulary_source
from kg.errors import IngestError
from kg.ir import Finding, SourceFile
from kg.settings import Settings
from kg.sql.write_session import WriteSession
from kg.vocab import DEFAULT_BASE_IRI

__all__ = ["IngestReport", "Pipeline", "base_iri_for", "source_digest"]

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass
class IngestReport:
    """What one ingest did: counts, per-stage timings and the findings."""

    generation: str | None
    sources: int = 0
    parsed: int = 0
    upserted: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    reindexed: bool = False  # no source changed, but the index was rebuilt (new chunking)

    @property
    def changed(self) -> bool:
        return bool(self.upserted or self.deleted or self.failed)


def base_iri_for(settings: Settings, config_base: str | None) -> str:
    return (settings.base_iri or config_base or DEFAULT_BASE_IRI).rstrip("/")


class Pipeline:
    """One ingest run over `settings.kb` into the stores of `settings.state_dir()`."""

    def __init__(self, settings: Settings, stores, progress: Progress | None = None):
        self.settings = settings
        self.stores = stores  # kg.stores.Stores: sql, rdf, index builder
        self.progress = progress or (lambda stage, done, total: None)
        # Heads carry the facts conflicts compare, so conflicts need no whole parse.
        facts = COMPARABLE | set(INHERITED_FROM_PAPER)
        self.cache = ParseCache(settings.state_dir() / "parse-cache", facts)

    def run(self) -> IngestReport:
        t0 = time.perf_counter()
        kb_root = Path(self.settings.kb).resolve()
        if not kb_root.is_dir():
            raise IngestError(
                f"{kb_root}: the KB folder does not exist — pass --kb DIR or set KG_KB"
            )
        config = load_kb_config(kb_root)
        base_iri = base_iri_for(self.settings, config.base_iri)
        sql = self.stores.sql
        report = IngestReport(generation=sql.current_generation())

        sources, discovery_findings = discover(kb_root, config, self.settings.max_file_bytes)
        report.sources = len(sources)
        report.timings["discover"] = time.perf_counter() - t0

        t = time.perf_counter()
        states = sql.source_states()
        kb, failed = self._parse_all(kb_root, sources, states, report)
        report.timings["parse"] = time.perf_counter() - t

        t = time.perf_counter()
        linker = kb.linker()
        found = scan(kb, linker, states, failed_paths(failed))
        known = {s.path for s in sources} | {"<vocab>"}
        deleted = sorted(p for p in states if p not in known and not p.startswith("<discovery>"))
        failed += _discovery_failures(discovery_findings, states)
        report.timings["link"] = time.perf_counter() - t
        report.findings = found.findings + [f for _, fs in failed for f in fs]

        if not (found.upserts or deleted or _failures_changed(failed, states)):
            current = sql.current_generation()
            if self.stores.index_is_stale(current):
                t = time.perf_counter()
                everything = LinkedStream(kb, linker, list(range(len(kb))))
                self.stores.restage_index(current, everything, self.progress)
                report.timings["index"] = time.perf_counter() - t
                report.reindexed = True
            report.timings["total"] = time.perf_counter() - t0
            report.counts = sql.stats().get("entities", {})
            return report  # no source changed: write nothing more

        t = time.perf_counter()
        conflicts = find_conflicts(found.facts)
        found.facts = []  # the write below holds no fact of a source it is not writing
        upserts = LinkedStream(kb, linker, found.upserts)
        generation = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        previous = sql.current_generation()
        try:
            with WriteSession(sql, upserts.paths, found.digests, deleted, generation) as rows:
                # RDF reads each changed source once; its SQL rows are written on that read.
                self.progress("write", 0, 3)
                self.stores.stage_rdf(
                    previous, generation, upserts.watched(rows.add), deleted, base_iri, linker.kinds
                )
                report.timings["rdf"] = time.perf_counter() - t - rows.seconds
                self.progress("write", 1, 3)
                t = time.perf_counter()
                everything = LinkedStream(kb, linker, list(range(len(kb))))
                self.stores.stage_index(generation, everything, self.progress)
                report.timings["index"] = time.perf_counter() - t
                self.progress("write", 2, 3)
                for linked in upserts.only(rows.missing()):  # a sink that read none of them
                    rows.add(linked)
                # The SQL commit records the new generation: the one switch point for readers.
                rows.commit(failed, conflicts)
                report.timings["sql"] = rows.seconds
                self.progress("write", 3, 3)
        except Exception as exc:
            self.stores.discard(generation)
            raise IngestError(
                f"ingest failed while writing ({type(exc).__name__}: {exc}); "
                "the previous graph stays current in every store"
            ) from exc
        self.stores.collect_garbage(keep={generation, previous} - {None})
        self.cache.prune({s.sha256 for s in sources} | {st.sha256 for st in states.values()})

        report.generation = generation
        report.upserted = upserts.paths
        report.deleted = deleted
        report.failed = [sf.path for sf, _ in failed]
        report.counts = sql.stats().get("entities", {})
        report.timings["total"] = time.perf_counter() - t0
        return report

    def _parse_all(self, kb_root: Path, sources: list[SourceFile], states, report: IngestReport):
        """Parse new content into the cache (an unchanged file's head is read back); a
        failing file takes part with its last good parse. Returns the KB's names."""
        kb = SourceSet(self.cache, vocabulary_source())
        failed: list[tuple[SourceFile, list[Finding]]] = []
        for i, src in enumerate(sources):
            self.progress("parse", i, len(sources))
            head = self.cache.get_head(src.sha256, src.path)
            if head is None:
                head = self.cache.put(parse_source(kb_root, src, self.settings.max_file_bytes))
                report.parsed += 1
            if head.parsed.ok:
                kb.add(head)
                continue
            failed.append((src, head.parsed.findings))
            previous = states.get(src.path)
            last_good = self.cache.get_head(previous.sha256, src.path) if previous else None
            if last_good is not None:
                kb.add(last_good)  # its old entities still resolve references
        self.progress("parse", len(sources), len(sources))
        return kb, failed


def failed_paths(failed) -> set[str]:
    return {sf.path for sf, _ in failed}


def _discovery_failures(findings: list[Finding], states) -> list[tuple[SourceFile, list[Finding]]]:
    """Files refused at discovery (too big, links outside the root) reported like failed parses."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        by_path.setdefault(f.source, []).append(f)
    return [
        (SourceFile(path=p, kind="refused", sha256=""), fs) for p, fs in sorted(by_path.items())
    ]


def _failures_changed(failed, states) -> bool:
    """A failed file is news only when its content (hash) differs from what was recorded."""
    for sf, _ in failed:
        st = states.get(sf.path)
        if st is None or st.ok or st.failed_sha256 != sf.sha256:
            return True
    return False

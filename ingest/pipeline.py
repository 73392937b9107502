"""The ingest pipeline: discover → parse (cached) → link → write every sink, atomically.

Incremental: a file is parsed only when its content hash is new, and a source's rows and
named graph are rewritten only when its linked content changed (a per-source digest), so a
re-ingest with no change writes nothing. Atomic: RDF and index are staged as a new
generation; the SQL transaction that records the generation is the single switch point, so
a failure anywhere leaves the previous generation current in every store.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.conflicts import find_conflicts
from ingest.discover import discover
from ingest.kb_config import load_kb_config
from ingest.linker import link
from ingest.parse import parse_source
from ingest.parse_cache import PARSER_VERSION, ParseCache
from ingest.vocab_source import vocabulary_source
from kg.errors import IngestError
from kg.ir import Finding, LinkedSource, ParsedSource, SourceFile
from kg.settings import Settings
from kg.vocab import DEFAULT_BASE_IRI

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

    @property
    def changed(self) -> bool:
        return bool(self.upserted or self.deleted or self.failed)


def source_digest(linked: LinkedSource, kinds: dict[str, str]) -> str:
    """A hash of everything a source contributes to the stores (after linking).

    The kinds of the entities it points at are included: they are part of the IRIs its
    graph holds, so a card that changes kind elsewhere rewrites the graphs linking to it.
    """
    p = linked.parsed
    targets = sorted({r.object for r in linked.relations} | {a.entity for a in p.attributes})
    payload = repr(
        (
            PARSER_VERSION,
            p.source.kind,
            p.entities,
            p.attributes,
            p.sections,
            linked.relations,
            linked.findings,
            [kinds.get(t) for t in targets],
        )
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def base_iri_for(settings: Settings, config_base: str | None) -> str:
    return (settings.base_iri or config_base or DEFAULT_BASE_IRI).rstrip("/")


class Pipeline:
    """One ingest run over `settings.kb` into the stores of `settings.state_dir()`."""

    def __init__(self, settings: Settings, stores, progress: Progress | None = None):
        self.settings = settings
        self.stores = stores  # kg.stores.Stores: sql, rdf, index builder
        self.progress = progress or (lambda stage, done, total: None)
        self.cache = ParseCache(settings.state_dir() / "parse-cache")

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
        parsed, failed = self._parse_all(kb_root, sources, states, report)
        report.timings["parse"] = time.perf_counter() - t

        t = time.perf_counter()
        linked = link([vocabulary_source(), *parsed])
        kinds = {e.id: e.kind for ls in linked for e in ls.parsed.entities}
        digests = {ls.path: source_digest(ls, kinds) for ls in linked}
        upserts = [
            ls
            for ls in linked
            if ls.path not in failed_paths(failed) and _changed(ls, digests, states)
        ]
        known = {s.path for s in sources} | {"<vocab>"}
        deleted = sorted(p for p in states if p not in known and not p.startswith("<discovery>"))
        failed += _discovery_failures(discovery_findings, states)
        report.timings["link"] = time.perf_counter() - t
        report.findings = [f for ls in linked for f in ls.findings] + [
            f for _, fs in failed for f in fs
        ]

        if not (upserts or deleted or _failures_changed(failed, states)):
            report.timings["total"] = time.perf_counter() - t0
            report.counts = sql.stats().get("entities", {})
            return report  # nothing changed: write nothing

        t = time.perf_counter()
        conflicts = find_conflicts(linked)
        generation = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        previous = sql.current_generation()
        try:
            self.progress("write", 0, 3)
            self.stores.stage_rdf(previous, generation, upserts, deleted, base_iri, kinds)
            report.timings["rdf"] = time.perf_counter() - t
            self.progress("write", 1, 3)
            t = time.perf_counter()
            self.stores.stage_index(generation, linked, self.progress)
            report.timings["index"] = time.perf_counter() - t
            self.progress("write", 2, 3)
            t = time.perf_counter()
            # The SQL commit records the new generation: the one switch point for readers.
            sql.apply(upserts, digests, deleted, failed, conflicts, generation)
            report.timings["sql"] = time.perf_counter() - t
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
        report.upserted = [ls.path for ls in upserts]
        report.deleted = deleted
        report.failed = [sf.path for sf, _ in failed]
        report.counts = sql.stats().get("entities", {})
        report.timings["total"] = time.perf_counter() - t0
        return report

    def _parse_all(self, kb_root: Path, sources: list[SourceFile], states, report: IngestReport):
        """Parse new content; reuse cached parses; a failing file falls back to its last good parse."""
        parsed: list[ParsedSource] = []
        failed: list[tuple[SourceFile, list[Finding]]] = []
        for i, src in enumerate(sources):
            self.progress("parse", i, len(sources))
            ps = self.cache.get(src.sha256, src.path)
            if ps is None:
                ps = parse_source(kb_root, src, self.settings.max_file_bytes)
                report.parsed += 1
                self.cache.put(ps)
            if ps.ok:
                parsed.append(ps)
                continue
            failed.append((src, ps.findings))
            previous = states.get(src.path)
            last_good = self.cache.get(previous.sha256, src.path) if previous else None
            if last_good is not None:
                parsed.append(last_good)  # its old entities still resolve references
        self.progress("parse", len(sources), len(sources))
        return parsed, failed


def failed_paths(failed) -> set[str]:
    return {sf.path for sf, _ in failed}


def _changed(ls: LinkedSource, digests: dict[str, str], states) -> bool:
    state = states.get(ls.path)
    return state is None or not state.ok or state.digest != digests[ls.path]


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

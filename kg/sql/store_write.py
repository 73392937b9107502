"""The write half of the SQL store: one ingest's changes, in the caller's transaction.

`begin_changes` drops the old rows of every changed and deleted source, `SourceRows`
(`kg.sql.source_rows`) writes the new ones as the sources are read, `finish_changes`
records failures, conflicts and the new generation. `apply_changes` does all three.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from kg.ir import Conflict, Finding, LinkedSource, SourceFile
from kg.sql.models import (
    SOURCE_TABLES,
    ConflictRecord,
    FindingRecord,
    SourceRecord,
    StateRecord,
    encode_value,
)
from kg.sql.source_rows import SourceRows, chunks, error_text, finding_rows, insert_rows

# Bound the number of bound parameters per statement (SQLite and psycopg both have limits).
_IN_CHUNK = 500
# After a bulk load the planner's statistics are stale (PostgreSQL picked sequential scans
# over the alias index until autovacuum caught up); refresh them in the same transaction.
_ANALYZE_MIN_ROWS = 50_000


def _delete_sources(conn: Connection, paths: Sequence[str]) -> None:
    """Delete every per-source row of `paths` (not their `sources` rows)."""
    for batch in chunks(sorted(set(paths)), _IN_CHUNK):
        for table in SOURCE_TABLES:
            conn.execute(delete(table).where(table.c.source.in_(batch)))


def _conflict_rows(conflicts: Iterable[Conflict]) -> list[dict[str, Any]]:
    rows = []
    for c in conflicts:
        for a in c.values:
            text, num = encode_value(a.value, a.datatype)
            rows.append(
                {
                    "entity": c.entity,
                    "property": c.property,
                    "source": a.prov.source,
                    "path": a.path,
                    "raw": str(a.raw),
                    "value_text": text,
                    "value_num": num,
                    "value_type": a.datatype,
                    "line_start": a.prov.line_start,
                    "line_end": a.prov.line_end,
                }
            )
    return rows


def _mark_failed(
    conn: Connection, failed: list[tuple[SourceFile, list[Finding]]], generation: str
) -> None:
    """Failed sources keep their rows and last good hashes; only findings/ok/error change."""
    src = SourceRecord.__table__
    fnd = FindingRecord.__table__
    for batch in chunks(sorted({f.path for f, _ in failed}), _IN_CHUNK):
        conn.execute(delete(fnd).where(fnd.c.source.in_(batch)))
    known = {
        row.path
        for batch in chunks([f.path for f, _ in failed], _IN_CHUNK)
        for row in conn.execute(select(src.c.path).where(src.c.path.in_(batch)))
    }
    new_rows, new_findings = [], []
    for file, findings in failed:
        new_findings.extend(finding_rows(file.path, findings))
        error = error_text(findings) or "the file could not be parsed"
        if file.path in known:
            conn.execute(
                update(src)
                .where(src.c.path == file.path)
                .values(ok=False, error=error, generation=generation, failed_sha256=file.sha256)
            )
        else:
            new_rows.append(
                {
                    "path": file.path,
                    "kind": file.kind,
                    "sha256": file.sha256,
                    "digest": None,
                    "ok": False,
                    "error": error,
                    "generation": generation,
                    "failed_sha256": file.sha256,
                }
            )
    insert_rows(conn, src, new_rows)
    insert_rows(conn, fnd, new_findings)


def begin_changes(conn: Connection, paths: Sequence[str], deleted: Sequence[str]) -> None:
    """Delete every row of the sources in `paths` (rewritten) and `deleted` (gone).

    All old rows go before any new one is written, since an id may move between files.
    """
    _delete_sources(conn, [*paths, *deleted])
    src = SourceRecord.__table__
    for batch in chunks(sorted(set(paths) | set(deleted)), _IN_CHUNK):
        conn.execute(delete(src).where(src.c.path.in_(batch)))


def finish_changes(
    conn: Connection,
    rows: SourceRows,
    failed: list[tuple[SourceFile, list[Finding]]],
    conflicts: list[Conflict] | None,
    generation: str,
) -> None:
    """Write the last rows, mark failed sources, replace conflicts, record the generation."""
    rows.flush()
    if failed:
        _mark_failed(conn, failed, generation)
    if conflicts is not None:
        conn.execute(delete(ConflictRecord.__table__))
        insert_rows(conn, ConflictRecord.__table__, _conflict_rows(conflicts))
    state = StateRecord.__table__
    conn.execute(delete(state).where(state.c.key == "generation"))
    conn.execute(insert(state).values(key="generation", value=generation))
    if rows.written >= _ANALYZE_MIN_ROWS:
        _analyze(conn)


def apply_changes(
    conn: Connection,
    upserts: Iterable[LinkedSource],
    digests: dict[str, str],
    deleted: list[str],
    failed: list[tuple[SourceFile, list[Finding]]],
    conflicts: list[Conflict] | None,
    generation: str,
) -> None:
    """Write one ingest's changes on `conn`; the caller owns the transaction.

    `upserts` is read once, in order: a list, or a stream with a ``paths`` attribute naming
    its sources up front.
    """
    paths = getattr(upserts, "paths", None)
    if paths is None:
        upserts = list(upserts)
        paths = [ls.path for ls in upserts]
    begin_changes(conn, paths, deleted)
    rows = SourceRows(conn, digests, generation)
    for linked in upserts:
        rows.add(linked)
    finish_changes(conn, rows, failed, conflicts, generation)


def _analyze(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for table in (*SOURCE_TABLES, SourceRecord.__table__):
            conn.exec_driver_sql(f'ANALYZE "{table.name}"')
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        conn.exec_driver_sql("ANALYZE")

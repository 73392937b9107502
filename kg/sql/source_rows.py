"""The rows one ingest writes for its changed sources, built from linked sources.

Rows are plain dicts inserted with executemany (SQLite) or COPY (PostgreSQL), never through
per-row ORM flushes, and written out in batches as they grow, so upserting 100k sources
never holds all their rows at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert

from kg.ir import Finding, LinkedSource
from kg.sql.models import (
    SOURCE_TABLES,
    AliasRecord,
    AttributeRecord,
    EntityRecord,
    FindingRecord,
    RelationRecord,
    SectionRecord,
    SourceRecord,
    encode_value,
    normalise_key,
)

_INSERT_BATCH = 20_000
_COPY_MIN_ROWS = 1_000
# Rows held before they are written: about 70 MB of row dicts.
_FLUSH_ROWS = 100_000


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _copy(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY inside the open transaction: ~4x faster than executemany here."""
    cols = list(rows[0])
    json_cols = {c for c in cols if isinstance(table.c[c].type, JSON)}
    names = ", ".join(f'"{c}"' for c in cols)
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_cols else row[c] for c in cols])


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if conn.dialect.name == "postgresql" and len(rows) >= _COPY_MIN_ROWS:
        _copy(conn, table, rows)
        return
    for batch in chunks(rows, _INSERT_BATCH):
        conn.execute(insert(table), list(batch))


def _merged_findings(linked: LinkedSource) -> list[Finding]:
    """Link findings plus any parse finding the linker did not already carry over."""
    merged = list(linked.findings)
    merged.extend(f for f in linked.parsed.findings if f not in merged)
    return merged


def finding_rows(path: str, findings: Iterable[Finding]) -> list[dict[str, Any]]:
    # Findings are keyed by the source that reported them, so they go with its rows.
    return [
        {
            "source": path,
            "line": f.line,
            "severity": f.severity,
            "code": f.code,
            "message": f.message,
            "hint": f.hint or "",
        }
        for f in findings
    ]


def error_text(findings: Iterable[Finding]) -> str | None:
    errors = [str(f) for f in findings if f.severity == "error"]
    return "\n".join(errors) or None


class SourceRows:
    """Rows of every per-source table (and `sources`), written out in batches as they grow,
    so upserting 100k sources never holds all their rows at once."""

    def __init__(self, conn: Connection, digests: dict[str, str], generation: str) -> None:
        self.conn, self.digests, self.generation = conn, digests, generation
        self.by_table: dict[Table, list[dict[str, Any]]] = {}
        self.reset()
        self.written = 0

    def reset(self) -> None:
        self.by_table = {t: [] for t in (*SOURCE_TABLES, SourceRecord.__table__)}
        self.pending = 0

    def flush(self) -> None:
        for table, table_rows in self.by_table.items():
            if table_rows:
                insert_rows(self.conn, table, table_rows)
        self.written += self.pending
        self.reset()

    def add(self, linked: LinkedSource) -> None:
        path, parsed = linked.path, linked.parsed
        ents = self.by_table[EntityRecord.__table__]
        aliases = self.by_table[AliasRecord.__table__]
        for e in parsed.entities:
            ents.append(
                {
                    "id": e.id,
                    "kind": e.kind,
                    "name": e.name,
                    "parent": e.parent,
                    "source": path,
                    "line_start": e.prov.line_start,
                    "line_end": e.prov.line_end,
                }
            )
            keys = [(e.id, "id"), (e.name, "name")] + [(a, "alias") for a in e.aliases]
            seen: set[tuple[str, str]] = set()
            for text, origin in keys:
                if not text or (text, origin) in seen:
                    continue
                seen.add((text, origin))
                aliases.append(
                    {
                        "entity_id": e.id,
                        "alias": text,
                        "norm": normalise_key(text),
                        "origin": origin,
                        "source": path,
                    }
                )
        attrs = self.by_table[AttributeRecord.__table__]
        for a in parsed.attributes:
            text, num = encode_value(a.value, a.datatype)
            attrs.append(
                {
                    "entity_id": a.entity,
                    "path": a.path,
                    "property": a.property,
                    "raw": str(a.raw),
                    "value_text": text,
                    "value_num": num,
                    "value_type": a.datatype,
                    "unit": a.unit,
                    "source": path,
                    "line_start": a.prov.line_start,
                    "line_end": a.prov.line_end,
                }
            )
        self.by_table[RelationRecord.__table__].extend(
            {
                "subject": r.subject,
                "predicate": r.predicate,
                "object": r.object,
                "ref": r.ref,
                "path": r.prov.path,
                "source": path,
                "line_start": r.prov.line_start,
                "line_end": r.prov.line_end,
            }
            for r in linked.relations
        )
        self.by_table[SectionRecord.__table__].extend(
            {
                "id": s.id,
                "doc": s.doc,
                "heading_path": list(s.heading_path),
                "level": s.level,
                "text": s.text,
                "source": path,
                "line_start": s.prov.line_start,
                "line_end": s.prov.line_end,
            }
            for s in parsed.sections
        )
        self.by_table[FindingRecord.__table__].extend(finding_rows(path, _merged_findings(linked)))
        self.by_table[SourceRecord.__table__].append(
            {
                "path": path,
                "kind": parsed.source.kind,
                "sha256": parsed.source.sha256,
                "digest": self.digests.get(path),
                "ok": parsed.ok,
                "error": None if parsed.ok else error_text(_merged_findings(linked)),
                "generation": self.generation,
            }
        )
        self.pending = sum(len(rows) for rows in self.by_table.values())
        if self.pending >= _FLUSH_ROWS:
            self.flush()

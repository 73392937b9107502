"""`SqlStore`: the SQL sink (SQLite file or PostgreSQL by URL), written from the IR.

Writes happen in `apply`, one transaction per ingest; reads are in `kg.sql.store_read`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from kg.ir import Conflict, Finding, LinkedSource, SourceFile
from kg.sql.lookup import SqlLookup
from kg.sql.store_write import apply_changes

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so a
        # failed `apply` rolls back everything it did (the documented pysqlite recipe).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        # WAL lets readers keep reading the last committed state while an ingest writes.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


class SqlStore(SqlLookup):
    """The SQL store of one knowledge base.

    Args:
        url: SQLAlchemy URL, e.g. ``sqlite:////path/kg.sqlite`` or
            ``postgresql+psycopg://postgres@127.0.0.1:5432/kg``.
        migrations_dir: the Alembic scripts folder (default: the project's ``migrations/``).
    """

    def __init__(self, url: str, migrations_dir: Path | None = None):
        self.url = url
        self.migrations_dir = Path(migrations_dir or MIGRATIONS_DIR)
        if make_url(url).get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(url)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)
        self._suggest_cache = None

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (creates it on a fresh database)."""
        from alembic import command
        from alembic.config import Config

        if not (self.migrations_dir / "env.py").is_file():
            raise FileNotFoundError(
                f"no Alembic scripts at {self.migrations_dir}; pass migrations_dir= to SqlStore"
            )
        cfg = Config()
        cfg.set_main_option("script_location", str(self.migrations_dir))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def apply(
        self,
        upserts: list[LinkedSource],
        digests: dict[str, str],
        deleted: list[str],
        failed: list[tuple[SourceFile, list[Finding]]],
        conflicts: list[Conflict] | None,
        generation: str,
    ) -> None:
        """Write one ingest atomically: all of it, or (on any error) none of it.

        Args:
            upserts: sources whose rows are replaced by these (parsed and linked) ones.
            digests: per-path digest stored with each upserted source (the pipeline's
                change key beyond sha256, e.g. of link inputs).
            deleted: paths whose rows are removed entirely.
            failed: sources that could not be parsed; they keep their previous rows and
                last good hashes, only their findings, ``ok`` and ``error`` change.
            conflicts: the complete new conflict list, or None to keep the current one.
            generation: the generation name recorded as current on success.
        """
        with self.engine.begin() as conn:
            apply_changes(conn, upserts, digests, deleted, failed, conflicts, generation)
        self._suggest_cache = None

    def dispose(self) -> None:
        """Close pooled connections (call before dropping the database)."""
        self.engine.dispose()

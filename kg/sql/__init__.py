"""The SQL sink: SQLAlchemy 2 models, Alembic-migrated schema and `SqlStore`."""

from kg.sql.store import SqlStore
from kg.sql.store_read import EntityRow, SourceState

__all__ = ["EntityRow", "SourceState", "SqlStore"]

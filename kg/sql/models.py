"""SQL tables of the knowledge graph (SQLAlchemy 2 typed ORM).

Every row that comes from a file carries ``source`` (the file path relative to the KB root),
so one file's facts are deleted and re-inserted as a unit. There are no foreign keys between
sources on purpose: a relation may point at an entity of another file, and replacing that
file must not cascade into this one.

The schema is created by Alembic (``migrations/versions``); a test compares the migrated
schema with these models so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base holding the metadata Alembic migrates towards."""


# 64-bit surrogate keys (re-ingests keep consuming ids); SQLite needs INTEGER to autoincrement.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class SourceRecord(Base):
    """One discovered file and the outcome of its last ingest."""

    __tablename__ = "sources"
    path: Mapped[str] = mapped_column(String, primary_key=True)
    kind: Mapped[str] = mapped_column(String)
    sha256: Mapped[str] = mapped_column(String)
    digest: Mapped[str | None] = mapped_column(String, nullable=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    generation: Mapped[str] = mapped_column(String)
    failed_sha256: Mapped[str | None] = mapped_column(String, nullable=True)


class EntityRecord(Base):
    """An entity; ids are unique across kinds and files."""

    __tablename__ = "entities"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    kind: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(Text)
    parent: Mapped[str | None] = mapped_column(String, nullable=True)
    source: Mapped[str] = mapped_column(String)
    line_start: Mapped[int] = mapped_column(Integer)
    line_end: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_entities_source", "source"),
        Index("ix_entities_kind", "kind"),
    )


class AliasRecord(Base):
    """Every lookup key of an entity: its id, its name and its aliases.

    ``origin`` says which ("id" | "name" | "alias"); ``norm`` is the key lower-cased without
    punctuation or spaces, so "Brain-JEPA" and "brainjepa" meet.
    """

    __tablename__ = "aliases"
    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    entity_id: Mapped[str] = mapped_column(String)
    alias: Mapped[str] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(String)
    origin: Mapped[str] = mapped_column(String)
    source: Mapped[str] = mapped_column(String)
    __table_args__ = (
        Index("ix_aliases_entity", "entity_id"),
        Index("ix_aliases_norm", "norm"),
        Index("ix_aliases_lower", func.lower(alias)),
        Index("ix_aliases_source", "source"),
    )


class AttributeRecord(Base):
    """One scalar fact: raw text plus the normalised value split by type."""

    __tablename__ = "attributes"
    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    entity_id: Mapped[str] = mapped_column(String)
    path: Mapped[str] = mapped_column(Text)
    property: Mapped[str | None] = mapped_column(String, nullable=True)
    raw: Mapped[str] = mapped_column(Text)
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    value_num: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_type: Mapped[str] = mapped_column(String)
    unit: Mapped[str | None] = mapped_column(String, nullable=True)
    source: Mapped[str] = mapped_column(String)
    line_start: Mapped[int] = mapped_column(Integer)
    line_end: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_attributes_entity_property", "entity_id", "property"),
        Index("ix_attributes_property_value", "property", "value_text"),
        Index("ix_attributes_source", "source"),
    )


class RelationRecord(Base):
    """A resolved link; ``path`` is the YAML path or heading path it was written at."""

    __tablename__ = "relations"
    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String)
    predicate: Mapped[str] = mapped_column(String)
    object: Mapped[str] = mapped_column(String)
    ref: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String)
    line_start: Mapped[int] = mapped_column(Integer)
    line_end: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_relations_subject", "subject", "predicate"),
        Index("ix_relations_object", "object", "predicate"),
        Index("ix_relations_predicate", "predicate"),
        Index("ix_relations_source", "source"),
    )


class SectionRecord(Base):
    """One markdown section; ``heading_path`` is a JSON list of headings."""

    __tablename__ = "sections"
    id: Mapped[str] = mapped_column(String, primary_key=True)
    doc: Mapped[str] = mapped_column(String)
    heading_path: Mapped[list[str]] = mapped_column(JSON)
    level: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String)
    line_start: Mapped[int] = mapped_column(Integer)
    line_end: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_sections_doc", "doc", "line_start"),
        Index("ix_sections_source", "source"),
    )


class FindingRecord(Base):
    """A problem reported for a source; replaced whenever that source is ingested again."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String)
    line: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String)
    code: Mapped[str] = mapped_column(String)
    message: Mapped[str] = mapped_column(Text)
    hint: Mapped[str] = mapped_column(Text)
    __table_args__ = (
        Index("ix_findings_source", "source"),
        Index("ix_findings_severity", "severity"),
    )


class ConflictRecord(Base):
    """One value in a conflict; rows sharing (entity, property) form one `Conflict`."""

    __tablename__ = "conflicts"
    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String)
    property: Mapped[str] = mapped_column(String)
    source: Mapped[str] = mapped_column(String)
    path: Mapped[str] = mapped_column(Text)
    raw: Mapped[str] = mapped_column(Text)
    value_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    value_num: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_type: Mapped[str] = mapped_column(String)
    line_start: Mapped[int] = mapped_column(Integer)
    line_end: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_conflicts_entity", "entity", "property"),)


class StateRecord(Base):
    """Key/value state of the store; ``generation`` names the current generation."""

    __tablename__ = "kg_state"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# Tables holding per-source rows, in the order they are cleared and filled.
SOURCE_TABLES = (
    EntityRecord.__table__,
    AliasRecord.__table__,
    AttributeRecord.__table__,
    RelationRecord.__table__,
    SectionRecord.__table__,
    FindingRecord.__table__,
)


def normalise_key(text: str) -> str:
    """Lookup key of a name: lower-case, letters and digits only ("Brain-JEPA" -> "brainjepa")."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def encode_value(value: Any, datatype: str) -> tuple[str | None, float | None]:
    """Split a normalised IR value into (value_text, value_num) columns.

    ``value_text`` always holds the canonical text (so filters and display need one column);
    ``value_num`` holds numbers and booleans for numeric comparison.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return ("true" if value else "false"), float(value)
    if isinstance(value, int | float):
        return str(value), float(value)
    return str(value), None


def decode_value(value_text: str | None, value_num: float | None, value_type: str) -> Any:
    """Inverse of `encode_value`: rebuild the IR value with its Python type."""
    if value_text is None:
        return None
    if value_type == "boolean":
        return value_text == "true"
    if value_num is not None and value_type == "integer":
        try:
            return int(value_text)  # exact even beyond 2**53, unlike the float column
        except ValueError:
            return int(value_num)
    if value_num is not None:
        try:
            return int(value_text)
        except ValueError:
            return float(value_num)
    return value_text

"""Initial schema: sources, entities, aliases, attributes, relations, sections, findings,
conflicts and kg_state.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 64-bit surrogate keys; SQLite only autoincrements an INTEGER PRIMARY KEY.
RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _lines() -> list[sa.Column]:
    return [
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("line_start", sa.Integer(), nullable=False),
        sa.Column("line_end", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("digest", sa.String(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("generation", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("path"),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("parent", sa.String(), nullable=True),
        *_lines(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_entities_source", "entities", ["source"])
    op.create_index("ix_entities_kind", "entities", ["kind"])

    op.create_table(
        "aliases",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("norm", sa.String(), nullable=False),
        sa.Column("origin", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_aliases_entity", "aliases", ["entity_id"])
    op.create_index("ix_aliases_norm", "aliases", ["norm"])
    op.create_index("ix_aliases_lower", "aliases", [sa.text("lower(alias)")])
    op.create_index("ix_aliases_source", "aliases", ["source"])

    op.create_table(
        "attributes",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("property", sa.String(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("value_text", sa.Text(), nullable=True),
        sa.Column("value_num", sa.Float(), nullable=True),
        sa.Column("value_type", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        *_lines(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attributes_entity_property", "attributes", ["entity_id", "property"])
    op.create_index("ix_attributes_property_value", "attributes", ["property", "value_text"])
    op.create_index("ix_attributes_source", "attributes", ["source"])

    op.create_table(
        "relations",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("predicate", sa.String(), nullable=False),
        sa.Column("object", sa.String(), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        *_lines(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_relations_subject", "relations", ["subject", "predicate"])
    op.create_index("ix_relations_object", "relations", ["object", "predicate"])
    op.create_index("ix_relations_predicate", "relations", ["predicate"])
    op.create_index("ix_relations_source", "relations", ["source"])

    op.create_table(
        "sections",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("doc", sa.String(), nullable=False),
        sa.Column("heading_path", sa.JSON(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        *_lines(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sections_doc", "sections", ["doc", "line_start"])
    op.create_index("ix_sections_source", "sections", ["source"])

    op.create_table(
        "findings",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_findings_source", "findings", ["source"])
    op.create_index("ix_findings_severity", "findings", ["severity"])

    op.create_table(
        "conflicts",
        sa.Column("id", RowId, autoincrement=True, nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("property", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("value_text", sa.Text(), nullable=True),
        sa.Column("value_num", sa.Float(), nullable=True),
        sa.Column("value_type", sa.String(), nullable=False),
        sa.Column("line_start", sa.Integer(), nullable=False),
        sa.Column("line_end", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conflicts_entity", "conflicts", ["entity", "property"])

    op.create_table(
        "kg_state",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    # Dropping a table drops its indexes too.
    for table in (
        "kg_state",
        "conflicts",
        "findings",
        "sections",
        "relations",
        "attributes",
        "aliases",
        "entities",
        "sources",
    ):
        op.drop_table(table)

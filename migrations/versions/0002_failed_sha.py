"""Record the content hash of a source's failing version.

A failed source keeps `sha256` of its last good version (so its last good parse can be
found); `failed_sha256` holds the hash of the version that failed, so a re-ingest of the
same broken file is recognised as no change and writes nothing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("failed_sha256", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("failed_sha256")

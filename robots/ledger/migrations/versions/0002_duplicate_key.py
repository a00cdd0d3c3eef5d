"""Documents carry the invoice's duplicate key (issuer + number + total) for duplicate detection.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("duplicate_key", sa.String(length=300), nullable=True))
        batch.create_index("ix_documents_duplicate_key", ["duplicate_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_duplicate_key")
        batch.drop_column("duplicate_key")

"""Reviews (a person's decision on a document) and events (everything that happened, append-only).

Document statuses gain ``review`` and ``rejected``: the status column is a plain string, so no DDL.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("reason_code", sa.String(length=100), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("corrections", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("prefect_flow_run_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reviews_status_opened_at", "reviews", ["status", "opened_at"], unique=False)
    op.create_index("ix_reviews_document_id", "reviews", ["document_id"], unique=False)
    op.create_table(
        "events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=True),
        sa.Column("document_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_events_run_id_at", "events", ["run_id", "at"], unique=False)
    op.create_index("ix_events_document_id_at", "events", ["document_id", "at"], unique=False)
    op.create_index("ix_events_kind_at", "events", ["kind", "at"], unique=False)
    with op.batch_alter_table("documents") as batch:
        batch.create_index("ix_documents_run_id", ["run_id"], unique=False)
        batch.create_index("ix_documents_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("entries") as batch:
        batch.create_index("ix_entries_document_id", ["document_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_index("ix_entries_document_id")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_created_at")
        batch.drop_index("ix_documents_run_id")
    op.drop_index("ix_events_kind_at", table_name="events")
    op.drop_index("ix_events_document_id_at", table_name="events")
    op.drop_index("ix_events_run_id_at", table_name="events")
    op.drop_table("events")
    op.drop_index("ix_reviews_document_id", table_name="reviews")
    op.drop_index("ix_reviews_status_opened_at", table_name="reviews")
    op.drop_table("reviews")

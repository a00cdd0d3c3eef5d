"""Document archive (電子帳簿保存法): write-once originals, versions, an append-only audit log.

Triggers refuse to rewrite history on SQLite and PostgreSQL: no UPDATE/DELETE of versions or audit rows,
no DELETE of documents, no UPDATE of a document except marking it deleted (once). On other databases
only the code (robots.archive) protects them.

On SQLite, a later ``batch_alter_table`` on one of these tables recreates it WITHOUT its triggers: such a
migration must call ``_create_triggers`` again (copy it; migrations must not import each other).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Columns of archive_documents that never change once written (all but deleted_at, deleted_by).
_FROZEN_DOCUMENT_COLUMNS = (
    "id, sha256, size, suffix, original_name, document_type, received_at, source, fiscal_year_end, "
    "loss_carryforward, retention_until, created_at, created_by"
)

_SQLITE_TRIGGERS = [
    *(
        f"""CREATE TRIGGER {table}_no_{op_name.lower()} BEFORE {op_name} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op_name} refused'); END"""
        for table in ("archive_versions", "archive_audit")
        for op_name in ("UPDATE", "DELETE")
    ),
    """CREATE TRIGGER archive_documents_no_delete BEFORE DELETE ON archive_documents
    BEGIN SELECT RAISE(ABORT, 'archive_documents: DELETE refused (mark deleted_at instead)'); END""",
    f"""CREATE TRIGGER archive_documents_frozen BEFORE UPDATE OF {_FROZEN_DOCUMENT_COLUMNS}
    ON archive_documents BEGIN
        SELECT RAISE(ABORT, 'archive_documents: UPDATE refused (only deleted_at, deleted_by may be set)');
    END""",
    """CREATE TRIGGER archive_documents_no_undelete BEFORE UPDATE OF deleted_at, deleted_by
    ON archive_documents WHEN OLD.deleted_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, 'archive_documents: UPDATE refused (a deleted document stays deleted)'); END""",
]

_POSTGRESQL_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION archive_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '%: % refused (the archive is append-only)', TG_TABLE_NAME, TG_OP;
    END $$""",
    *(
        stmt
        for table in ("archive_versions", "archive_audit")
        for stmt in (
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION archive_refuse_change()""",
            f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION archive_refuse_change()""",
        )
    ),
    """CREATE TRIGGER archive_documents_no_delete BEFORE DELETE ON archive_documents
    FOR EACH ROW EXECUTE FUNCTION archive_refuse_change()""",
    """CREATE TRIGGER archive_documents_no_truncate BEFORE TRUNCATE ON archive_documents
    FOR EACH STATEMENT EXECUTE FUNCTION archive_refuse_change()""",
    f"""CREATE TRIGGER archive_documents_frozen BEFORE UPDATE OF {_FROZEN_DOCUMENT_COLUMNS}
    ON archive_documents FOR EACH ROW EXECUTE FUNCTION archive_refuse_change()""",
    """CREATE TRIGGER archive_documents_no_undelete BEFORE UPDATE OF deleted_at, deleted_by
    ON archive_documents FOR EACH ROW WHEN (OLD.deleted_at IS NOT NULL)
    EXECUTE FUNCTION archive_refuse_change()""",
]


def _create_triggers() -> None:
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRESQL_TRIGGERS}.get(dialect, [])
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "archive_documents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("suffix", sa.String(length=20), nullable=False),
        sa.Column("original_name", sa.String(length=500), nullable=False),
        sa.Column("document_type", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("fiscal_year_end", sa.Date(), nullable=False),
        sa.Column("loss_carryforward", sa.Boolean(), nullable=False),
        sa.Column("retention_until", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_archive_documents_sha256", "archive_documents", ["sha256"], unique=True)
    op.create_table(
        "archive_versions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("counterparty_key", sa.String(length=200), nullable=False),
        sa.Column("registration_number", sa.String(length=14), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["archive_documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ux_archive_versions_document_version", "archive_versions", ["document_id", "version"], unique=True
    )
    op.create_index("ix_archive_versions_transaction_date", "archive_versions", ["transaction_date"])
    op.create_index("ix_archive_versions_amount", "archive_versions", ["amount"])
    op.create_index("ix_archive_versions_counterparty_key", "archive_versions", ["counterparty_key"])
    op.create_table(
        "archive_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["archive_documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_archive_audit_document_id", "archive_audit", ["document_id"])
    _create_triggers()


def downgrade() -> None:
    op.drop_index("ix_archive_audit_document_id", table_name="archive_audit")
    op.drop_table("archive_audit")
    op.drop_index("ix_archive_versions_counterparty_key", table_name="archive_versions")
    op.drop_index("ix_archive_versions_amount", table_name="archive_versions")
    op.drop_index("ix_archive_versions_transaction_date", table_name="archive_versions")
    op.drop_index("ux_archive_versions_document_version", table_name="archive_versions")
    op.drop_table("archive_versions")
    op.drop_index("ux_archive_documents_sha256", table_name="archive_documents")
    op.drop_table("archive_documents")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS archive_refuse_change()")

"""deviation progress reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:15:33.938762
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deviation_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deviation_id', sa.Integer(), nullable=False),
    sa.Column('by_supplier', sa.Boolean(), nullable=False),
    sa.Column('author', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_deviation_report_attachment_id_attachment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['deviation_id'], ['deviation.id'], name=op.f('fk_deviation_report_deviation_id_deviation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deviation_report'))
    )
    with op.batch_alter_table('deviation_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deviation_report_deviation_id'), ['deviation_id'], unique=False)

    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))

    # The supplier's single note becomes the first report of the deviation's history.
    # The notes are set aside first: on SQLite, dropping a column rebuilds the table, and
    # dropping the old table would cascade to reports already written.
    op.execute(
        "CREATE TABLE deviation_note_0004 AS SELECT id, status, supplier_note, updated_at "
        "FROM deviation WHERE supplier_note IS NOT NULL AND supplier_note <> ''"
    )
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.drop_column('supplier_note')
    op.execute(
        "INSERT INTO deviation_report (deviation_id, by_supplier, author, status, note, "
        "created_at) SELECT id, true, 'supplier', status, supplier_note, updated_at "
        "FROM deviation_note_0004"
    )
    op.execute("DROP TABLE deviation_note_0004")


def downgrade() -> None:
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplier_note', sa.Text(), nullable=True))
    op.execute(
        "UPDATE deviation SET supplier_note = (SELECT r.note FROM deviation_report r "
        "WHERE r.deviation_id = deviation.id AND r.by_supplier ORDER BY r.id DESC LIMIT 1)"
    )
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

    with op.batch_alter_table('deviation_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deviation_report_deviation_id'))

    op.drop_table('deviation_report')

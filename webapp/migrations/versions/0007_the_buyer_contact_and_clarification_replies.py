"""the buyer's contact person and the supplier's clarification replies

A campaign names a person at the buyer (name, e-mail, phone) whom the supplier sees on
every page and in every mail. A clarification request can ask for a document, and the
supplier answers each request with a text and, where asked, a file: one reply per
question and round, kept with the round it was sent in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_phone', sa.String(length=40), nullable=True))
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wants_file', sa.Boolean(), server_default='0',
                                      nullable=False))
    op.create_table(
        'clarification_reply',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('response_id', sa.Integer(), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.String(length=63), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('attachment_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'],
                                name=op.f('fk_clarification_reply_attachment_id_attachment'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['response_id'], ['response.id'],
                                name=op.f('fk_clarification_reply_response_id_response'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_clarification_reply')),
        sa.UniqueConstraint('response_id', 'round', 'question_id',
                            name=op.f('uq_clarification_reply_response_id_round_question_id')),
    )


def downgrade() -> None:
    op.drop_table('clarification_reply')
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.drop_column('wants_file')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('contact_phone')
        batch_op.drop_column('contact_email')
        batch_op.drop_column('contact_name')

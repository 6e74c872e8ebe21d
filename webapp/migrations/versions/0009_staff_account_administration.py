"""staff account administration

An administrator invites staff and sends password resets by mail through the outbox:
an outbox message now belongs either to a supplier's response or to a staff account
(its set-password link is minted when the mail leaves, like a supplier's link). The
accounts page shows when each person last signed in.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_signed_in_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('response_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('staff_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_staff_user_id'),
                              ['staff_user_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_outbox_message_staff_user_id_staff_user'), 'staff_user',
            ['staff_user_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE response_id IS NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_staff_user_id_staff_user'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_staff_user_id'))
        batch_op.drop_column('staff_user_id')
        batch_op.alter_column('response_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('last_signed_in_at')

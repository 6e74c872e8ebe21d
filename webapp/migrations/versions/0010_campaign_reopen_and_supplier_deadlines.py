"""a closed campaign remembers when it closed; one supplier's deadline can be later

`campaign.closed_at` is when the campaign was last closed (the confirmation and the
reopen page say it, and reopening brings back the mails that closing withdrew).
`response.deadline` is a later deadline given to one supplier, with its reason; empty
means the campaign's deadline holds (store/deadlines.py `deadline_for`). The tracking
index gains that column last, so overdue counts still read the index alone.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# the tracking index as 0008 made it (store/tracking.py reads it alone)
FIGURES = ['campaign_id', 'status', 'rating', 'red_flags', 'amber_flags', 'plan_items',
           'plan_late', 'plan_due']


def upgrade() -> None:
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('deadline_reason', sa.String(length=500), nullable=True))
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_campaign_figures')
        batch_op.create_index('ix_response_campaign_figures', FIGURES + ['deadline'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_campaign_figures')
        batch_op.create_index('ix_response_campaign_figures', FIGURES, unique=False)
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('deadline_reason')
        batch_op.drop_column('deadline')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

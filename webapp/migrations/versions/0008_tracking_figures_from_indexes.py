"""tracking figures read from indexes: a campaign's response counts, and late closures

The overview and the campaign page count a campaign's responses by status, rating and
flags; one index on (campaign_id, status, rating, red_flags, amber_flags) answers that
without reading the table (it replaces the index on campaign_id and status, its prefix).
A closed deviation keeps the local date it was closed on, so whether it was fixed in
time is a comparison of two dates that SQL can count, over an index holding what a
plan's traffic light needs.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:40:00
"""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_campaign_status')
        batch_op.create_index('ix_response_campaign_figures',
                              ['campaign_id', 'status', 'rating', 'red_flags', 'amber_flags'],
                              unique=False)
    # A plain ADD COLUMN: a batch rebuild of deviation would cascade to its reports.
    op.add_column('deviation', sa.Column('closed_on', sa.Date(), nullable=True))
    deviation = sa.table('deviation', sa.column('id', sa.Integer),
                         sa.column('closed_at', sa.DateTime(timezone=True)),
                         sa.column('closed_on', sa.Date))
    connection = op.get_bind()
    closed = connection.execute(sa.select(deviation.c.id, deviation.c.closed_at)
                                .where(deviation.c.closed_at.is_not(None))).all()
    for deviation_id, closed_at in closed:
        moment = closed_at if closed_at.tzinfo else closed_at.replace(tzinfo=UTC)
        connection.execute(deviation.update().where(deviation.c.id == deviation_id)
                           .values(closed_on=moment.astimezone().date()))
    op.create_index('ix_deviation_light', 'deviation',
                    ['response_id', 'status', 'deadline', 'closed_on'], unique=False)
    op.drop_index('ix_deviation_response_id', table_name='deviation')  # its prefix


def downgrade() -> None:
    op.create_index('ix_deviation_response_id', 'deviation', ['response_id'], unique=False)
    op.drop_index('ix_deviation_light', table_name='deviation')
    with op.batch_alter_table('deviation', schema=None) as batch_op:
        batch_op.drop_column('closed_on')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_campaign_figures')
        batch_op.create_index('ix_response_campaign_status', ['campaign_id', 'status'],
                              unique=False)

"""tracking figures read from one index: a campaign's responses and their action plans

The overview and the campaign page count a campaign's responses by status, rating,
flags and action-plan traffic light. The response keeps what its plan's light is read
from (how many deviations, the earliest deadline of one not closed, whether one was
closed after its deadline), and one index on (campaign_id, status, rating, red_flags,
amber_flags, plan_items, plan_late, plan_due) answers every count without reading the
table; it replaces the index on (campaign_id, status), its prefix.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:55:00
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FIGURES = ['campaign_id', 'status', 'rating', 'red_flags', 'amber_flags', 'plan_items',
           'plan_late', 'plan_due']


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_items', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('plan_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('plan_late', sa.Boolean(), server_default='0',
                                      nullable=False))
    _fill(op.get_bind())
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_campaign_status')
        batch_op.create_index('ix_response_campaign_figures', FIGURES, unique=False)


def _fill(connection: sa.Connection) -> None:
    """The plan columns of every response with deviations, as action_plans.store_plan
    writes them (a deviation closed on a later local day than its deadline is late)."""
    deviation = sa.table('deviation', sa.column('response_id', sa.Integer),
                         sa.column('status', sa.String), sa.column('deadline', sa.Date),
                         sa.column('closed_at', sa.DateTime(timezone=True)))
    response = sa.table('response', sa.column('id', sa.Integer),
                        sa.column('plan_items', sa.Integer), sa.column('plan_due', sa.Date),
                        sa.column('plan_late', sa.Boolean))
    plans: dict[int, list] = defaultdict(list)
    for row in connection.execute(sa.select(deviation)):
        plans[row.response_id].append(row)
    for response_id, items in plans.items():
        late = False
        for item in items:
            if item.closed_at is not None:
                moment = item.closed_at if item.closed_at.tzinfo else item.closed_at.replace(
                    tzinfo=UTC)
                late = late or moment.astimezone().date() > item.deadline
        due = min((i.deadline for i in items if i.status != 'closed'), default=None)
        connection.execute(response.update().where(response.c.id == response_id).values(
            plan_items=len(items), plan_due=due, plan_late=late))


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_campaign_figures')
        batch_op.create_index('ix_response_campaign_status', ['campaign_id', 'status'],
                              unique=False)
        batch_op.drop_column('plan_late')
        batch_op.drop_column('plan_due')
        batch_op.drop_column('plan_items')

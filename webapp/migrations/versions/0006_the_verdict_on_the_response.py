"""the verdict on the response

The due-diligence score, risk rating and flag counts of a response's latest round are
stored on the response (with the full verdict as JSON), so that every page and export
reads one figure. Reviews can carry a reviewer's rating with its justification, and a
grade row says when it was given (rows without it only ask for clarification).

The data step computes the verdict of every response that has a submission, with the
same pure function the app uses, from the rows as this revision knows them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('provisional', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('rating', sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column('red_flags', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('amber_flags', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('verdict', JSON, nullable=True))
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_override', sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column('override_justification', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('override_by', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('override_at', sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.add_column(sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True))
    _fill(op.get_bind())


def _fill(connection: sa.Connection) -> None:
    """Mark existing grades as given in their round, then store every verdict."""
    from webapp.definitions import Questionnaire
    from webapp.store.verdicts import RoundFacts, judge

    meta = sa.MetaData()
    grade = sa.Table('grade', meta, autoload_with=connection)
    review = sa.Table('review', meta, autoload_with=connection)
    submission = sa.Table('submission', meta, autoload_with=connection)
    response = sa.Table('response', meta, autoload_with=connection)
    campaign = sa.Table('campaign', meta, autoload_with=connection)
    version = sa.Table('questionnaire_version', meta, autoload_with=connection)
    connection.execute(grade.update().where(
        sa.or_(grade.c.points.is_not(None), grade.c.comment.is_not(None)))
        .values(graded_at=datetime.now(UTC)))
    definitions: dict[int, Questionnaire] = {}

    def pinned_definition(version_id: int) -> Questionnaire:
        if version_id not in definitions:
            data = connection.execute(sa.select(version.c.definition)
                                      .where(version.c.id == version_id)).scalar_one()
            definitions[version_id] = Questionnaire.model_validate(data)
        return definitions[version_id]

    pinned = dict(connection.execute(
        sa.select(response.c.id, campaign.c.questionnaire_version_id)
        .join(campaign, campaign.c.id == response.c.campaign_id)).all())
    rounds: dict[int, dict[int, dict]] = {}
    for rid, number, answers in connection.execute(
            sa.select(submission.c.response_id, submission.c.round, submission.c.answers)):
        rounds.setdefault(rid, {})[number] = {"answers": answers, "graded": {},
                                              "asked": set()}
    for rid, number, qid, points, comment, ask, graded_at in connection.execute(
            sa.select(review.c.response_id, review.c.round, grade.c.question_id,
                      grade.c.points, grade.c.comment, grade.c.clarification,
                      grade.c.graded_at).join(grade, grade.c.review_id == review.c.id)):
        facts = rounds.get(rid, {}).get(number)
        if facts is None:
            continue
        if graded_at is not None:
            facts["graded"][qid] = (points, comment)
        if ask:
            facts["asked"].add(qid)
    for rid, by_round in rounds.items():
        q = pinned_definition(pinned[rid])
        verdict = judge(q, [RoundFacts(n, f["answers"], f["graded"], frozenset(f["asked"]))
                            for n, f in by_round.items()])
        result = verdict.result
        connection.execute(response.update().where(response.c.id == rid).values(
            score=verdict.score, provisional=verdict.provisional, rating=verdict.rating,
            red_flags=result.red_flags if result else 0,
            amber_flags=result.amber_flags if result else 0, verdict=verdict.record()))


def downgrade() -> None:
    with op.batch_alter_table('grade', schema=None) as batch_op:
        batch_op.drop_column('graded_at')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_column('override_at')
        batch_op.drop_column('override_by')
        batch_op.drop_column('override_justification')
        batch_op.drop_column('rating_override')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('verdict')
        batch_op.drop_column('amber_flags')
        batch_op.drop_column('red_flags')
        batch_op.drop_column('rating')
        batch_op.drop_column('provisional')
        batch_op.drop_column('score')

"""evidence files may be kept in the database

With KEDJEKOLL_FILE_STORAGE=database an evidence file's bytes are rows of
`evidence_chunk`: the file's SHA-256, the piece's place in it, and at most 256 KiB of
bytes (store/blobs.py), so app servers on one database share evidence without a shared
disk. A plain table: a database dump carries the files.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'evidence_chunk',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', 'seq', name=op.f('pk_evidence_chunk')),
    )


def downgrade() -> None:
    held = op.get_bind().execute(sa.text("SELECT count(*) FROM evidence_chunk")).scalar()
    if held:  # dropping the table would lose evidence
        raise RuntimeError("evidence files are kept in the database: run `kedjekoll files "
                           "move --to local` before downgrading below 0011")
    op.drop_table('evidence_chunk')

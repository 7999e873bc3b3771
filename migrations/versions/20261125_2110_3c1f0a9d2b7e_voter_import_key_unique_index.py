"""voter.import_key: 128 bits, and a unique index instead of a UNIQUE constraint, so a bulk load can rebuild it

Keys already written keep their first 32 hex digits: the digits a re-run of the same
file now computes.

Revision ID: 3c1f0a9d2b7e
Revises: 00f7740c84a6
Create Date: 2026-11-25 21:10:00

"""
import sqlalchemy as sa
from alembic import op


revision = '3c1f0a9d2b7e'
down_revision = '00f7740c84a6'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE voter SET import_key = substr(import_key, 1, 32) WHERE import_key IS NOT NULL")
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_constraint('uq_voter_import_key', type_='unique')
        batch_op.alter_column('import_key', existing_type=sa.String(length=64), type_=sa.String(length=32),
                              existing_nullable=True)
        batch_op.create_index('ix_voter_import_key', ['import_key'], unique=True)


def downgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_index('ix_voter_import_key')
        batch_op.alter_column('import_key', existing_type=sa.String(length=32), type_=sa.String(length=64),
                              existing_nullable=True)
        batch_op.create_unique_constraint('uq_voter_import_key', ['import_key'])

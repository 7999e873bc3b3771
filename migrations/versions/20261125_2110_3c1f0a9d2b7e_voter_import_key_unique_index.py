"""voter.import_key: a unique index instead of a UNIQUE constraint, so a bulk load can rebuild it

Revision ID: 3c1f0a9d2b7e
Revises: 00f7740c84a6
Create Date: 2026-11-25 21:10:00

"""
from alembic import op


revision = '3c1f0a9d2b7e'
down_revision = '00f7740c84a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_constraint('uq_voter_import_key', type_='unique')
        batch_op.create_index('ix_voter_import_key', ['import_key'], unique=True)


def downgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_index('ix_voter_import_key')
        batch_op.create_unique_constraint('uq_voter_import_key', ['import_key'])

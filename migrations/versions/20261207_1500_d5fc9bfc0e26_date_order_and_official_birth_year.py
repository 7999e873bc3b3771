"""election.date_order (how text dates are read: DMY or MDY) and training_official.birth_year_only

Revision ID: d5fc9bfc0e26
Revises: 839ac137208c
Create Date: 2026-12-07 15:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd5fc9bfc0e26'
down_revision = '839ac137208c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_order', sa.String(length=3), server_default='DMY', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_election_known_date_order'), "date_order IN ('DMY', 'MDY')")
    with op.batch_alter_table('training_official', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year_only', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('training_official', schema=None) as batch_op:
        batch_op.drop_column('birth_year_only')
    with op.batch_alter_table('election', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_election_known_date_order'), type_='check')
        batch_op.drop_column('date_order')

"""results_certification: what it covered and its de-certification; observer: who requested and decided

Revision ID: 0c7b4dd152ef
Revises: 5d2e8c4b7a91
Create Date: 2026-12-07 13:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0c7b4dd152ef'
down_revision = '5d2e8c4b7a91'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('results_certification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stations', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('excused', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('decertified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decertified_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decertify_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_results_certification_decertified_by_id_user_account'),
                                    'user_account', ['decertified_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_results_certification_decertified_with_reason'),
                                         '(decertified_at IS NULL) = (decertify_reason IS NULL)')
    with op.batch_alter_table('observer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('observer', schema=None) as batch_op:
        batch_op.drop_column('decided_by')
        batch_op.drop_column('requested_by')
    with op.batch_alter_table('results_certification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_results_certification_decertified_with_reason'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_results_certification_decertified_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('decertify_reason')
        batch_op.drop_column('decertified_by_id')
        batch_op.drop_column('decertified_at')
        batch_op.drop_column('excused')
        batch_op.drop_column('stations')

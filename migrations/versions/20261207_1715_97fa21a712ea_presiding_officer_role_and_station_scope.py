"""Presiding officer: a role of polling staff, and a user scope of one polling station

Revision ID: 97fa21a712ea
Revises: d92b5e3f1c68
Create Date: 2026-12-07 17:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = '97fa21a712ea'
down_revision = 'd92b5e3f1c68'
branch_labels = None
depends_on = None

ROLES = ['administrator', 'registration_clerk', 'registration_supervisor', 'logistics_officer',
         'training_coordinator', 'observer', 'observer_coordinator', 'results_clerk', 'results_supervisor']
SCOPES = ['scope_region_id', 'scope_district_id', 'scope_centre_id']


def _roles_check(roles):
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def _one_scope(columns):
    return "(" + " + ".join(f"CASE WHEN {c} IS NULL THEN 0 ELSE 1 END" for c in columns) + ") <= 1"


def upgrade():
    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_role_known_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role_known_role'),
                                         _roles_check(ROLES + ['presiding_officer']))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_station_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_account_scope_station_id_polling_station'),
                                    'polling_station', ['scope_station_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_user_account_one_scope'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_account_one_scope'),
                                         _one_scope(SCOPES + ['scope_station_id']))


def downgrade():
    op.execute("DELETE FROM user_role WHERE role = 'presiding_officer'")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_account_one_scope'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_account_one_scope'), _one_scope(SCOPES))
        batch_op.drop_constraint(batch_op.f('fk_user_account_scope_station_id_polling_station'),
                                 type_='foreignkey')
        batch_op.drop_column('scope_station_id')
    with op.batch_alter_table('user_role', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_role_known_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role_known_role'), _roles_check(ROLES))


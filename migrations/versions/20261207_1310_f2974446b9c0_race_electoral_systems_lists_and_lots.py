"""race_system (each race's electoral system), district_seats, list_member (party lists), lot_drawing (ties)

Revision ID: f2974446b9c0
Revises: 0c7b4dd152ef
Create Date: 2026-12-07 12:39:07.408740

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f2974446b9c0'
down_revision = '0c7b4dd152ef'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('race_system',
    sa.Column('race_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=24), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Numeric(precision=6, scale=3), nullable=False),
    sa.Column('threshold_scope', sa.String(length=10), nullable=False),
    sa.Column('first_divisor', sa.Numeric(precision=6, scale=3), nullable=True),
    sa.Column('advance', sa.Integer(), nullable=False),
    sa.Column('open_list', sa.Boolean(), nullable=False),
    sa.Column('women_every', sa.Integer(), nullable=True),
    sa.Column('runoff_of_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("method IN ('plurality', 'two_round', 'dhondt', 'sainte_lague', 'modified_sainte_lague', 'hare', 'droop')", name=op.f('ck_race_system_known_method')),
    sa.CheckConstraint("threshold_scope IN ('race', 'national', 'district')", name=op.f('ck_race_system_known_threshold_scope')),
    sa.CheckConstraint('advance >= 2', name=op.f('ck_race_system_advance_at_least_two')),
    sa.CheckConstraint('first_divisor IS NULL OR first_divisor > 0', name=op.f('ck_race_system_first_divisor_positive')),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_race_system_seats_positive')),
    sa.CheckConstraint('threshold >= 0 AND threshold < 100', name=op.f('ck_race_system_threshold_percent')),
    sa.CheckConstraint('women_every IS NULL OR women_every >= 2', name=op.f('ck_race_system_women_every_at_least_two')),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_race_system_race_id_race')),
    sa.ForeignKeyConstraint(['runoff_of_id'], ['race.id'], name=op.f('fk_race_system_runoff_of_id_race')),
    sa.PrimaryKeyConstraint('race_id', name=op.f('pk_race_system')),
    sa.UniqueConstraint('runoff_of_id', name=op.f('uq_race_system_runoff_of_id'))
    )
    op.create_table('district_seats',
    sa.Column('race_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_district_seats_seats_positive')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_district_seats_district_id_district')),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_district_seats_race_id_race')),
    sa.PrimaryKeyConstraint('race_id', 'district_id', name=op.f('pk_district_seats'))
    )
    op.create_table('list_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('woman', sa.Boolean(), nullable=False),
    sa.Column('preference_votes', sa.Integer(), nullable=True),
    sa.CheckConstraint('position > 0', name=op.f('ck_list_member_position_positive')),
    sa.CheckConstraint('preference_votes IS NULL OR preference_votes >= 0', name=op.f('ck_list_member_preference_votes_not_negative')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_list_member_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_list_member_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_list_member')),
    sa.UniqueConstraint('candidate_id', 'district_id', 'position', name=op.f('uq_list_member_candidate_id_district_id_position'))
    )
    with op.batch_alter_table('list_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_list_member_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('lot_drawing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('race_id', sa.Integer(), nullable=False),
    sa.Column('tie_key', sa.String(length=400), nullable=False),
    sa.Column('drawn_order', sa.JSON(), nullable=False),
    sa.Column('drawn_by', sa.String(length=200), nullable=False),
    sa.Column('witnesses', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_lot_drawing_race_id_race')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_lot_drawing_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_drawing')),
    sa.UniqueConstraint('race_id', 'tie_key', name=op.f('uq_lot_drawing_race_id_tie_key'))
    )
    with op.batch_alter_table('lot_drawing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_drawing_race_id'), ['race_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lot_drawing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_drawing_race_id'))

    op.drop_table('lot_drawing')
    with op.batch_alter_table('list_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_list_member_candidate_id'))

    op.drop_table('list_member')
    op.drop_table('district_seats')
    op.drop_table('race_system')

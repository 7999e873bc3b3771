"""Tally sheet images (content-addressed by SHA-256), scans waiting to be filed, recall requests, intake log

Revision ID: 7c3e9a41d2b6
Revises: 51e9288a733a
Create Date: 2026-12-07 15:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = '7c3e9a41d2b6'
down_revision = '51e9288a733a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sheet_image',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('race_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=120), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('device_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.CheckConstraint("source IN ('phone', 'api', 'scan', 'clerk')", name=op.f('ck_sheet_image_known_source')),
    sa.CheckConstraint('(latitude IS NULL) = (longitude IS NULL)', name=op.f('ck_sheet_image_both_coordinates')),
    sa.ForeignKeyConstraint(['race_id'], ['race.id'], name=op.f('fk_sheet_image_race_id_race')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user_account.id'], name=op.f('fk_sheet_image_sent_by_id_user_account')),
    sa.ForeignKeyConstraint(['station_id'], ['polling_station.id'], name=op.f('fk_sheet_image_station_id_polling_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_image')),
    sa.UniqueConstraint('race_id', 'station_id', 'sha256', name=op.f('uq_sheet_image_race_id_station_id_sha256'))
    )
    with op.batch_alter_table('sheet_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_image_race_id'), ['race_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sheet_image_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_sheet_image_station_id'), ['station_id'], unique=False)

    op.create_table('sheet_intake',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('seal_numbers', sa.JSON(), nullable=False),
    sa.Column('unknown_seals', sa.JSON(), nullable=False),
    sa.Column('forms_received', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('forms_received >= 0', name=op.f('ck_sheet_intake_forms_not_negative')),
    sa.ForeignKeyConstraint(['received_by_id'], ['user_account.id'], name=op.f('fk_sheet_intake_received_by_id_user_account')),
    sa.ForeignKeyConstraint(['station_id'], ['polling_station.id'], name=op.f('fk_sheet_intake_station_id_polling_station')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_intake'))
    )
    with op.batch_alter_table('sheet_intake', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_intake_station_id'), ['station_id'], unique=False)

    op.create_table('sheet_recall_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=True),
    sa.CheckConstraint('(decided_at IS NULL) = (approved IS NULL)', name=op.f('ck_sheet_recall_request_decided_with_outcome')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_sheet_recall_request_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_sheet_recall_request_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['sheet_id'], ['tally_sheet.id'], name=op.f('fk_sheet_recall_request_sheet_id_tally_sheet')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_recall_request'))
    )
    with op.batch_alter_table('sheet_recall_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_recall_request_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('sheet_unfiled_scan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=120), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('assigned_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_id'], ['sheet_image.id'], name=op.f('fk_sheet_unfiled_scan_assigned_id_sheet_image')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user_account.id'], name=op.f('fk_sheet_unfiled_scan_sent_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sheet_unfiled_scan')),
    sa.UniqueConstraint('sha256', name=op.f('uq_sheet_unfiled_scan_sha256'))
    )


def downgrade():
    op.drop_table('sheet_unfiled_scan')
    with op.batch_alter_table('sheet_recall_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_recall_request_sheet_id'))

    op.drop_table('sheet_recall_request')
    with op.batch_alter_table('sheet_intake', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_intake_station_id'))

    op.drop_table('sheet_intake')
    with op.batch_alter_table('sheet_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_image_station_id'))
        batch_op.drop_index(batch_op.f('ix_sheet_image_sha256'))
        batch_op.drop_index(batch_op.f('ix_sheet_image_race_id'))

    op.drop_table('sheet_image')

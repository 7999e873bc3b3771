"""observer_device_credential: an observer's device password for ODK Collect (OpenRosa, HTTP Basic)

Revision ID: e3a9c4b17d52
Revises: b7d21e5c9a43
Create Date: 2026-12-07 16:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e3a9c4b17d52'
down_revision = 'b7d21e5c9a43'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'observer_device_credential',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('observer_id', sa.Integer(), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['observer_id'], ['observer.id'],
                                name=op.f('fk_observer_device_credential_observer_id_observer'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_observer_device_credential')),
        sa.UniqueConstraint('observer_id', name=op.f('uq_observer_device_credential_observer_id')),
    )


def downgrade():
    op.drop_table('observer_device_credential')

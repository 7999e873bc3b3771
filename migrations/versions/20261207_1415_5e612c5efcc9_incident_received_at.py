"""observation_incident.received_at: the server's receipt time beside the phone's occurred_at

Revision ID: 5e612c5efcc9
Revises: 4813e730567b
Create Date: 2026-12-07 14:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = '5e612c5efcc9'
down_revision = '4813e730567b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('observation_incident', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('observation_incident', schema=None) as batch_op:
        batch_op.drop_column('received_at')

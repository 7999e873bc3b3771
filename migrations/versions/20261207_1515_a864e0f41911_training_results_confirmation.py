"""training_session: who recorded attendance and scores, and who confirmed them (certificates wait for it)

Revision ID: a864e0f41911
Revises: d5fc9bfc0e26
Create Date: 2026-12-07 15:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a864e0f41911'
down_revision = 'd5fc9bfc0e26'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_entered_by', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('results_confirmed_by', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('results_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    # Sessions whose certificates were issued before confirmation existed stand confirmed as they are.
    op.execute("UPDATE training_session SET results_confirmed_by = 'migration', results_confirmed_at = "
               "CURRENT_TIMESTAMP WHERE id IN (SELECT e.session_id FROM training_enrolment e "
               "JOIN training_certificate c ON c.enrolment_id = e.id)")


def downgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_column('results_confirmed_at')
        batch_op.drop_column('results_confirmed_by')
        batch_op.drop_column('results_entered_by')

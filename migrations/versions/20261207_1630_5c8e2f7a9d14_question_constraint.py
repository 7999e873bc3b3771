"""checklist_question.constraint: an XLSForm constraint beyond bounds (references to other answers, regex())

Revision ID: 5c8e2f7a9d14
Revises: e3a9c4b17d52
Create Date: 2026-12-07 16:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '5c8e2f7a9d14'
down_revision = 'e3a9c4b17d52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('constraint', sa.String(length=500), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_column('constraint')

"""checklist_question.choice_filter: XLSForm cascades ("district = ${district}" over the choices' columns)

Revision ID: d92b5e3f1c68
Revises: a41f6d2c8e07
Create Date: 2026-12-07 17:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd92b5e3f1c68'
down_revision = 'a41f6d2c8e07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('choice_filter', sa.String(length=500), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_column('choice_filter')

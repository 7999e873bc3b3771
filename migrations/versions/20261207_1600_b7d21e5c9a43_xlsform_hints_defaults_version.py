"""checklists keep an XLSForm's hints, constraint messages, defaults and its own version setting

Revision ID: b7d21e5c9a43
Revises: 7c3e9a41d2b6
Create Date: 2026-12-07 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b7d21e5c9a43'
down_revision = '7c3e9a41d2b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist_template', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_version', sa.String(length=40), server_default='', nullable=False))
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hints', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('constraint_message', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('default_value', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_column('default_value')
        batch_op.drop_column('constraint_message')
        batch_op.drop_column('hints')
    with op.batch_alter_table('checklist_template', schema=None) as batch_op:
        batch_op.drop_column('form_version')

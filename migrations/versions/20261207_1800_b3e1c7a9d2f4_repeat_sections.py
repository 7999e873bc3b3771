"""checklist_section.repeat and repeat_count: a section filled once per entry (XLSForm begin repeat)

Revision ID: b3e1c7a9d2f4
Revises: a98b7a4af0de
Create Date: 2026-12-07 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b3e1c7a9d2f4'
down_revision = 'a98b7a4af0de'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist_section', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeat', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('repeat_count', sa.String(length=500), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('checklist_section', schema=None) as batch_op:
        batch_op.drop_column('repeat_count')
        batch_op.drop_column('repeat')

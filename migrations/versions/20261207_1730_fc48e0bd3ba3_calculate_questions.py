"""checklist_question: "calculate" questions (XLSForm calculate) and their calculation; "datetime", "geopoint"

Revision ID: fc48e0bd3ba3
Revises: 97fa21a712ea
Create Date: 2026-12-07 17:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'fc48e0bd3ba3'
down_revision = '97fa21a712ea'
branch_labels = None
depends_on = None

BEFORE = "type IN ('yes_no', 'integer', 'decimal', 'single_choice', 'multiple_choice', 'text', 'time', 'note', 'date')"
AFTER = ("type IN ('yes_no', 'integer', 'decimal', 'single_choice', 'multiple_choice', 'text', 'time', 'note', "
         "'date', 'calculate', 'datetime', 'geopoint')")


def upgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calculation', sa.String(length=500), server_default='', nullable=False))
        batch_op.drop_constraint(op.f('ck_checklist_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_checklist_question_known_type'), AFTER)


def downgrade():
    # A checklist with calculated, date-time or position questions cannot go back: they would break the older constraint.
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklist_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_checklist_question_known_type'), BEFORE)
        batch_op.drop_column('calculation')

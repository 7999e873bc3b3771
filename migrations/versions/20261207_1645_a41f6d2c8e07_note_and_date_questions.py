"""checklist_question.type: "note" (shown, never answered) and "date", as XLSForm has them

Revision ID: a41f6d2c8e07
Revises: 5c8e2f7a9d14
Create Date: 2026-12-07 16:45:00

"""
from alembic import op

revision = 'a41f6d2c8e07'
down_revision = '5c8e2f7a9d14'
branch_labels = None
depends_on = None

BEFORE = "type IN ('yes_no', 'integer', 'decimal', 'single_choice', 'multiple_choice', 'text', 'time')"
AFTER = "type IN ('yes_no', 'integer', 'decimal', 'single_choice', 'multiple_choice', 'text', 'time', 'note', 'date')"


def upgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklist_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_checklist_question_known_type'), AFTER)


def downgrade():
    # A checklist with notes or dates cannot go back: its questions would break the older constraint.
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklist_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_checklist_question_known_type'), BEFORE)

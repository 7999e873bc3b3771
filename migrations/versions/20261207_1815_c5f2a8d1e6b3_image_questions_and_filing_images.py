"""checklist_question type "image" (XLSForm image); observation_filing_image: the photos filed with a checklist

Revision ID: c5f2a8d1e6b3
Revises: b3e1c7a9d2f4
Create Date: 2026-12-07 18:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c5f2a8d1e6b3'
down_revision = 'b3e1c7a9d2f4'
branch_labels = None
depends_on = None

BEFORE = ("type IN ('yes_no', 'integer', 'decimal', 'single_choice', 'multiple_choice', 'text', 'time', 'note', "
          "'date', 'calculate', 'datetime', 'geopoint')")
AFTER = ("type IN ('yes_no', 'integer', 'decimal', 'single_choice', 'multiple_choice', 'text', 'time', 'note', "
         "'date', 'calculate', 'datetime', 'geopoint', 'image')")


def upgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklist_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_checklist_question_known_type'), AFTER)
    op.create_table(
        'observation_filing_image',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('question_code', sa.String(length=40), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['observation_submission.id'],
                                name=op.f('fk_observation_filing_image_submission_id_observation_submission'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_observation_filing_image')),
        sa.UniqueConstraint('submission_id', 'filename', name=op.f('uq_observation_filing_image_submission_id_filename')),
    )
    with op.batch_alter_table('observation_filing_image', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_observation_filing_image_submission_id'), ['submission_id'],
                              unique=False)


def downgrade():
    # A checklist with image questions cannot go back: they would break the older constraint.
    with op.batch_alter_table('observation_filing_image', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_observation_filing_image_submission_id'))
    op.drop_table('observation_filing_image')
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_checklist_question_known_type'), type_='check')
        batch_op.create_check_constraint(op.f('ck_checklist_question_known_type'), BEFORE)

"""checklist_question.media and checklist_media: the pictures an XLSForm names (media::image), with the form

Revision ID: d7a3b9e2f5c1
Revises: c5f2a8d1e6b3
Create Date: 2026-12-07 18:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd7a3b9e2f5c1'
down_revision = 'c5f2a8d1e6b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('media', sa.JSON(), server_default='{}', nullable=False))
    op.create_table(
        'checklist_media',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('template_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=120), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('md5', sa.String(length=32), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['template_id'], ['checklist_template.id'],
                                name=op.f('fk_checklist_media_template_id_checklist_template'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_media')),
        sa.UniqueConstraint('template_id', 'filename', name=op.f('uq_checklist_media_template_id_filename')),
    )
    with op.batch_alter_table('checklist_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_media_template_id'), ['template_id'], unique=False)


def downgrade():
    with op.batch_alter_table('checklist_media', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_media_template_id'))
    op.drop_table('checklist_media')
    with op.batch_alter_table('checklist_question', schema=None) as batch_op:
        batch_op.drop_column('media')

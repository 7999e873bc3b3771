"""sheet_image.observer_id: an observer's photo of the posted sheet (PVT), kept apart from the official evidence

Revision ID: a98b7a4af0de
Revises: fc48e0bd3ba3
Create Date: 2026-12-07 17:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a98b7a4af0de'
down_revision = 'fc48e0bd3ba3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sheet_image', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sheet_image_observer_id'), ['observer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sheet_image_observer_id_observer'), 'observer',
                                    ['observer_id'], ['id'])
    # Photos observers sent before this revision were filed as the sheet's: they are the observer's.
    op.execute("UPDATE sheet_image SET observer_id = (SELECT observer.id FROM observer"
               " WHERE observer.user_id = sheet_image.sent_by_id) WHERE source IN ('phone', 'api')")


def downgrade():
    with op.batch_alter_table('sheet_image', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sheet_image_observer_id_observer'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sheet_image_observer_id'))
        batch_op.drop_column('observer_id')

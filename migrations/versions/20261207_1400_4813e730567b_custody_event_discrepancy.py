"""logistics_custody_event.discrepancy_id: the discrepancy a finding or resolution is about, so a seal's or
serial's history shows only its own

Revision ID: 4813e730567b
Revises: 1dc7258ccf67
Create Date: 2026-12-07 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '4813e730567b'
down_revision = '1dc7258ccf67'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('logistics_custody_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discrepancy_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_logistics_custody_event_discrepancy_id'), ['discrepancy_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_logistics_custody_event_discrepancy_id_logistics_discrepancy'),
                                    'logistics_discrepancy', ['discrepancy_id'], ['id'])
    # Events about a seal name it: link them to that seal's discrepancy in the same consignment
    # (one per seal and consignment). Events about an item's count stay unlinked; the history
    # reads those as before.
    op.execute("UPDATE logistics_custody_event SET discrepancy_id = ("
               "SELECT MIN(d.id) FROM logistics_discrepancy d "
               "WHERE d.consignment_id = logistics_custody_event.consignment_id "
               "AND d.seal_number = logistics_custody_event.seal_number) "
               "WHERE kind IN ('discrepancy', 'resolved') AND seal_number IS NOT NULL")


def downgrade():
    with op.batch_alter_table('logistics_custody_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_logistics_custody_event_discrepancy_id_logistics_discrepancy'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_logistics_custody_event_discrepancy_id'))
        batch_op.drop_column('discrepancy_id')

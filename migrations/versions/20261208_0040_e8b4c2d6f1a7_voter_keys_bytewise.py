"""voter: blocking keys, import key and ID number in the "C" collation on PostgreSQL (models.bytewise_string)

Revision ID: e8b4c2d6f1a7
Revises: d7a3b9e2f5c1
Create Date: 2026-12-08 00:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e8b4c2d6f1a7'
down_revision = 'd7a3b9e2f5c1'
branch_labels = None
depends_on = None

# (column, length, nullable): compared for equality only, so the collation changes no result.
COLUMNS = (('id_number', 64, True), ('key_names', 80, False), ('key_given', 40, False), ('key_family', 40, False),
           ('key_last', 80, False), ('import_key', 32, True))


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite compares bytes already
    for name, length, nullable in COLUMNS:
        op.alter_column('voter', name, type_=sa.String(length, collation='C'), existing_type=sa.String(length),
                        existing_nullable=nullable)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, length, nullable in COLUMNS:
        op.alter_column('voter', name, type_=sa.String(length), existing_type=sa.String(length, collation='C'),
                        existing_nullable=nullable)

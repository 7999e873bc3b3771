"""voter_import_job.status: "loading", the stage of a bulk load (checked and written in one transaction)

Revision ID: 5d2e8c4b7a91
Revises: 3c1f0a9d2b7e
Create Date: 2026-11-26 01:00:00

"""
from alembic import op

revision = '5d2e8c4b7a91'
down_revision = '3c1f0a9d2b7e'
branch_labels = None
depends_on = None

BEFORE = "status IN ('queued', 'checking', 'writing', 'scanning', 'finished', 'refused', 'failed')"
AFTER = "status IN ('queued', 'checking', 'loading', 'writing', 'scanning', 'finished', 'refused', 'failed')"


def upgrade():
    with op.batch_alter_table('voter_import_job', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_voter_import_job_known_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_voter_import_job_known_status'), AFTER)


def downgrade():
    # A job caught loading by the downgrade was cut off mid-load; its load rolled back.
    op.execute("UPDATE voter_import_job SET status = 'failed' WHERE status = 'loading'")
    with op.batch_alter_table('voter_import_job', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_voter_import_job_known_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_voter_import_job_known_status'), BEFORE)

"""sign_in_throttle replaces the account lock-out; user_session: signing out ends a session on the server

Revision ID: 839ac137208c
Revises: 4c704e6c7c64
Create Date: 2026-12-07 14:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = '839ac137208c'
down_revision = '4c704e6c7c64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_throttle',
                    sa.Column('key', sa.String(length=64), nullable=False),
                    sa.Column('failures', sa.Integer(), nullable=False),
                    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle')))
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failed_at'), ['last_failed_at'], unique=False)
    op.create_table('user_session',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('token_digest', sa.String(length=64), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                            name=op.f('fk_user_session_user_id_user_account'), ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
                    sa.UniqueConstraint('token_digest', name=op.f('uq_user_session_token_digest')))
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
    # Locks go: whoever was locked out signs in again (throttled like anyone else).
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_at')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_session_created_at'))
    op.drop_table('user_session')
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_throttle_last_failed_at'))
    op.drop_table('sign_in_throttle')

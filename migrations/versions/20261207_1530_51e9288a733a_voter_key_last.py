"""voter.key_last: a blocking key on the last given and last family names (a first given name
dropped or added); every voter's blocking keys recomputed (names written joined are now parted)

Revision ID: 51e9288a733a
Revises: a864e0f41911
Create Date: 2026-12-07 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '51e9288a733a'
down_revision = 'a864e0f41911'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_last', sa.String(length=80), server_default='', nullable=False))
        batch_op.create_index('ix_voter_key_last_year', ['key_last', 'birth_year'], unique=False)
    recompute_keys(op.get_bind())


def recompute_keys(connection):
    """Every voter's blocking keys worked out again by the application's one definition of them.

    The keys are not a copy of anything a user typed: they are derived from the names by
    services/dedup.keys, which this revision changes (a new key, joined names parted), so
    they are recomputed here rather than by a rule copied into the migration.
    """
    from electoral.registration.services.dedup import keys

    voter = sa.table('voter', sa.column('id', sa.Integer), sa.column('given_names', sa.String),
                     sa.column('family_name', sa.String), sa.column('sex', sa.String),
                     sa.column('key_names', sa.String), sa.column('key_given', sa.String),
                     sa.column('key_family', sa.String), sa.column('key_last', sa.String))
    last_id = 0
    while True:
        rows = connection.execute(sa.select(voter.c.id, voter.c.given_names, voter.c.family_name, voter.c.sex)
                                  .where(voter.c.id > last_id).order_by(voter.c.id).limit(BATCH)).all()
        if not rows:
            return
        values = []
        for voter_id, given, family, sex in rows:
            key_names, key_given, key_family, key_last = keys(given, family, sex)
            values.append({"voter_id": voter_id, "key_names": key_names, "key_given": key_given,
                           "key_family": key_family, "key_last": key_last})
        connection.execute(voter.update().where(voter.c.id == sa.bindparam("voter_id"))
                           .values(key_names=sa.bindparam("key_names"), key_given=sa.bindparam("key_given"),
                                   key_family=sa.bindparam("key_family"), key_last=sa.bindparam("key_last")),
                           values)
        last_id = rows[-1][0]


def downgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_index('ix_voter_key_last_year')
        batch_op.drop_column('key_last')

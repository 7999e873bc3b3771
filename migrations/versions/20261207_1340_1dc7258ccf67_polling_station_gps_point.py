"""polling_station: latitude and longitude of its own (a GPS reading per station); centres' points derive from them

Revision ID: 1dc7258ccf67
Revises: f2974446b9c0
Create Date: 2026-12-07 13:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '1dc7258ccf67'
down_revision = 'f2974446b9c0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('polling_station', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_polling_station_latitude_range'),
                                         'latitude IS NULL OR (latitude >= -90 AND latitude <= 90)')
        batch_op.create_check_constraint(batch_op.f('ck_polling_station_longitude_range'),
                                         'longitude IS NULL OR (longitude >= -180 AND longitude <= 180)')
        batch_op.create_check_constraint(batch_op.f('ck_polling_station_both_coordinates'),
                                         '(latitude IS NULL) = (longitude IS NULL)')
    # Until now a file's point on a station's row was kept as its centre's: each station
    # gets that point back, so importing the same file again changes nothing.
    op.execute("UPDATE polling_station SET "
               "latitude = (SELECT c.latitude FROM polling_centre c WHERE c.id = polling_station.centre_id), "
               "longitude = (SELECT c.longitude FROM polling_centre c WHERE c.id = polling_station.centre_id)")


def downgrade():
    with op.batch_alter_table('polling_station', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_polling_station_both_coordinates'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_polling_station_longitude_range'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_polling_station_latitude_range'), type_='check')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

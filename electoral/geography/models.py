"""Regions, districts, polling centres and polling stations."""

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited
from electoral.extensions import db

# Voters one polling station serves when nobody says otherwise: the planning figure of the stations
# proposed from the roll, the station form, imports and the CLI. About a voter a minute over a
# ten- to twelve-hour polling day, the size electoral bodies commonly plan a station for.
DEFAULT_STATION_CAPACITY = 600


class Region(Audited, db.Model):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    districts: Mapped[list["District"]] = relationship(back_populates="region", order_by="District.code")

    @property
    def level(self) -> str:
        return "region"

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class District(Audited, db.Model):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="districts")
    centres: Mapped[list["PollingCentre"]] = relationship(back_populates="district", order_by="PollingCentre.code")

    @property
    def level(self) -> str:
        return "district"

    def __repr__(self) -> str:
        return f"<District {self.code}>"


class PollingCentre(Audited, db.Model):
    __tablename__ = "polling_centre"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="both_coordinates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    district: Mapped[District] = relationship(back_populates="centres")
    stations: Mapped[list["PollingStation"]] = relationship(back_populates="centre", order_by="PollingStation.code")

    @property
    def level(self) -> str:
        return "centre"

    def __repr__(self) -> str:
        return f"<PollingCentre {self.code}>"


class PollingStation(Audited, db.Model):
    __tablename__ = "polling_station"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="both_coordinates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    centre_id: Mapped[int] = mapped_column(ForeignKey("polling_centre.id"), index=True)
    capacity: Mapped[int] = mapped_column(Integer, default=DEFAULT_STATION_CAPACITY)
    # The GPS reading field teams take at the station itself; the centre's point is derived from these.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    centre: Mapped[PollingCentre] = relationship(back_populates="stations")

    @property
    def point(self) -> tuple[float, float] | None:
        """Where the station is: its own reading, else its centre's point, else None."""
        if self.latitude is not None:
            return self.latitude, self.longitude
        if self.centre is not None and self.centre.latitude is not None:
            return self.centre.latitude, self.centre.longitude
        return None

    @property
    def level(self) -> str:
        return "station"

    def __repr__(self) -> str:
        return f"<PollingStation {self.code}>"

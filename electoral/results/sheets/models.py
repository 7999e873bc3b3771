"""Images of tally sheets (photos and scans), pages waiting to be filed by hand, recalls, intake of bags."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited
from electoral.extensions import db
from electoral.geography.models import PollingStation

IMAGE_SOURCES = ("phone", "api", "scan", "clerk")


class SheetImage(Audited, db.Model):
    """One image of the signed tally sheet of a race at a station, stored under its SHA-256.

    Keyed by race and station, not by TallySheet, because a photo arrives before any entry.
    A second different image of the same sheet is kept beside the first and ``flagged``.
    An observer's photo of the posted sheet (PVT) names its ``observer``: it is the observer's
    evidence, compared on the quick-count page, never the official sheet's (public page, open data).
    """

    __tablename__ = "sheet_image"
    __table_args__ = (
        UniqueConstraint("race_id", "station_id", "sha256"),
        CheckConstraint("source IN ('phone', 'api', 'scan', 'clerk')", name="known_source"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="both_coordinates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # A generated name in the tally-sheet image store (results/sheets/images.py), never a path from a request.
    path: Mapped[str] = mapped_column(String(120))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(10))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The server's time is what the commission trusts; the device's is kept as sent.
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    device_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("observer.id"), index=True)

    station: Mapped[PollingStation] = relationship()
    sent_by: Mapped["User | None"] = relationship()  # noqa: F821


class UnfiledScan(Audited, db.Model):
    """A scanned page whose QR code could not be read: waits for a clerk to file it by hand."""

    __tablename__ = "sheet_unfiled_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(120))
    original_name: Mapped[str] = mapped_column(String(200), default="")
    page: Mapped[int] = mapped_column(Integer, default=1)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    assigned_id: Mapped[int | None] = mapped_column(ForeignKey("sheet_image.id"))


class RecallRequest(Audited, db.Model):
    """A supervisor's request to send an accepted sheet back to clearance; a second supervisor decides."""

    __tablename__ = "sheet_recall_request"
    __table_args__ = (CheckConstraint("(decided_at IS NULL) = (approved IS NULL)", name="decided_with_outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheet.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved: Mapped[bool | None] = mapped_column(Boolean)

    requested_by: Mapped["User"] = relationship(foreign_keys=[requested_by_id])  # noqa: F821


class IntakeRecord(Audited, db.Model):
    """A station's envelope or tamper-evident bag received at the tally centre, with its seals checked."""

    __tablename__ = "sheet_intake"
    __table_args__ = (CheckConstraint("forms_received >= 0", name="forms_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    seal_numbers: Mapped[list[str]] = mapped_column(JSON)
    # Seals on the bag that logistics never sent to the station's centre: flagged for the supervisor.
    unknown_seals: Mapped[list[str]] = mapped_column(JSON)
    forms_received: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    station: Mapped[PollingStation] = relationship()

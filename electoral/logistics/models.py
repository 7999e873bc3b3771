"""Materials and their rules, warehouses and stock, consignments, custody, discrepancies, staffing."""

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from electoral.core.models import Audited, sql_in, utcnow
from electoral.extensions import db
from electoral.geography.models import District, PollingCentre, PollingStation, Region
from electoral.training.models import Official

BASES = ("station", "voter", "centre")
WAREHOUSE_LEVELS = ("central", "hub", "district")
CONSIGNMENT_KINDS = ("outbound", "return")
CONSIGNMENT_STATES = ("draft", "dispatched", "received")
SEAL_STATES = ("intact", "broken", "missing")
CONDITIONS = ("used", "unused", "spoilt")
DISCREPANCY_KINDS = ("shortage", "surplus", "broken_seal", "missing_seal", "wrong_seal")
EVENT_KINDS = ("dispatched", "received", "discrepancy", "resolved", "returned", "corrected")



class Item(Audited, db.Model):
    """A material in the catalogue with its quantity rule (data the officer edits)."""

    __tablename__ = "logistics_item"
    __table_args__ = (
        CheckConstraint("pack_size >= 1", name="pack_size_positive"),
        CheckConstraint("amount >= 1", name="amount_positive"),
        CheckConstraint("per_voters >= 1", name="per_voters_positive"),
        CheckConstraint("buffer_percent >= 0 AND buffer_percent <= 100", name="buffer_range"),
        CheckConstraint("minimum >= 0", name="minimum_not_negative"),
        CheckConstraint(sql_in("basis", BASES), name="known_basis"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40))
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    # Comes back after polling and is reconciled against what was sent.
    returnable: Mapped[bool] = mapped_column(Boolean, default=False)
    serialised: Mapped[bool] = mapped_column(Boolean, default=False)
    # The quantity rule: `amount` units per station, per centre, or per `per_voters` voters,
    # plus `buffer_percent`, at least `minimum`, rounded up to whole packs.
    basis: Mapped[str] = mapped_column(String(10), default="station")
    amount: Mapped[int] = mapped_column(Integer, default=1)
    per_voters: Mapped[int] = mapped_column(Integer, default=1)
    buffer_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    minimum: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AllocationRun(Audited, db.Model):
    """One recomputation of the allocation from the roll, with the national totals it found."""

    __tablename__ = "logistics_allocation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    computed_by: Mapped[str] = mapped_column(String(80))
    roll_frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    stations: Mapped[int] = mapped_column(Integer)
    centres: Mapped[int] = mapped_column(Integer)
    voters: Mapped[int] = mapped_column(Integer)
    totals: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {district code: {item code: quantity}}, for the district stores' shortfall.
    district_totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Warehouse(Audited, db.Model):
    __tablename__ = "logistics_warehouse"
    __table_args__ = (
        CheckConstraint(sql_in("level", WAREHOUSE_LEVELS), name="known_level"),
        CheckConstraint("level != 'hub' OR region_id IS NOT NULL", name="hub_in_region"),
        CheckConstraint("level != 'district' OR district_id IS NOT NULL", name="store_in_district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(10))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)

    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()

    @property
    def area(self):
        """The geographic area whose officers act for this warehouse (None: national)."""
        return self.district or self.region


class StockReceipt(Audited, db.Model):
    """Stock that arrived at a warehouse from a supplier, with its serial range if numbered."""

    __tablename__ = "logistics_stock_receipt"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("(serial_from IS NULL) = (serial_to IS NULL)", name="both_serials"),
        CheckConstraint("serial_from IS NULL OR serial_to >= serial_from", name="serial_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("logistics_warehouse.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("logistics_item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    serial_from: Mapped[int | None] = mapped_column(Integer)
    serial_to: Mapped[int | None] = mapped_column(Integer)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    received_by: Mapped[str] = mapped_column(String(80))

    warehouse: Mapped[Warehouse] = relationship()
    item: Mapped[Item] = relationship()


class Consignment(Audited, db.Model):
    """Materials moving from one place (warehouse or centre) to the next."""

    __tablename__ = "logistics_consignment"
    __table_args__ = (
        CheckConstraint(sql_in("kind", CONSIGNMENT_KINDS), name="known_kind"),
        CheckConstraint(sql_in("status", CONSIGNMENT_STATES), name="known_status"),
        CheckConstraint("(origin_warehouse_id IS NULL) != (origin_centre_id IS NULL)", name="one_origin"),
        CheckConstraint("(destination_warehouse_id IS NULL) != (destination_centre_id IS NULL)",
                        name="one_destination"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="outbound")
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    origin_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_warehouse.id"), index=True)
    origin_centre_id: Mapped[int | None] = mapped_column(ForeignKey("polling_centre.id"), index=True)
    destination_warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_warehouse.id"),
                                                                 index=True)
    destination_centre_id: Mapped[int | None] = mapped_column(ForeignKey("polling_centre.id"), index=True)
    # The districts the origin and destination lie in (None for a hub or the central warehouse),
    # so district officers find what leaves and what reaches their district.
    origin_district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    destination_district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    vehicle: Mapped[str] = mapped_column(String(80), default="")
    driver: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    dispatched_by: Mapped[str | None] = mapped_column(String(80))
    dispatched_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    received_by: Mapped[str | None] = mapped_column(String(80))
    received_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    origin_warehouse: Mapped[Warehouse | None] = relationship(foreign_keys=[origin_warehouse_id])
    origin_centre: Mapped[PollingCentre | None] = relationship(foreign_keys=[origin_centre_id])
    destination_warehouse: Mapped[Warehouse | None] = relationship(foreign_keys=[destination_warehouse_id])
    destination_centre: Mapped[PollingCentre | None] = relationship(foreign_keys=[destination_centre_id])
    lines: Mapped[list["ConsignmentLine"]] = relationship(back_populates="consignment", order_by="ConsignmentLine.id",
                                                          cascade="all, delete-orphan")
    seals: Mapped[list["ConsignmentSeal"]] = relationship(back_populates="consignment",
                                                          order_by="ConsignmentSeal.id",
                                                          cascade="all, delete-orphan")

    @property
    def origin(self):
        return self.origin_warehouse or self.origin_centre

    @property
    def destination(self):
        return self.destination_warehouse or self.destination_centre


class ConsignmentLine(Audited, db.Model):
    __tablename__ = "logistics_consignment_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received_quantity IS NULL OR received_quantity >= 0", name="received_not_negative"),
        CheckConstraint("(serial_from IS NULL) = (serial_to IS NULL)", name="both_serials"),
        CheckConstraint("serial_from IS NULL OR serial_to >= serial_from", name="serial_order"),
        CheckConstraint("condition IS NULL OR " + sql_in("condition", CONDITIONS), name="known_condition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consignment_id: Mapped[int] = mapped_column(ForeignKey("logistics_consignment.id", ondelete="CASCADE"),
                                                index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("logistics_item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    serial_from: Mapped[int | None] = mapped_column(Integer)
    serial_to: Mapped[int | None] = mapped_column(Integer)
    # On a return: whether the ballots came back used, unused or spoilt.
    condition: Mapped[str | None] = mapped_column(String(10))
    received_quantity: Mapped[int | None] = mapped_column(Integer)

    consignment: Mapped[Consignment] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class ConsignmentSeal(Audited, db.Model):
    __tablename__ = "logistics_consignment_seal"
    __table_args__ = (
        UniqueConstraint("consignment_id", "number"),
        CheckConstraint("state IS NULL OR " + sql_in("state", SEAL_STATES), name="known_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consignment_id: Mapped[int] = mapped_column(ForeignKey("logistics_consignment.id", ondelete="CASCADE"),
                                                index=True)
    number: Mapped[str] = mapped_column(String(40), index=True)
    state: Mapped[str | None] = mapped_column(String(10))

    consignment: Mapped[Consignment] = relationship(back_populates="seals")


class Discrepancy(Audited, db.Model):
    """A shortage, surplus or seal problem found on receipt; open until a supervisor resolves it."""

    __tablename__ = "logistics_discrepancy"
    __table_args__ = (
        CheckConstraint(sql_in("kind", DISCREPANCY_KINDS), name="known_kind"),
        CheckConstraint("status IN ('open', 'resolved')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consignment_id: Mapped[int] = mapped_column(ForeignKey("logistics_consignment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(15))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_item.id"))
    seal_number: Mapped[str | None] = mapped_column(String(40), index=True)
    expected: Mapped[int | None] = mapped_column(Integer)
    found: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    resolution: Mapped[str | None] = mapped_column(String(500))

    consignment: Mapped[Consignment] = relationship()
    item: Mapped[Item | None] = relationship()


class CustodyEvent(Audited, db.Model):
    """One hand-over or finding in the chain of custody; append-only."""

    __tablename__ = "logistics_custody_event"
    __table_args__ = (
        CheckConstraint(sql_in("kind", EVENT_KINDS), name="known_kind"),
        # A consignment is received once; a second receipt would count its stock twice.
        Index("uq_logistics_custody_event_one_receipt", "consignment_id", unique=True,
              postgresql_where=text("kind = 'received'"), sqlite_where=text("kind = 'received'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consignment_id: Mapped[int] = mapped_column(ForeignKey("logistics_consignment.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    username: Mapped[str] = mapped_column(String(80))
    place: Mapped[str] = mapped_column(String(250))
    seal_number: Mapped[str | None] = mapped_column(String(40), index=True)
    # The discrepancy a "discrepancy" or "resolved" event is about, so a seal's or a
    # serial's history shows its own findings and not its consignment's other ones.
    discrepancy_id: Mapped[int | None] = mapped_column(ForeignKey("logistics_discrepancy.id"), index=True)
    note: Mapped[str] = mapped_column(String(500), default="")

    consignment: Mapped[Consignment] = relationship()
    discrepancy: Mapped[Discrepancy | None] = relationship()


@event.listens_for(Session, "before_flush")
def _custody_is_append_only(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, CustodyEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise ValueError("custody events are append-only")


class StaffAssignment(Audited, db.Model):
    """An official deployed to a position at a polling station on polling day."""

    __tablename__ = "logistics_staff_assignment"
    __table_args__ = (
        UniqueConstraint("official_id", "polling_day", name="one_station_a_day"),
        UniqueConstraint("station_id", "position_code", "slot", "polling_day"),
        CheckConstraint("slot >= 1", name="slot_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    position_code: Mapped[str] = mapped_column(String(32))
    slot: Mapped[int] = mapped_column(Integer, default=1)
    official_id: Mapped[int] = mapped_column(ForeignKey("training_official.id"), index=True)
    polling_day: Mapped[dt.date] = mapped_column(Date)
    assigned_by: Mapped[str] = mapped_column(String(80))

    station: Mapped[PollingStation] = relationship()
    official: Mapped[Official] = relationship()


class StationIssue(Audited, db.Model):
    """Materials handed at the polling centre to one of its stations' presiding officers.

    The quantity of ballot papers a station received: the results' tally sheet shows
    it instead of asking the clerk to type it.
    """

    __tablename__ = "logistics_station_issue"
    __table_args__ = (
        UniqueConstraint("station_id", "item_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("(serial_from IS NULL) = (serial_to IS NULL)", name="both_serials"),
        CheckConstraint("serial_from IS NULL OR serial_to >= serial_from", name="serial_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("logistics_item.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    serial_from: Mapped[int | None] = mapped_column(Integer)
    serial_to: Mapped[int | None] = mapped_column(Integer)
    # The presiding officer who signed for the materials, as written on the hand-over form.
    received_by: Mapped[str] = mapped_column(String(200))
    issued_by: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    station: Mapped[PollingStation] = relationship()
    item: Mapped[Item] = relationship()

"""Warehouses (central, regional hubs, district stores), stock received and stock on hand."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core.errors import ValidationFailed
from electoral.geography.models import District, Region
from electoral.logistics.models import (
    WAREHOUSE_LEVELS,
    Consignment,
    ConsignmentLine,
    Item,
    StockReceipt,
    Warehouse,
)


def list_warehouses(session: Session) -> list[Warehouse]:
    order = {level: i for i, level in enumerate(WAREHOUSE_LEVELS)}
    return sorted(session.scalars(select(Warehouse)), key=lambda w: (order[w.level], w.code))


def find_warehouse(session: Session, code: str) -> Warehouse | None:
    return session.scalar(select(Warehouse).where(Warehouse.code == (code or "").strip().upper()))


def save_warehouse(session: Session, code: str, name: str, level: str, area: Region | District | None = None,
                   warehouse: Warehouse | None = None) -> Warehouse:
    """Create or change a warehouse: the central one (no area), a regional hub or a district store."""
    errors: dict[str, list[str]] = {}
    code = (code or "").strip().upper()
    if not code:
        errors["code"] = [_("A code is required.")]
    else:
        other = session.scalar(select(Warehouse.id).where(Warehouse.code == code))
        if other is not None and (warehouse is None or other != warehouse.id):
            errors["code"] = [_("The code %(code)s is already used.", code=code)]
    if not (name or "").strip():
        errors["name"] = [_("A name is required.")]
    if level not in WAREHOUSE_LEVELS:
        errors["level"] = [_("Choose central warehouse, regional hub or district store.")]
    elif level == "hub" and not isinstance(area, Region):
        errors["area_code"] = [_("A regional hub needs the code of its region.")]
    elif level == "district" and not isinstance(area, District):
        errors["area_code"] = [_("A district store needs the code of its district.")]
    if errors:
        raise ValidationFailed(errors)
    warehouse = warehouse or Warehouse()
    warehouse.code, warehouse.name, warehouse.level = code, name.strip(), level
    warehouse.region = area if level == "hub" else (area.region if level == "district" else None)
    warehouse.district = area if level == "district" else None
    session.add(warehouse)
    session.flush()
    return warehouse


def receive_stock(session: Session, warehouse: Warehouse, item: Item, quantity: int,
                  serial_from: int | None = None, serial_to: int | None = None, supplier: str = "", *,
                  user: User) -> StockReceipt:
    """Record stock arriving from a supplier, received by ``user``; a numbered item must come with its serial range."""
    errors: dict[str, list[str]] = {}
    if quantity is None or quantity < 1:
        errors["quantity"] = [_("Give a quantity of at least 1.")]
    if (serial_from is None) != (serial_to is None):
        errors["serial_to"] = [_("Give both the first and the last serial number, or neither.")]
    elif serial_from is not None:
        if serial_to < serial_from:
            errors["serial_to"] = [_("The last serial number comes before the first.")]
        elif quantity and serial_to - serial_from + 1 != quantity:
            errors["serial_to"] = [_("Serials %(first)s to %(last)s are %(count)s numbers, not %(quantity)s.",
                                     first=serial_from, last=serial_to, count=serial_to - serial_from + 1,
                                     quantity=quantity)]
        else:
            overlap = session.scalar(select(StockReceipt.id).where(
                StockReceipt.item_id == item.id, StockReceipt.serial_from <= serial_to,
                StockReceipt.serial_to >= serial_from).limit(1))
            if overlap is not None:
                errors["serial_from"] = [_("Some of these serial numbers were already received.")]
    elif item.serialised:
        errors["serial_from"] = [_("%(item)s is numbered: give the serial range.", item=item.name)]
    if errors:
        raise ValidationFailed(errors)
    receipt = StockReceipt(warehouse=warehouse, item=item, quantity=quantity, serial_from=serial_from,
                           serial_to=serial_to, supplier=(supplier or "").strip(),
                           received_by=user.username)
    session.add(receipt)
    session.flush()
    return receipt


def on_hand(session: Session, warehouse: Warehouse) -> dict[int, int]:
    """Units of each item (by id) in the warehouse: received + consignments in - consignments out."""
    totals: dict[int, int] = dict(session.execute(
        select(StockReceipt.item_id, func.sum(StockReceipt.quantity))
        .where(StockReceipt.warehouse_id == warehouse.id).group_by(StockReceipt.item_id)).all())
    incoming = session.execute(
        select(ConsignmentLine.item_id, func.sum(ConsignmentLine.received_quantity))
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .where(Consignment.destination_warehouse_id == warehouse.id, Consignment.status == "received")
        .group_by(ConsignmentLine.item_id))
    outgoing = session.execute(
        select(ConsignmentLine.item_id, func.sum(ConsignmentLine.quantity))
        .join(Consignment, Consignment.id == ConsignmentLine.consignment_id)
        .where(Consignment.origin_warehouse_id == warehouse.id, Consignment.status != "draft")
        .group_by(ConsignmentLine.item_id))
    for item_id, qty in incoming:
        totals[item_id] = totals.get(item_id, 0) + int(qty or 0)
    for item_id, qty in outgoing:
        totals[item_id] = totals.get(item_id, 0) - int(qty or 0)
    return {k: int(v) for k, v in totals.items()}


def stock_rows(session: Session, warehouse: Warehouse) -> list[tuple[Item, int]]:
    """Every item with its units on hand in the warehouse, in catalogue order."""
    held = on_hand(session, warehouse)
    items = session.scalars(select(Item).where(Item.id.in_(list(held))).order_by(Item.code)) if held else []
    return [(item, held[item.id]) for item in items]

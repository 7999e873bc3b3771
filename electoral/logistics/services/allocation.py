"""Voter counts from the roll, stations from the roll, and the allocation of materials at every level."""

import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.accounts.models import User
from electoral.core.tabular import SafeCsvWriter
from electoral.geography.models import (
    DEFAULT_STATION_CAPACITY,
    District,
    PollingCentre,
    PollingStation,
    Region,
)
from electoral.logistics.models import AllocationRun, Item, StockReceipt
from electoral.logistics.services.catalogue import Rule, quantities, quantity
from electoral.registration.services.counts import (
    registered_voters_by_centre,
    registered_voters_by_station,
    roll_has_voters,
    unassigned_voters,
)

LEVELS = ("station", "centre", "district", "region", "national")


# ---- the one place logistics reads the roll ------------------------------

def roll_exists(session: Session) -> bool:
    """True once the election is configured and has at least one registered voter."""
    from electoral.registration.services import election

    return election.current(session) is not None and roll_has_voters(session)


def roll_state(session: Session) -> tuple[bool, bool]:
    """(a roll exists, it is frozen) in one look at the election."""
    from electoral.registration.services import election

    current = election.current(session)
    if current is None:
        return False, False
    exists = roll_has_voters(session)
    return exists, exists and current.roll_frozen_at is not None


def roll_frozen(session: Session) -> bool:
    from electoral.registration.services import election

    return election.is_frozen(session)


# ---- stations from the roll ----------------------------------------------

@dataclass(frozen=True)
class StationProposal:
    centre_id: int
    centre_code: str
    centre_name: str
    voters: int
    existing: int
    needed: int

    @property
    def missing(self) -> int:
        return max(self.needed - self.existing, 0)


def station_capacity(asked: int | None) -> int:
    """The voters a new station serves: what the officer asked for, or the default when nothing sensible was."""
    return asked if asked is not None and asked > 0 else DEFAULT_STATION_CAPACITY


def propose_stations(session: Session, capacity: int = DEFAULT_STATION_CAPACITY,
                     voters_by_centre: dict[int, int] | None = None) -> list[StationProposal]:
    """For every centre with voters, the stations it needs: ceil(registered / capacity)."""
    if capacity < 1:
        raise ValueError("capacity must be positive")
    counts = registered_voters_by_centre(session) if voters_by_centre is None else voters_by_centre
    existing = dict(session.execute(select(PollingStation.centre_id, func.count()).group_by(
        PollingStation.centre_id)).all())
    rows = session.execute(select(PollingCentre.id, PollingCentre.code, PollingCentre.name)
                           .order_by(PollingCentre.code))
    return [StationProposal(cid, code, name, counts[cid], existing.get(cid, 0), -(-counts[cid] // capacity))
            for cid, code, name in rows if counts.get(cid)]


def create_missing_stations(session: Session, capacity: int = DEFAULT_STATION_CAPACITY,
                            voters_by_centre: dict[int, int] | None = None) -> int:
    """Create every missing station of the proposal in one audited action; return how many."""
    from electoral.geography.services import save_station

    created = 0
    for proposal in propose_stations(session, capacity, voters_by_centre):
        if not proposal.missing:
            continue
        centre = session.get(PollingCentre, proposal.centre_id)
        used = set(session.scalars(select(PollingStation.code).where(PollingStation.code.like(f"{centre.code}-%"))))
        number = proposal.existing
        for _n in range(proposal.missing):
            number += 1
            while f"{centre.code}-{number:02d}" in used:
                number += 1
            save_station(session, f"{centre.code}-{number:02d}", _("%(centre)s, station %(number)d",
                                                                    centre=centre.name, number=number),
                         centre, capacity)
            created += 1
    return created


# ---- allocation ----------------------------------------------------------

@dataclass
class Allocation:
    """Quantities of every active item per station and summed per centre, district, region, nation.

    Rows are plain lists: [code, parent codes..., stations, voters, quantity per item].
    """

    items: list[tuple[str, str]]  # (code, name) in column order
    units: dict[str, str] = field(default_factory=dict)  # item code -> unit
    bases: dict[str, str] = field(default_factory=dict)  # item code -> station, voter or centre
    stations: list[list] = field(default_factory=list)
    centres: dict[str, list] = field(default_factory=dict)
    districts: dict[str, list] = field(default_factory=dict)
    regions: dict[str, list] = field(default_factory=dict)
    national: list = field(default_factory=list)
    unassigned_voters: int = 0

    def level(self, level: str) -> list[list]:
        """Rows of one level, with the codes of the areas above each row."""
        if level == "station":
            return self.stations
        if level == "national":
            return [self.national]
        return list({"centre": self.centres, "district": self.districts, "region": self.regions}[level].values())

    def header(self, level: str) -> list[str]:
        codes = {"station": ["region", "district", "centre", "station"], "centre": ["region", "district", "centre"],
                 "district": ["region", "district"], "region": ["region"], "national": []}[level]
        return [f"{c}_code" for c in codes] + ["stations", "voters"] + [code for code, _name in self.items]

    def national_totals(self) -> dict[str, int]:
        return {code: self.national[2 + i] for i, (code, _name) in enumerate(self.items)}

    def district_totals(self) -> dict[str, dict[str, int]]:
        return {dcode: {code: row[4 + i] for i, (code, _name) in enumerate(self.items)}
                for dcode, row in self.districts.items()}


def _sum_into(target: list, source: list, start: int) -> None:
    for i in range(start, len(source)):
        target[i] += source[i]


def compute_allocation(session: Session, station_counts: dict[int, int] | None = None,
                       centre_id: int | None = None, count_unassigned: bool = True) -> Allocation:
    """The allocation from SQL aggregates and plain tuples (no ORM object per station).

    ``centre_id`` limits it to one centre (its packing list). Per-centre items go
    to every centre that has at least one polling station.
    """
    items = list(session.scalars(select(Item).where(Item.active.is_(True)).order_by(Item.code)))
    rules = [Rule.of(i) for i in items]
    counts = registered_voters_by_station(session, centre_id) if station_counts is None else station_counts
    query = (
        select(PollingStation.id, PollingStation.code, PollingCentre.code, District.code, Region.code)
        .join(PollingCentre, PollingStation.centre_id == PollingCentre.id)
        .join(District, PollingCentre.district_id == District.id)
        .join(Region, District.region_id == Region.id)
        .order_by(Region.code, District.code, PollingCentre.code, PollingStation.code))
    if centre_id is not None:
        query = query.where(PollingCentre.id == centre_id)
    rows = session.execute(query).all()
    voters = [counts.get(r[0], 0) for r in rows]
    columns = [quantities(rule, voters) if rule.basis != "centre" else [0] * len(rows) for rule in rules]
    allocation = Allocation([(i.code, i.name) for i in items], {i.code: i.unit for i in items},
                            {i.code: i.basis for i in items})
    n_items = len(items)
    centre_rows: dict[str, list] = {}
    for index, (_sid, scode, ccode, dcode, rcode) in enumerate(rows):
        line = [rcode, dcode, ccode, scode, 1, voters[index]] + [col[index] for col in columns]
        allocation.stations.append(line)
        centre = centre_rows.get(ccode)
        if centre is None:
            centre = centre_rows[ccode] = [rcode, dcode, ccode, 0, 0] + [0] * n_items
        _sum_into(centre, line[1:], 3)  # line[1:] lines up stations/voters/items with the centre row
    per_centre = [(i, quantity(rule)) for i, rule in enumerate(rules) if rule.basis == "centre"]
    for centre in centre_rows.values():
        for i, q in per_centre:
            centre[5 + i] = q
    allocation.centres = centre_rows
    for centre in centre_rows.values():
        district = allocation.districts.setdefault(centre[1], [centre[0], centre[1], 0, 0] + [0] * n_items)
        _sum_into(district, centre[1:], 2)
    for district in allocation.districts.values():
        region = allocation.regions.setdefault(district[0], [district[0], 0, 0] + [0] * n_items)
        _sum_into(region, district[1:], 1)
    allocation.national = [0, 0] + [0] * n_items
    for region in allocation.regions.values():
        _sum_into(allocation.national, region[1:], 0)
    if station_counts is None and count_unassigned:
        allocation.unassigned_voters = unassigned_voters(session, centre_id)
    return allocation


def record_run(session: Session, allocation: Allocation, user: User) -> AllocationRun:
    """Keep who (``user``) recomputed the allocation, when, on which roll, and the national totals."""
    run = AllocationRun(computed_by=user.username, roll_frozen=roll_frozen(session),
                        stations=allocation.national[0] if allocation.national else 0,
                        centres=len(allocation.centres),
                        voters=allocation.national[1] if allocation.national else 0,
                        totals=allocation.national_totals() if allocation.national else {},
                        district_totals=allocation.district_totals())
    session.add(run)
    session.flush()
    return run


def latest_run(session: Session) -> AllocationRun | None:
    return session.scalar(select(AllocationRun).order_by(AllocationRun.id.desc()).limit(1))


def export_csv(allocation: Allocation, level: str, stream) -> int:
    """Write one level of the allocation as CSV; return the number of rows."""
    if level not in LEVELS:
        raise ValueError(level)
    writer = SafeCsvWriter(stream)
    writer.writerow(allocation.header(level))
    rows = allocation.level(level)
    writer.writerows(rows)
    return len(rows)


def export_text(allocation: Allocation, level: str) -> str:
    out = io.StringIO()
    export_csv(allocation, level, out)
    return out.getvalue()


@dataclass(frozen=True)
class Shortfall:
    code: str
    name: str
    needed: int
    held: int

    @property
    def short(self) -> int:
        return max(self.needed - self.held, 0)


def shortfall(session: Session, totals: dict[str, int]) -> list[Shortfall]:
    """Needed (national totals) against all stock ever received into the warehouses, per item."""
    held = dict(session.execute(select(Item.code, func.coalesce(func.sum(StockReceipt.quantity), 0))
                                .join(StockReceipt, StockReceipt.item_id == Item.id, isouter=True)
                                .group_by(Item.code)).all())
    names = dict(session.execute(select(Item.code, Item.name)).all())
    return [Shortfall(code, names.get(code, code), needed, int(held.get(code, 0)))
            for code, needed in totals.items()]


@dataclass(frozen=True)
class StoreShortfall:
    warehouse_code: str
    district_code: str
    item_code: str
    needed: int
    on_hand: int

    @property
    def short(self) -> int:
        return max(self.needed - self.on_hand, 0)


def store_shortfall(session: Session, run: AllocationRun) -> list[StoreShortfall]:
    """Each district store against its district's needs, for the items it is short of."""
    from electoral.logistics.models import Warehouse
    from electoral.logistics.services.stock import on_hand

    item_ids = dict(session.execute(select(Item.code, Item.id)).all())
    rows = []
    for warehouse in session.scalars(select(Warehouse).where(Warehouse.level == "district").order_by(Warehouse.code)):
        needs = (run.district_totals or {}).get(warehouse.district.code, {})
        held = on_hand(session, warehouse)
        for code, needed in needs.items():
            row = StoreShortfall(warehouse.code, warehouse.district.code, code, needed,
                                 held.get(item_ids.get(code), 0))
            if row.short:
                rows.append(row)
    return rows

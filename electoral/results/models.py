"""Races, candidates, tally sheets, their entries, check settings and certifications."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited, sql_in
from electoral.extensions import db
from electoral.geography.models import District, PollingCentre, PollingStation, Region

RACE_KINDS = ("presidential", "legislative", "local")
# The figures a tally sheet carries besides the candidates' votes, in the order of the paper form.
FIELDS = ("ballots_received", "ballots_cast", "unused", "spoiled", "invalid", "valid")
STATES = ("not_received", "first_entry", "second_entry", "in_correction", "quarantined",
          "under_audit", "accepted", "cancelled")
ENTRY_NUMBERS = (1, 2, 3)  # 3: the supervisor's correction of a mismatch
CORRECTION = 3



class Race(Audited, db.Model):
    __tablename__ = "race"
    __table_args__ = (CheckConstraint(sql_in("kind", RACE_KINDS), name="known_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))

    candidates: Mapped[list["Candidate"]] = relationship(
        back_populates="race", order_by="Candidate.ballot_order", cascade="all, delete-orphan")
    areas: Mapped[list["RaceArea"]] = relationship(back_populates="race", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Race {self.code}>"


class RaceArea(Audited, db.Model):
    """One region, district or centre a race covers; a race with none covers the whole country."""

    __tablename__ = "race_area"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN region_id IS NULL THEN 0 ELSE 1 END + CASE WHEN district_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN centre_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_area"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("polling_centre.id"))

    race: Mapped[Race] = relationship(back_populates="areas")
    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()
    centre: Mapped[PollingCentre | None] = relationship()

    @property
    def area(self):
        return self.region or self.district or self.centre


class Candidate(Audited, db.Model):
    __tablename__ = "candidate"
    __table_args__ = (
        UniqueConstraint("race_id", "code"),
        UniqueConstraint("race_id", "ballot_order"),
        CheckConstraint("ballot_order > 0", name="ballot_order_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    party: Mapped[str] = mapped_column(String(200), default="")
    ballot_order: Mapped[int] = mapped_column(Integer)
    # A photo or party symbol under the instance's uploads, printed beside the name.
    photo_path: Mapped[str | None] = mapped_column(String(300))

    race: Mapped[Race] = relationship(back_populates="candidates")


class TallySheet(Audited, db.Model):
    """The result of one race at one station: its state and, once agreed, its figures."""

    __tablename__ = "tally_sheet"
    __table_args__ = (
        UniqueConstraint("race_id", "station_id"),
        CheckConstraint(sql_in("state", STATES), name="known_state"),
        Index("ix_tally_sheet_race_state", "race_id", "state"),
        Index("ix_tally_sheet_race_figures", "race_id", "figures_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="not_received")
    # Each send-back for re-entry opens a new round; earlier rounds' entries stay, superseded.
    round: Mapped[int] = mapped_column(Integer, default=1)
    # Taken from the roll when the sheet is entered, never typed.
    registered_voters: Mapped[int | None] = mapped_column(Integer)
    ballots_received: Mapped[int | None] = mapped_column(Integer)
    ballots_cast: Mapped[int | None] = mapped_column(Integer)
    unused: Mapped[int | None] = mapped_column(Integer)
    spoiled: Mapped[int | None] = mapped_column(Integer)
    invalid: Mapped[int | None] = mapped_column(Integer)
    valid: Mapped[int | None] = mapped_column(Integer)
    figures_hash: Mapped[str | None] = mapped_column(String(64))
    failed_checks: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())

    race: Mapped[Race] = relationship()
    station: Mapped[PollingStation] = relationship()
    votes: Mapped[list["SheetVote"]] = relationship(back_populates="sheet", cascade="all, delete-orphan")
    entries: Mapped[list["TallyEntry"]] = relationship(
        back_populates="sheet", order_by="(TallyEntry.round, TallyEntry.entry_no)")


class SheetVote(db.Model):
    """A candidate's agreed votes on a sheet; written with the sheet, whose audit covers it."""

    __tablename__ = "sheet_vote"
    # Covers the aggregation's reads: the votes come from the index, never from the table.
    __table_args__ = (Index("ix_sheet_vote_sheet_candidate_votes", "sheet_id", "candidate_id", "votes"),)

    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheet.id"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), primary_key=True, index=True)
    votes: Mapped[int] = mapped_column(Integer, CheckConstraint("votes >= 0", name="votes_not_negative"))

    sheet: Mapped[TallySheet] = relationship(back_populates="votes")


class TallyEntry(Audited, db.Model):
    """What one clerk typed for one sheet; never deleted, marked superseded when replaced."""

    __tablename__ = "tally_entry"
    __table_args__ = (
        # Two clerks saving the same entry at once: one of them gets this constraint.
        UniqueConstraint("sheet_id", "round", "entry_no"),
        CheckConstraint(sql_in("entry_no", ENTRY_NUMBERS), name="known_entry_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheet.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    entry_no: Mapped[int] = mapped_column(Integer)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # {"ballots_cast": 412, ..., "candidates": {"C01": 120, ...}}
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(10), default="web")
    reason: Mapped[str | None] = mapped_column(Text)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    sheet: Mapped[TallySheet] = relationship(back_populates="entries")
    clerk: Mapped["User"] = relationship()  # noqa: F821


class EntryError(Audited, db.Model):
    """A figure a clerk typed wrong, found when a supervisor resolved a mismatch."""

    __tablename__ = "entry_error"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheet.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("tally_entry.id"))
    clerk_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    field: Mapped[str] = mapped_column(String(40))
    entered: Mapped[int | None] = mapped_column(Integer)
    corrected: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SheetEvent(Audited, db.Model):
    """A supervisor's decision on a sheet, with the reason, for the sheet's history."""

    __tablename__ = "sheet_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("tally_sheet.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CheckSetting(Audited, db.Model):
    """The administrator's switch and tolerance for one named check."""

    __tablename__ = "check_setting"
    __table_args__ = (CheckConstraint("tolerance >= 0", name="tolerance_not_negative"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    tolerance: Mapped[float] = mapped_column(Float, default=0)


class Certification(Audited, db.Model):
    """A supervisor's certification of a race's results at one area: final, no longer provisional.

    While it stands, the area's sheets are closed to entry and to every decision. A de-certification
    keeps the row (who, when, why) and reopens them; certifying again overwrites it, the audit trail
    keeping each version.
    """

    __tablename__ = "results_certification"
    __table_args__ = (
        UniqueConstraint("race_id", "level", "area_id"),
        CheckConstraint("(decertified_at IS NULL) = (decertify_reason IS NULL)", name="decertified_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"))
    level: Mapped[str] = mapped_column(String(10))
    area_id: Mapped[int] = mapped_column(Integer)  # 0 for the national level
    certified_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    certified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # What the certification covered: the area's stations, and how many of them were excused (cancelled).
    stations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    excused: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    decertified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decertified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decertify_reason: Mapped[str | None] = mapped_column(Text)

    @property
    def standing(self) -> bool:
        return self.decertified_at is None


# The levels whose running totals are kept; a station's figures are its sheet.
TOTAL_LEVELS = ("centre", "district", "region", "national")


class ResultTotal(db.Model):
    """Running totals of a race in one area, moved in the same transaction as any sheet that enters or
    leaves the counted (accepted) or pending (quarantined, under audit) states.

    Derived from the sheets, whose audit trail covers every change; ``electoral results rebuild-totals``
    recomputes them from the sheets.
    """

    __tablename__ = "result_total"
    # SQLite keeps the rows in key order (no rowid): a level's totals are one range read.
    __table_args__ = (CheckConstraint(sql_in("level", TOTAL_LEVELS), name="known_level"), {"sqlite_with_rowid": False})

    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 for the national level
    counted: Mapped[int] = mapped_column(Integer, default=0)  # accepted sheets
    registered_voters: Mapped[int] = mapped_column(Integer, default=0)
    ballots_cast: Mapped[int] = mapped_column(Integer, default=0)
    valid: Mapped[int] = mapped_column(Integer, default=0)
    invalid: Mapped[int] = mapped_column(Integer, default=0)
    pending_sheets: Mapped[int] = mapped_column(Integer, default=0)  # quarantined or under audit
    pending_votes: Mapped[int] = mapped_column(Integer, default=0)  # their valid votes
    # When the counted or pending figures of the area last moved: the time of the figures.
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ResultTotalVote(db.Model):
    """A candidate's running total of votes in one area, on the accepted sheets (see ResultTotal)."""

    __tablename__ = "result_total_vote"
    __table_args__ = ({"sqlite_with_rowid": False},)

    race_id: Mapped[int] = mapped_column(ForeignKey("race.id"), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidate.id"), primary_key=True)
    votes: Mapped[int] = mapped_column(Integer, default=0)


# The electoral system of each race, party lists and drawings of lots (their own module, same metadata).
from electoral.results.seats.models import DistrictSeats, ListMember, LotDrawing, RaceSystem  # noqa: E402,F401

# Images of the signed sheets, the scan queue, recalls and the intake log (their own module, same metadata).
from electoral.results.sheets.models import IntakeRecord, RecallRequest, SheetImage, UnfiledScan  # noqa: E402,F401

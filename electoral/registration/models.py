"""The election's settings, the voters on the roll, duplicate pairs, claims and objections."""

from datetime import date, datetime
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
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited, sql_in
from electoral.extensions import db
from electoral.geography.models import PollingCentre, PollingStation

SEXES = ("F", "M")
# The evidence types every election starts with (services/evidence.py); each election keeps its own list.
ID_TYPES = ("national_id", "passport", "birth_certificate", "old_voter_card", "attestation")
# The one evidence type with a rule of its own: two registered voters attest, by their voter numbers.
ATTESTATION = "attestation"
STATUSES = ("active", "possible_duplicate", "removed")
REMOVAL_REASONS = ("duplicate", "deceased", "under_age", "not_citizen", "court_order", "objection")
PAIR_STATES = ("open", "not_duplicate", "duplicate")


def bytewise_string(length: int) -> String:
    """A text column compared byte by byte on PostgreSQL (the "C" collation), whatever the database's collation.

    For keys only ever compared for equality (blocking keys, import and ID numbers),
    which the "C" collation decides as any other does: its indexes sort by memcmp with
    abbreviated keys, not by the locale's rules, and build about a quarter faster (a
    bulk load rebuilds them). SQLite compares bytes already.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Election(Audited, db.Model):
    """The one election being prepared: its dates and the rules that depend on them."""

    __tablename__ = "election"
    __table_args__ = (CheckConstraint("minimum_age BETWEEN 14 AND 30", name="minimum_age_range"),
                      CheckConstraint("date_order IN ('DMY', 'MDY')", name="known_date_order"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    polling_day: Mapped[date] = mapped_column(Date)
    minimum_age: Mapped[int] = mapped_column(Integer, default=18)
    registration_start: Mapped[date | None] = mapped_column(Date)
    registration_end: Mapped[date | None] = mapped_column(Date)
    exhibition_start: Mapped[date | None] = mapped_column(Date)
    exhibition_end: Mapped[date | None] = mapped_column(Date)
    roll_frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    roll_frozen_by: Mapped[str | None] = mapped_column(String(80))
    # How imports and forms read a date written as text: 05/06/1991 is 5 June (DMY) or May 6 (MDY).
    date_order: Mapped[str] = mapped_column(String(3), default="DMY", server_default="DMY")

    evidence_types: Mapped[list["EvidenceType"]] = relationship(
        back_populates="election", order_by="(EvidenceType.position, EvidenceType.id)")


class EvidenceType(Audited, db.Model):
    """A kind of identity evidence the commission accepts, with its words in each language and files."""

    __tablename__ = "evidence_type"
    __table_args__ = (UniqueConstraint("election_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id"), index=True)
    code: Mapped[str] = mapped_column(String(24))  # what Voter.id_type holds
    position: Mapped[int] = mapped_column(Integer, default=0)
    labels: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # language code -> label
    # Other words files use for it (voter_card for old_voter_card); case and accents do not matter.
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    number_required: Mapped[bool] = mapped_column(Boolean, default=True)
    number_format: Mapped[str | None] = mapped_column(String(200))  # a regular expression the whole number matches

    election: Mapped[Election] = relationship(back_populates="evidence_types")

    def __repr__(self) -> str:
        return f"<EvidenceType {self.code}>"


class NumberCounter(db.Model):
    """A counter numbers are taken from; never decremented, so no number is ever reused."""

    __tablename__ = "number_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Voter(Audited, db.Model):
    __tablename__ = "voter"
    __table_args__ = (
        CheckConstraint(sql_in("sex", SEXES), name="known_sex"),
        CheckConstraint(sql_in("status", STATUSES), name="known_status"),
        CheckConstraint("status <> 'removed' OR removal_reason IS NOT NULL", name="removal_has_reason"),
        # Blocking keys for the duplicate check: a few indexed lookups, never a scan.
        Index("ix_voter_key_names_year", "key_names", "birth_year"),
        Index("ix_voter_key_given_year", "key_given", "birth_year"),
        Index("ix_voter_key_family_year", "key_family", "birth_year"),
        Index("ix_voter_key_last_year", "key_last", "birth_year"),
        # A unique index, not a UNIQUE constraint: SQLite can drop and rebuild an index
        # around a bulk load (imports._bulk), never a constraint's own index.
        Index("ix_voter_import_key", "import_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    voter_number: Mapped[str] = mapped_column(String(16), unique=True)
    family_name: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200))
    father_name: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1))
    date_of_birth: Mapped[date] = mapped_column(Date)
    # Only the year is known; date_of_birth then holds 1 July of that year (mid-year).
    birth_year_only: Mapped[bool] = mapped_column(Boolean, default=False)
    birth_year: Mapped[int] = mapped_column(Integer)
    place_of_birth: Mapped[str | None] = mapped_column(String(200))
    centre_id: Mapped[int] = mapped_column(ForeignKey("polling_centre.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("polling_station.id"), index=True)
    id_type: Mapped[str] = mapped_column(String(24))
    id_number: Mapped[str | None] = mapped_column(bytewise_string(64), index=True)
    attesting_numbers: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    photo_path: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    removal_reason: Mapped[str | None] = mapped_column(String(40))
    kept_voter_id: Mapped[int | None] = mapped_column(ForeignKey("voter.id"))
    key_names: Mapped[str] = mapped_column(bytewise_string(80))
    key_given: Mapped[str] = mapped_column(bytewise_string(40))
    key_family: Mapped[str] = mapped_column(bytewise_string(40))
    # Last given and last family name: survives a first given name dropped (services/dedup.keys).
    key_last: Mapped[str] = mapped_column(bytewise_string(80), default="", server_default="")
    sort_key: Mapped[str] = mapped_column(String(200), default="")
    # A hash of the imported line: a re-run import recognises rows it already wrote.
    import_key: Mapped[str | None] = mapped_column(bytewise_string(32))
    registered_by: Mapped[str] = mapped_column(String(80))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    centre: Mapped[PollingCentre] = relationship()
    station: Mapped[PollingStation | None] = relationship()

    @hybrid_property
    def registered(self) -> bool:
        """The one definition of a registered voter: on the roll unless removed.

        A possible duplicate awaiting a supervisor's decision is registered: the person
        is on the voter list and can vote there, so the tally sheet's registered figure,
        the kits and the turnout base count them; deciding the pair removes one record.
        """
        return self.status != "removed"

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def __repr__(self) -> str:
        return f"<Voter {self.voter_number}>"


class DuplicatePair(Audited, db.Model):
    """Two records that may be one person; a supervisor decides."""

    __tablename__ = "duplicate_pair"
    __table_args__ = (
        UniqueConstraint("voter_a_id", "voter_b_id"),
        CheckConstraint("voter_a_id < voter_b_id", name="ordered_pair"),
        CheckConstraint(sql_in("status", PAIR_STATES), name="known_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    voter_a_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    voter_b_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    found_by: Mapped[str] = mapped_column(String(20), default="registration")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    voter_a: Mapped[Voter] = relationship(foreign_keys=[voter_a_id])
    voter_b: Mapped[Voter] = relationship(foreign_keys=[voter_b_id])


CASE_KINDS = ("inclusion", "correction", "objection")
OBJECTION_GROUNDS = ("deceased", "under_age", "not_citizen", "registered_twice")
CASE_STATES = ("open", "upheld", "rejected")


class RollCase(Audited, db.Model):
    """A claim (inclusion, correction) or an objection lodged during exhibition."""

    __tablename__ = "roll_case"
    __table_args__ = (
        CheckConstraint(sql_in("kind", CASE_KINDS), name="known_kind"),
        CheckConstraint(sql_in("status", CASE_STATES), name="known_status"),
        CheckConstraint("kind = 'inclusion' OR voter_id IS NOT NULL", name="names_a_voter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    voter_id: Mapped[int | None] = mapped_column(ForeignKey("voter.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("polling_centre.id"), index=True)
    ground: Mapped[str | None] = mapped_column(String(30))
    # Inclusion: the registration asked for; correction: the fields and their new values.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence: Mapped[str] = mapped_column(String(500))
    lodged_by: Mapped[str] = mapped_column(String(80))
    lodged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    decided_by: Mapped[str | None] = mapped_column(String(80))

    voter: Mapped[Voter | None] = relationship()
    centre: Mapped[PollingCentre] = relationship()


class RollChange(Audited, db.Model):
    """A change to the frozen roll (transfer or removal), with its reason."""

    __tablename__ = "roll_change"
    __table_args__ = (CheckConstraint(sql_in("kind", ("transfer", "removal")), name="known_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("voter.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    made_by: Mapped[str] = mapped_column(String(80))
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ScanJob(db.Model):
    """Progress of a batch duplicate scan run in the background."""

    __tablename__ = "duplicate_scan_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    pairs_found: Mapped[int] = mapped_column(Integer, default=0)
    started_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# "loading": a bulk load (see services/imports._bulk), checked and written in one transaction.
IMPORT_STATES = ("queued", "checking", "loading", "writing", "scanning", "finished", "refused", "failed")


class ImportJob(db.Model):
    """A file of registrations imported in the background, with its progress and its result.

    Progress is written with plain UPDATEs (the voters it imports are audited batch by
    batch); the uploaded file is kept under the instance folder until the job ends.
    """

    __tablename__ = "voter_import_job"
    __table_args__ = (CheckConstraint(sql_in("status", IMPORT_STATES), name="known_status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    filename: Mapped[str] = mapped_column(String(200))
    # Relative to the instance folder; None once the job has ended and the file is deleted.
    file_path: Mapped[str | None] = mapped_column(String(300))
    skip_invalid: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    started_by: Mapped[str] = mapped_column(String(80))
    done: Mapped[int] = mapped_column(Integer, default=0)  # rows of the current stage
    total: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    already_imported: Mapped[int] = mapped_column(Integer, default=0)
    pairs_queued: Mapped[int] = mapped_column(Integer, default=0)
    # Every bad line as [line, reason]: skipped (skip_invalid) or the reason nothing was imported.
    bad_lines: Mapped[list[Any]] = mapped_column(JSON, default=list)
    message: Mapped[str | None] = mapped_column(String(500))  # a whole-file problem, or why it failed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    stage_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def finished(self) -> bool:
        return self.status in ("finished", "refused", "failed")

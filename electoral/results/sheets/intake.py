"""The intake log: each station's bag received at the tally centre, its seals checked against custody."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed
from electoral.geography.models import PollingCentre, PollingStation
from electoral.logistics.services.custody import seals_sent_to_centre
from electoral.results.models import Race
from electoral.results.sheets.models import IntakeRecord

SEAL = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")


def parse_seals(text: str) -> list[str]:
    """Seal numbers typed or scanned, one per line or separated by spaces or commas, upper-cased, no repeats."""
    seals: list[str] = []
    for raw in re.split(r"[\s,;]+", (text or "").upper()):
        if not raw:
            continue
        if not SEAL.fullmatch(raw):
            raise ValidationFailed({"seals": [_("%(seal)s is not a seal number.", seal=raw[:40])]})
        if raw not in seals:
            seals.append(raw)
    return seals


def record_intake(session: Session, station: PollingStation, seals_text: str, forms_received: int, note: str,
                  clerk) -> IntakeRecord:
    """Log a station's bag received at the tally centre; seals logistics never sent to its centre are flagged."""
    seals = parse_seals(seals_text)
    if not seals:
        raise ValidationFailed({"seals": [_("Give the seal numbers on the bag.")]})
    if forms_received < 0:
        raise ValidationFailed({"forms_received": [_("Enter a whole number, 0 or more.")]})
    sent = seals_sent_to_centre(session, station.centre_id)
    record = IntakeRecord(station_id=station.id, seal_numbers=seals,
                          unknown_seals=[seal for seal in seals if seal not in sent],
                          forms_received=forms_received, note=(note or "").strip(),
                          received_by_id=getattr(clerk, "id", None))
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class CentreIntake:
    code: str
    name: str
    expected: int  # one form per race contested at each of its stations
    received: int
    flagged: int  # bags with a seal logistics never sent there

    @property
    def missing(self) -> int:
        return max(self.expected - self.received, 0)


def forms_by_centre(session: Session, centre: PollingCentre | None = None) -> list[CentreIntake]:
    """Forms expected against received, centre by centre (or one centre)."""
    from electoral.results.services.races import stations_query

    expected: dict[int, int] = {}
    for race in session.scalars(select(Race)):
        query = stations_query(race).with_only_columns(PollingStation.centre_id, func.count())
        if centre is not None:
            query = query.where(PollingStation.centre_id == centre.id)
        for centre_id, count in session.execute(query.group_by(PollingStation.centre_id)):
            expected[centre_id] = expected.get(centre_id, 0) + count
    received: dict[int, tuple[int, int]] = {}
    for record, centre_id in session.execute(select(IntakeRecord, PollingStation.centre_id).join(PollingStation)):
        forms, flagged = received.get(centre_id, (0, 0))
        received[centre_id] = (forms + record.forms_received, flagged + bool(record.unknown_seals))
    ids = sorted(set(expected) | set(received))
    centres = {c.id: c for c in session.scalars(select(PollingCentre).where(PollingCentre.id.in_(ids)))}
    return sorted((CentreIntake(centres[i].code, centres[i].name, expected.get(i, 0), *received.get(i, (0, 0)))
                   for i in ids), key=lambda row: row.code)


def recent(session: Session, limit: int = 50) -> list[IntakeRecord]:
    """The latest bags logged, newest first."""
    return list(session.scalars(select(IntakeRecord).order_by(IntakeRecord.id.desc()).limit(limit)))

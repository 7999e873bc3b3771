"""What the public sees of the sheet images: per station, in the open data, and in the daily manifest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core.models import AuditEntry
from electoral.geography.models import PollingStation
from electoral.results.models import Race
from electoral.results.sheets.models import SheetImage

MANIFEST_HEADER = ["race", "station_code", "sha256", "size_bytes", "source", "received_at", "device_time", "flagged",
                   "image_url"]


def image_url(race_code: str, station_code: str, sha256: str) -> str:
    """The public address of one image (its hash in the address: what is served is what was hashed)."""
    return url_for("results.public_sheet_image", code=race_code, station_code=station_code, sha256=sha256,
                   _external=True)


def images_by_station(session: Session, race: Race) -> dict[str, list[SheetImage]]:
    """Every image of the race's sheets, by station code, first received first."""
    found: dict[str, list[SheetImage]] = {}
    for image, code in session.execute(select(SheetImage, PollingStation.code).join(PollingStation)
                                       .where(SheetImage.race_id == race.id, SheetImage.observer_id.is_(None))
                                       .order_by(SheetImage.id)):
        found.setdefault(code, []).append(image)
    return found


def open_data_columns(session: Session, race: Race) -> dict[str, dict[str, str]]:
    """``image_sha256`` and ``image_url`` per station code; several images (flagged) separated by spaces."""
    return {code: {"image_sha256": " ".join(i.sha256 for i in found),
                   "image_url": " ".join(image_url(race.code, code, i.sha256) for i in found)}
            for code, found in images_by_station(session, race).items()}


def with_image_columns(session: Session, race: Race, header: list[str], rows: list[dict]) -> tuple[list, list]:
    """The open data's header and rows with the image columns added (empty where no image was filed)."""
    columns = open_data_columns(session, race)
    empty = {"image_sha256": "", "image_url": ""}
    return [*header, "image_sha256", "image_url"], [{**row, **columns.get(row["station_code"], empty)}
                                                    for row in rows]


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str


def chain_head(session: Session) -> ChainHead | None:
    """The last chained entry of the audit trail: the manifest names it, so a later swap shows."""
    row = session.execute(select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.is_not(None))
                          .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return ChainHead(row.seq, row.hash) if row else None


def _iso(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


def manifest_rows(session: Session, until: dt.date) -> list[list]:
    """Every official image received up to the end of ``until`` (UTC), all races, in the order received."""
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    rows = []
    query = (select(SheetImage, Race.code, PollingStation.code).join(Race, Race.id == SheetImage.race_id)
             .join(PollingStation, PollingStation.id == SheetImage.station_id)
             .where(SheetImage.received_at < end, SheetImage.observer_id.is_(None)).order_by(SheetImage.id))
    for image, race_code, station_code in session.execute(query):
        rows.append([race_code, station_code, image.sha256, image.size_bytes, image.source, _iso(image.received_at),
                     _iso(image.device_time), "yes" if image.flagged else "no",
                     image_url(race_code, station_code, image.sha256)])
    return rows


def manifest_text(session: Session, until: dt.date) -> str:
    """The day's manifest as CSV text, ending with the audit chain's head at the time it is made."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    head = chain_head(session)
    writer.writerow(["# manifest of tally sheet images", until.isoformat(),
                     f"audit_seq={head.seq if head else 0}", f"audit_head={head.hash if head else ''}"])
    writer.writerow(MANIFEST_HEADER)
    writer.writerows(manifest_rows(session, until))
    return buffer.getvalue()

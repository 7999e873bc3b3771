"""Scans at intake: each page of a batch (PDF, JPEG, PNG, TIFF) read for its QR code and filed to its sheet.

A page whose code cannot be read (blurred, torn, turned beyond the decoder) is not guessed:
it waits in the queue of unfiled scans until a clerk files it by hand.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from electoral.core.errors import ValidationFailed
from electoral.geography.models import PollingStation
from electoral.results.models import Race
from electoral.results.sheets import codes, images
from electoral.results.sheets.models import SheetImage, UnfiledScan

# PDF pages are rendered at the resolution of the scans the centre makes (A4 at 200 dpi).
RENDER_DPI = 200
SCAN_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")
# Pages read at once; a tally centre's server has a few cores.
PAGE_WORKERS = 2


@dataclass(frozen=True)
class PageOutcome:
    name: str
    page: int
    filed: bool
    station: str = ""
    race: str = ""
    reason: str = ""
    new: bool = True


def pages(data: bytes, name: str) -> Iterator[tuple]:
    """(Pillow image, format) of each page of the file: PDF pages rendered, TIFF frames, or one picture."""
    if data[:5] == b"%PDF-":
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise ValidationFailed({"image": [_("%(name)s cannot be read as a PDF.", name=name)]}) from exc
        try:
            for index in range(len(document)):
                page = document[index]
                yield page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil(), None
                page.close()
        finally:
            document.close()
        return
    picture, fmt = images.open_picture(data)
    frames = getattr(picture, "n_frames", 1)
    if fmt == "TIFF" and frames > 1:
        from PIL import Image

        multi = Image.open(io.BytesIO(data))
        for index in range(frames):
            multi.seek(index)
            yield multi.convert("L"), None
        return
    yield picture, fmt


def read_code(picture) -> codes.SheetCode | None:
    """The sheet code of the page's QR code, or None when no readable sheet code is on it."""
    import zxingcpp

    gray = picture if picture.mode == "L" else picture.convert("L")
    # The code is printed at the top (left, or right in Arabic): read the top third first, the whole page
    # (a page scanned upside down or turned) only if needed.
    width, height = gray.size
    for region in (gray.crop((0, 0, width, height // 3)), gray):
        for result in zxingcpp.read_barcodes(region, formats=zxingcpp.BarcodeFormat.QRCode):
            code = codes.decode(result.text)
            if code is not None:
                return code
    return None


def _sheet_of(session: Session, code: codes.SheetCode) -> tuple[Race, PollingStation] | None:
    race = session.scalar(select(Race).where(Race.code == code.race))
    station = session.scalar(select(PollingStation).where(PollingStation.code == code.station))
    if race is None or station is None or codes.serial(race.id, station.id) != code.serial:
        return None
    return race, station


def queue(session: Session, prepared: images.Prepared, name: str, page: int, uploader) -> UnfiledScan:
    """Keep a page whose code was not read for filing by hand (the same page queued twice is kept once)."""
    existing = session.scalar(select(UnfiledScan).where(UnfiledScan.sha256 == prepared.sha256))
    if existing is not None:
        return existing
    images.write(prepared)
    scan = UnfiledScan(sha256=prepared.sha256, path=prepared.value, original_name=name[:200], page=page,
                       sent_by_id=getattr(uploader, "id", None))
    session.add(scan)
    session.flush()
    return scan


def _read_page(data: bytes, picture, fmt) -> tuple[images.Prepared, codes.SheetCode | None]:
    return images.prepare(data if fmt else b"", picture, fmt), read_code(picture)


def _read_pages(data: bytes, name: str) -> Iterator[tuple[int, images.Prepared, codes.SheetCode | None]]:
    """(page number, stored bytes, sheet code) of each page, in order. PDFium renders in this thread (it is
    not thread-safe); the JPEG encoding and the QR decoding, which release the GIL, run two pages at once."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=PAGE_WORKERS) as pool:
        waiting: deque = deque()
        for number, (picture, fmt) in enumerate(pages(data, name), start=1):
            waiting.append((number, pool.submit(_read_page, data, picture, fmt)))
            if len(waiting) > PAGE_WORKERS:
                number_, future = waiting.popleft()
                yield number_, *future.result()
        while waiting:
            number_, future = waiting.popleft()
            yield number_, *future.result()


def intake(session: Session, data: bytes, name: str, uploader=None) -> list[PageOutcome]:
    """File every page of a scanned file by its QR code; queue the pages whose code is not read."""
    outcomes = []
    for number, prepared, code in _read_pages(data, name):
        target = _sheet_of(session, code) if code is not None else None
        if target is None:
            queue(session, prepared, name, number, uploader)
            reason = _("no readable QR code") if code is None else _("the QR code names no sheet of this election")
            outcomes.append(PageOutcome(name, number, False, reason=reason))
            continue
        race, station = target
        try:
            _image, new = images.file_image(session, race, station, prepared, source="scan", sender=uploader)
        except ValidationFailed as failure:
            queue(session, prepared, name, number, uploader)
            outcomes.append(PageOutcome(name, number, False, reason=str(failure)))
            continue
        outcomes.append(PageOutcome(name, number, True, station.code, race.code, new=new))
    return outcomes


def file_by_hand(session: Session, scan: UnfiledScan, race: Race, station: PollingStation, clerk) -> SheetImage:
    """A clerk files a queued page to the sheet they read on it."""
    if scan.assigned_id is not None:
        raise ValidationFailed(_("This page was filed already."))
    path = images.SHEET_IMAGES.resolve(scan.path)
    if path is None:
        raise ValidationFailed(_("The stored page is missing."))
    content = path.read_bytes()
    picture, fmt = images.open_picture(content)
    prepared = images.prepare(content, picture, fmt)
    image, _new = images.file_image(session, race, station, prepared, source="clerk", sender=clerk)
    scan.assigned_id = image.id
    session.flush()
    return image


def unfiled_query():
    """Select of the queued pages not filed yet, oldest first."""
    return select(UnfiledScan).where(UnfiledScan.assigned_id.is_(None)).order_by(UnfiledScan.id)

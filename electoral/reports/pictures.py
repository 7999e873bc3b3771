"""Pictures for reports: a file that cannot be decoded is left out, never the report.

A stored photo may be truncated, replaced or not a picture at all (a disk error, an
older import); ReportLab reads it only while drawing the page, so one bad file would
fail the whole PDF. Each picture is decoded here first; an undecodable one is skipped
and logged, and the report prints without it.
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from PIL import Image as PILImage
from reportlab.lib.units import mm
from reportlab.platypus import Image

log = logging.getLogger(__name__)


def decodable(source: str | Path | bytes) -> tuple[int, int] | None:
    """The picture's size in pixels if it decodes completely, else None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(source) if isinstance(source, bytes) else str(source)) as picture:
                picture.load()
                size = picture.size
    except Exception as exc:  # PIL raises many kinds (OSError, SyntaxError, ValueError, bombs): all mean unusable
        log.warning("picture left out of a report: %s (%s)", _name(source), type(exc).__name__)
        return None
    return size if size[0] > 0 and size[1] > 0 else None


def table_picture(source: str | Path | None, width_mm: float, height_mm: float) -> Image | None:
    """A picture for a table cell, scaled to fit, or None when there is none or it does not decode."""
    if source is None or decodable(source) is None:
        return None
    return Image(str(source), width=width_mm * mm, height=height_mm * mm, kind="proportional")


def _name(source) -> str:
    return f"{len(source)} bytes" if isinstance(source, bytes) else str(source)

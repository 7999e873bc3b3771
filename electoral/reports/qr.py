"""QR codes drawn as vector rectangles from segno's matrix.

ReportLab's QrCodeWidget encodes in pure Python and draws one shape per module:
about 24 ms a code, which made sheets of voter cards take tens of seconds. segno
encodes quickly, and drawing each row's runs of dark modules as one path costs a
fraction of a millisecond; the code stays vector, sharp at any print size.
"""

from functools import lru_cache

import segno
from reportlab.platypus import Flowable

QUIET_ZONE = 2  # modules of white around the code; scanners need some, cards have little room


@lru_cache(maxsize=4096)
def dark_runs(data: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The code's size in modules and its dark runs as (column, row, length)."""
    matrix = segno.make(data, error="m", micro=False).matrix
    runs = []
    for row, cells in enumerate(matrix):
        start = None
        for column, dark in enumerate((*cells, 0)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append((start, row, column - start))
                start = None
    return len(matrix), tuple(runs)


def draw_qr(canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the code for ``data`` in a ``size`` square whose lower-left corner is (x, y)."""
    modules, runs = dark_runs(data)
    unit = size / (modules + 2 * QUIET_ZONE)
    top = y + size - QUIET_ZONE * unit
    path = canvas.beginPath()
    for column, row, length in runs:
        path.rect(x + (QUIET_ZONE + column) * unit, top - (row + 1) * unit, length * unit, unit)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class QrCode(Flowable):
    """A QR code as a flowable of ``size`` points square."""

    def __init__(self, data: str, size: float, align: str = "LEFT"):
        super().__init__()
        self.data, self.size, self.hAlign = data, size, align

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        draw_qr(self.canv, self.data, 0, 0, self.size)

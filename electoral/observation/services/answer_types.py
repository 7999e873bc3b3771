"""Answers of XLSForm's dateTime and geopoint questions, checked as ODK Collect and the phone page send them."""

import datetime as dt
import math
import re
from typing import Any

from flask_babel import gettext as _


def moment_answer(raw: Any) -> tuple[str | None, str | None]:
    """A date and time ("2026-12-07T14:20:00.000+01:00" from ODK, "2026-12-07T14:20" from the phone's picker).

    Kept as ISO text to the second, with the offset when one was sent: the observer's wall clock is the fact.
    """
    text = str(raw).strip()
    try:
        if len(text) < 16 or text[10] not in "T ":
            raise ValueError
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None, _("Give a date and time as YYYY-MM-DDTHH:MM.")
    return moment.isoformat(timespec="seconds"), None


def geopoint_answer(raw: Any) -> tuple[str | None, str | None]:
    """A position as ODK sends it, "latitude longitude altitude accuracy" (altitude and accuracy may be left out)."""
    parts = str(raw).split()
    try:
        numbers = [float(p) for p in parts]
        if not 2 <= len(numbers) <= 4 or not all(math.isfinite(n) for n in numbers):
            raise ValueError
    except ValueError:
        return None, _("Give a position as latitude, longitude, altitude and accuracy, separated by spaces.")
    if not (-90 <= numbers[0] <= 90 and -180 <= numbers[1] <= 180):
        return None, _("The latitude must be between -90 and 90 and the longitude between -180 and 180.")
    if len(numbers) == 4 and numbers[3] < 0:
        return None, _("The accuracy cannot be negative.")
    return " ".join(parts), None


# A photo's file name as clients give it: no folder, no control character, a picture's extension.
IMAGE_NAME = re.compile(r"^[^/\\\x00-\x1f]{1,100}\.(?:jpe?g|png)$", re.IGNORECASE)


def image_answer(raw: Any) -> tuple[str | None, str | None]:
    """The answer of an image question: the photo's file name (observation/attachments), never a path."""
    text = str(raw).strip()
    if not IMAGE_NAME.match(text) or text.startswith("."):
        return None, _("Send the photo as a JPEG or PNG picture.")
    return text, None

"""The text of a printed tally sheet's QR code: race, station, sheet serial and two check digits.

``TS1|PRES|LR-0101-01|000012000345|47``: version, race code, station code, the sheet's serial
(race id and station id, fixed once both exist), then ISO 7064 MOD 97-10 check digits over
everything before them, as IBANs use, so a code misread or typed by hand with one wrong
character is refused instead of filing a page to the wrong station.
"""

from dataclasses import dataclass

PREFIX = "TS1"
SEPARATOR = "|"


def _numeric(text: str) -> str:
    # Digits stay; letters become 10..35 as in IBANs; any other character its code point, so no two texts collide.
    out = []
    for char in text.upper():
        if char.isdigit() and char.isascii():
            out.append(char)
        elif "A" <= char <= "Z":
            out.append(str(ord(char) - 55))
        else:
            out.append(str(ord(char) + 100))
    return "".join(out)


def check_digits(text: str) -> str:
    """Two ISO 7064 MOD 97-10 check digits of ``text``."""
    return f"{98 - int(_numeric(text) + '00') % 97:02d}"


def serial(race_id: int, station_id: int) -> str:
    """The sheet's serial: the same for every print of the sheet of this race at this station."""
    return f"{race_id:06d}{station_id:06d}"


@dataclass(frozen=True)
class SheetCode:
    race: str
    station: str
    serial: str


def encode(race_code: str, station_code: str, race_id: int, station_id: int) -> str:
    """The QR text of the sheet of race ``race_code`` at station ``station_code``."""
    body = SEPARATOR.join((PREFIX, race_code, station_code, serial(race_id, station_id)))
    return f"{body}{SEPARATOR}{check_digits(body)}"


def decode(text: str) -> SheetCode | None:
    """The race, station and serial a QR text names; None for any other text or wrong check digits."""
    parts = (text or "").strip().split(SEPARATOR)
    if len(parts) != 5 or parts[0] != PREFIX or not all(parts[1:4]):
        return None
    body = SEPARATOR.join(parts[:4])
    if parts[4] != check_digits(body):
        return None
    return SheetCode(race=parts[1], station=parts[2], serial=parts[3])

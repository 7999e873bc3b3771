"""The tally-sheet evidence pages, on the results blueprint (results/blueprint.py); results/views/ lists
this package.

- scans: scanned sheets filed by QR code or by hand, images for keying.
- custody: recalling an accepted sheet, the intake log of the bags.
- public: a station's sheet images and the manifest, in public.
- phone: the observer's or clerk's photo of a sheet, from a phone.
- api: the same photo through the JSON API (on observation's API blueprint).
"""

from electoral.results.sheets.views import api, custody, phone, public, scans

__all__ = ["api", "custody", "phone", "public", "scans"]

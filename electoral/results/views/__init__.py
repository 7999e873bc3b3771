"""The results pages, one module per page group; ``bp`` is the blueprint they are routes of.

- races: the races, their import, totals and progress, candidates' photos, certification, excusing a station.
- entry: finding a tally sheet and its first or second entry.
- supervision: mismatched entries, quarantined sheets, a sheet's page and audit, clerks, the checks' settings.
- public: the public results pages and open data.
- lookups: the race, station or area a URL names (no pages).

The sub-domains' pages are on the same blueprint and listed by their own ``views`` packages:
results/seats/views/ (seat allocation) and results/sheets/views/ (tally-sheet evidence).
"""

from electoral.results.blueprint import bp
from electoral.results.seats import views as seats
from electoral.results.sheets import views as sheets
from electoral.results.views import entry, lookups, public, races, supervision

__all__ = ["bp", "entry", "lookups", "public", "races", "seats", "sheets", "supervision"]

"""The seat pages, on the results blueprint (results/blueprint.py); results/views/ lists this package.

- allocation: the allocation step by step, the race's electoral system, drawing lots, second rounds,
  and the seats as open data.
"""

from electoral.results.seats.views import allocation

__all__ = ["allocation"]

"""The registration pages, one module per page group; ``bp`` is the blueprint they are routes of.

- voters: register a voter, find one, a voter's record and photo, remove or transfer a voter.
- duplicates: possible duplicates, a pair side by side, the decision, the background scan.
- cases: claims and objections during exhibition, lodged and decided.
- roll: importing registrations, figures and exports, station assignment, freezing, election settings.
- evidence: the identity evidence the election accepts.
"""

from electoral.registration.blueprint import bp
from electoral.registration.views import cases, duplicates, evidence, roll, voters

__all__ = ["bp", "cases", "duplicates", "evidence", "roll", "voters"]

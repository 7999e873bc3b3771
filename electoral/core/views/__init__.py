"""The core pages, one module per page group; ``bp`` is the blueprint they are routes of.

- index: the home page per role and the language switch.
- audit: the audit trail, its search and the verification of its chain.
"""

from electoral.core.blueprint import bp
from electoral.core.views import audit, index

__all__ = ["audit", "bp", "index"]

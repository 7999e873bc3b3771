"""Imports every domain's models, so the metadata and Alembic see all tables."""

from electoral import domain_modules

domain_modules("models")

# Edits of approved records return them to pending: the rule runs at every flush.
from electoral.core import approvals  # noqa: E402,F401

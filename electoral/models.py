"""Imports every domain's models, so the metadata and Alembic see all tables."""

import importlib
import importlib.util

from electoral import DOMAINS

for _domain in DOMAINS:
    if importlib.util.find_spec(f"electoral.{_domain}") and importlib.util.find_spec(f"electoral.{_domain}.models"):
        importlib.import_module(f"electoral.{_domain}.models")

# Edits of approved records return them to pending: the rule runs at every flush.
from electoral.core import approvals  # noqa: E402,F401

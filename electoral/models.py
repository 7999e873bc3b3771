"""Imports every domain's models, so the metadata and Alembic see all tables."""

from electoral.accounts.models import User, UserRole  # noqa: F401
from electoral.core.models import AuditEntry  # noqa: F401
from electoral.geography.models import District, PollingCentre, PollingStation, Region  # noqa: F401

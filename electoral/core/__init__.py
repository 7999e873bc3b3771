"""Shared machinery: database base, auth and permissions, audit trail, i18n, imports."""

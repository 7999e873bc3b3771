"""Accounts: users, roles, scope, sign-in."""

"""Observation's background jobs, imported by electoral.tasks so the worker knows them."""

from electoral.observation.sms.tasks import send_reply  # noqa: F401

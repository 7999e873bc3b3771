"""Observation by SMS: messages from feature phones through SMS gateways become submissions."""

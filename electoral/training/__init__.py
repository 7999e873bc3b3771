"""Recruitment, cascade training and certification of polling officials."""

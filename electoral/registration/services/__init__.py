"""The rules of registration, one module per part of the workflow."""

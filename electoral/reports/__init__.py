"""The PDF report kit: fonts, Arabic shaping, page furniture, building blocks, registry.

Domains declare reports with ``electoral.reports.registry.report`` (see that
module's docstring and README.md beside it).
"""

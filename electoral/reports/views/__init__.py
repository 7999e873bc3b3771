"""The reports pages, one module per page group; ``bp`` is the blueprint they are routes of.

- printing: the Reports page (what the user's roles may print) and the print form.
- jobs: reports printed in the background: a job's page, printing it again, its file.
"""

from electoral.reports.blueprint import bp
from electoral.reports.views import jobs, printing

__all__ = ["bp", "jobs", "printing"]

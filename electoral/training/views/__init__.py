"""The training pages, one module per page group; ``bp`` is the blueprint they are routes of.

- officials: the training home page and the officials (list, create, edit, master trainers, import).
- courses: positions (and the staffing template) and courses.
- sessions: sessions, trainers, enrolment, confirmation, attendance, scores, revoking a certificate.
- coverage: training coverage (page and export) and the public verification of a certificate.
"""

from electoral.training.blueprint import bp
from electoral.training.views import courses, coverage, officials, sessions

__all__ = ["bp", "courses", "coverage", "officials", "sessions"]

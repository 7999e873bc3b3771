"""The observation pages, one module per page group; ``bp`` lists the blueprints they are routes of.

- observers: organisations, observers, accreditation, deployment, the public check of a badge.
- builder: checklists built on the web or imported from XLSForm, their versions and export.
- dashboard: coverage, answers, critical alerts, incidents, the quick count.
- devices: observers' device passwords and the ODK Collect settings QR code.
- phone: the observer's own pages (My station, filling a checklist offline, incidents).
- api: the JSON API for phones and field apps (its own blueprint, /api/v1).
- the photos filed with a checklist (attachments/views.py) and the OpenRosa server for ODK Collect
  and Enketo (openrosa/views.py, its own blueprint) belong to their sub-packages.
"""

# Services first: loading them loads the attachments' media module, which the photo pages import too.
from electoral.observation import services  # noqa: F401
from electoral.observation.attachments import views as attachments
from electoral.observation.blueprint import bp as pages
from electoral.observation.openrosa import views as openrosa
from electoral.observation.views import api, builder, dashboard, devices, observers, phone

bp = [pages, api.api_bp, openrosa.bp]

__all__ = ["api", "attachments", "bp", "builder", "dashboard", "devices", "observers", "openrosa", "phone"]

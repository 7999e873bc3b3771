"""The photos filed with a checklist: to the observer who filed it, and to coordinators of its area.

Never public: a photo of a posted result form is the observer's evidence, not the official record. Each
opening by a coordinator is written in the audit trail (who looked at whose evidence).
"""

from flask import abort, send_file
from flask_login import current_user

from electoral.core.auth import Role, access
from electoral.extensions import db
from electoral.observation.attachments import media
from electoral.observation.attachments import services as attachments
from electoral.observation.attachments.models import FilingImage
from electoral.observation.blueprint import COORDINATORS, bp


def _image_or_404(image_id: int) -> FilingImage:
    found = db.session.get(FilingImage, image_id)
    if found is None:
        abort(404)
    return found


def filer_or_coordinator(user, image_id: int, **_route) -> bool:
    """Coordinators (of the station's area, by the declaration's area); an observer only for their own filing."""
    return attachments.viewer_kind(db.session, user, _image_or_404(image_id)) is not None


filer_or_coordinator.matrix_label = "own filing (observer)"


@bp.route("/filings/photos/<int:image_id>")
@access(Role.OBSERVER, *COORDINATORS, area=lambda image_id: _image_or_404(image_id).submission.station,
        who=filer_or_coordinator)
def filing_photo(image_id: int):
    """A filing's photo: for the observer who filed it, and the coordinators of its station's area (audited)."""
    image = _image_or_404(image_id)
    # The declaration's rule (filer_or_coordinator) let the user in; only a coordinator's opening is audited.
    if attachments.is_coordinator(current_user):
        attachments.record_opening(db.session, image)
        db.session.commit()
    path = attachments.image_file(image)  # only a name the store generated, inside its folder
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/checklists/<int:template_id>/media/<name>")
@access(Role.OBSERVER, *COORDINATORS)
def checklist_media(template_id: int, name: str):
    """A picture the checklist's XLSForm names (a party's logo), shown on the phone page."""
    found = media.media_file(db.session, template_id, name)
    if found is None:
        abort(404)
    record, path = found
    return send_file(path, mimetype=record.content_type, max_age=3600)

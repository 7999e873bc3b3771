"""OpenRosa endpoints for ODK Collect, KoBoCollect and Enketo (server URL: <site>/openrosa).

OpenRosa Form List API: GET /formList; the XForm and its (empty) manifest per form.
OpenRosa Form Submission API: HEAD /submission (the phone asks before sending),
POST /submission (multipart, xml_submission_file). Every route is public to the
access rules (a phone holds no session) and answers 401 without the observer's
username and device password in HTTP Basic; use HTTPS, as Basic sends them in clear.
"""

import functools

from flask import Blueprint, Response, g, request, send_file, url_for
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy.exc import IntegrityError

from electoral.core.auth import public
from electoral.core.errors import ValidationFailed
from electoral.extensions import csrf, db
from electoral.observation.attachments import media
from electoral.observation.models import ChecklistTemplate
from electoral.observation.openrosa import services

bp = Blueprint("openrosa", __name__, url_prefix="/openrosa")
csrf.exempt(bp)
MAX_SUBMISSION = 10 * 1024 * 1024


def _openrosa(body: str | bytes, status: int = 200, mimetype: str = "text/xml") -> Response:
    response = Response(body, status=status, mimetype=mimetype)
    response.headers["X-OpenRosa-Version"] = "1.0"
    if request.endpoint == "openrosa.submission":  # every answer of /submission says how much a POST may hold
        response.headers["X-OpenRosa-Accept-Content-Length"] = str(MAX_SUBMISSION)
    return response


def device(view):
    """HTTP Basic with the observer's device password; 401 (with the challenge) otherwise."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        auth = request.authorization
        found = services.device_observer(db.session, auth.username, auth.password) if auth and auth.username \
            else None
        if found is None:
            response = _openrosa(_("Sign in with your observer username and device password."), 401, "text/plain")
            response.headers["WWW-Authenticate"] = 'Basic realm="electoral"'
            return response
        g.observer, g.device_user = found
        return view(*args, **kwargs)
    return wrapper


def _message(text: str, status: int, nature: str = "") -> Response:
    body = ('<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
            f'<message nature="{nature}">{escape(text)}</message></OpenRosaResponse>')
    return _openrosa(body, status)


@bp.route("/formList")
@public
@device
def form_list():
    items = []
    for entry in services.forms_for(db.session, g.observer):
        t = entry.template
        items.append(
            "<xform>"
            f"<formID>{escape(t.code)}</formID><name>{escape(t.name)}</name><version>{t.version}</version>"
            f"<hash>{entry.hash}</hash>"
            f"<downloadUrl>{escape(url_for('openrosa.form', code=t.code, version=t.version, _external=True))}"
            "</downloadUrl>"
            f"<manifestUrl>{escape(url_for('openrosa.manifest', code=t.code, version=t.version, _external=True))}"
            "</manifestUrl></xform>")
    return _openrosa('<?xml version="1.0" encoding="UTF-8"?>'
                     '<xforms xmlns="http://openrosa.org/xforms/xformsList">' + "".join(items) + "</xforms>")


def _published(code: str, version: int) -> ChecklistTemplate | None:
    template = db.session.scalar(db.select(ChecklistTemplate).where(
        ChecklistTemplate.code == code, ChecklistTemplate.version == version))
    return template if template is not None and template.published else None


@bp.route("/forms/<code>/<int:version>/form.xml")
@public
@device
def form(code: str, version: int):
    template = _published(code, version)
    if template is None:
        return _openrosa("", 404, "text/plain")
    return _openrosa(services.xform(template, g.observer))


@bp.route("/forms/<code>/<int:version>/manifest")
@public
@device
def manifest(code: str, version: int):
    template = _published(code, version)
    if template is None:
        return _openrosa("", 404, "text/plain")
    # The pictures the form names (media::image), each with its md5: ODK Collect fetches what it lacks.
    files = "".join(
        f"<mediaFile><filename>{escape(m.filename)}</filename><hash>md5:{m.md5}</hash>"
        f"<downloadUrl>{escape(url_for('openrosa.media_file', code=code, version=version, name=m.filename, _external=True))}"
        "</downloadUrl></mediaFile>" for m in media.media_of(db.session, template.id))
    return _openrosa('<?xml version="1.0" encoding="UTF-8"?>'
                     f'<manifest xmlns="http://openrosa.org/xforms/xformsManifest">{files}</manifest>')


@bp.route("/forms/<code>/<int:version>/media/<name>")
@public
@device
def media_file(code: str, version: int, name: str):
    template = _published(code, version)
    found = media.media_file(db.session, template.id, name) if template is not None else None
    if found is None:
        return _openrosa("", 404, "text/plain")
    record, path = found
    response = send_file(path, mimetype=record.content_type, max_age=0)
    response.headers["X-OpenRosa-Version"] = "1.0"
    return response


@bp.route("/submission", methods=["HEAD", "POST"])
@public
@device
def submission():
    if request.method == "HEAD":
        response = _openrosa("", 204, "text/plain")
        response.headers["X-OpenRosa-Accept-Content-Length"] = str(MAX_SUBMISSION)
        return response
    if (request.content_length or 0) > MAX_SUBMISSION:
        # ODK Collect splits a submission larger than X-OpenRosa-Accept-Content-Length over several POSTs.
        return _message(_("The submission is too large."), 413)
    upload = request.files.get("xml_submission_file")
    if upload is None:
        return _message(_("The submission has no xml_submission_file."), 400)
    data = upload.read(MAX_SUBMISSION + 1)
    # The photos: each part named by its file name, as the instance's answer names it.
    parts = {f.filename: f.read(MAX_SUBMISSION + 1) for name, f in request.files.items(multi=True)
             if name != "xml_submission_file" and f.filename}
    try:
        filed = services.submit_instance(db.session, g.observer, g.device_user, data, parts)
        db.session.commit()
    except ValidationFailed as failure:
        db.session.rollback()
        errors = failure.errors if isinstance(failure.errors, dict) else {"": [failure.errors]}
        return _message(" ".join(f"{k.removeprefix('answers.')}: {m}" if k else str(m)
                                 for k, msgs in errors.items() for m in msgs), 400)
    except IntegrityError:
        # The same instance sent twice at once: the first is the filing.
        db.session.rollback()
        filed = services.submit_instance(db.session, g.observer, g.device_user, data, parts)
        db.session.commit()
    if filed.created:
        text = _("Checklist filed.")
    elif filed.photos_added:
        text = _("Photos added to the checklist filed before.")
    else:
        text = _("This checklist was already filed.")
    # 201 when something was filed (the checklist, or the photos of a split submission); 202: nothing new.
    response = _message(text, 201 if filed.created or filed.photos_added else 202, "submit_success")
    response.headers["Location"] = url_for("openrosa.submission", _external=True)
    return response

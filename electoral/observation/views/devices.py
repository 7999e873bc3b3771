"""The ODK Collect set-up page: the server address and the settings QR code, for the observer or a coordinator."""

import segno
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from electoral.core.auth import Role, access
from electoral.extensions import db
from electoral.observation import services
from electoral.observation.blueprint import COORDINATORS, bp
from electoral.observation.openrosa import services as openrosa
from electoral.observation.openrosa.models import DeviceCredential
from electoral.observation.views.observers import _observer_or_404, _scoped_area


def _page(observer, back_url: str):
    password = None
    if request.method == "POST":  # CSRFProtect has checked the token
        password = openrosa.set_device_password(db.session, observer)
        db.session.commit()
    server_url = url_for("openrosa.form_list", _external=True).removesuffix("/formList")
    username = observer.user.username if observer.user else ""
    has_password = password is not None or db.session.scalar(
        db.select(DeviceCredential.id).where(DeviceCredential.observer_id == observer.id)) is not None
    # The password goes into the QR code only on the page that made it: it is never stored in clear.
    qr = segno.make(openrosa.settings_qr_payload(server_url, username, password), error="m").svg_inline(scale=4)
    return render_template("observation/device.html", observer=observer, server_url=server_url,
                           username=username, password=password, has_password=has_password, qr=qr,
                           back_url=back_url)


@bp.route("/observers/<int:observer_id>/device", methods=["GET", "POST"])
@access(*COORDINATORS, area=_scoped_area)
def observer_device(observer_id: int):
    observer = _observer_or_404(observer_id)
    return _page(observer, url_for("observation.observer_detail", observer_id=observer.id))


@bp.route("/my/device", methods=["GET", "POST"])
@access(Role.OBSERVER)
def my_device():
    observer = services.observer_for_user(db.session, current_user)
    if observer is None or not observer.accredited:
        abort(403, _("Only accredited observers can set up a phone."))
    return _page(observer, url_for("observation.my_station"))

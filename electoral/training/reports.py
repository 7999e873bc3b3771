"""Printed papers of training: the certificate of an official, and the coverage of every district."""

import io

import segno
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from electoral.config import LANGUAGES, RTL_LANGUAGES
from electoral.core.auth import Role
from electoral.extensions import db
from electoral.reports.registry import NotAllowed, Param, report
from electoral.training import services
from electoral.training.models import Certificate

ROLES = [Role.TRAINING_COORDINATOR, Role.ADMINISTRATOR]
# How many districts the coverage chart shows (those furthest behind); the table lists all.
CHART_DISTRICTS = 15


def verification_url(code: str) -> str:
    """The address the certificate's QR code opens: the public page of this certificate."""
    if has_request_context():
        return url_for("training.verify", code=code, _external=True)
    # On the command line and in jobs there is no request to take the host from.
    path = current_app.url_map.bind("localhost").build("training.verify", {"code": code})
    base = current_app.config.get("PUBLIC_URL") or ""
    return base.rstrip("/") + path


def qr_png(data: str) -> bytes:
    """The QR code as a small PNG (segno).

    The kit's vector QR draws one validated shape per module, about 24 ms of CPU a
    code; segno's PNG takes about 6 ms, which keeps printing above 50 certificates
    a second. Each module stays 8 pixels wide, sharp enough to print and scan.
    """
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def _official_with_certificate(value: str) -> str:
    # By the recruitment number printed on the official's papers, never by an internal database number.
    official = services.find_official(db.session, value)
    if official is None:
        raise ValueError(_("No official has the recruitment number %(reference)s.", reference=value))
    has_one = db.session.scalar(select(Certificate.id).where(
        Certificate.official_id == official.id, Certificate.valid).limit(1))
    if has_one is None:
        raise ValueError(_("This official holds no valid certificate."))
    return official.reference


@report("certificate", title=_l("Training certificate"), roles=ROLES,
        params=[Param("official", _l("Recruitment number of the official"), required=True,
                      check=_official_with_certificate)],
        description=_l("The certificate of an official, in the official's language, with its verification code."))
def certificate(doc, params):
    official = services.find_official(db.session, params["official"])
    if doc.user is not None and not doc.user.can_act_in(official.district):
        raise NotAllowed("certificate")
    certificates = [c for c in services.certificates_of(db.session, official) if c.valid]
    # Printed in the official's own language, whatever the language of the person printing.
    lang = official.locale if official.locale in LANGUAGES else doc.lang
    doc.lang, doc.rtl = lang, lang in RTL_LANGUAGES
    with force_locale(lang):
        doc.report_title = _("Training certificate")
        doc.area = official.district.name
        for number, item in enumerate(certificates):
            if number:
                doc.page_break()
            # A certificate fills its A4 sheet, centred, in large type, to be framed or shown.
            doc.spacer(16)
            doc.paragraph(_("Certificate of training"), bold=True, size=28, align="center")
            doc.spacer(16)
            # Arabic (and French) agree the verbs and adjectives with the holder: one message per sex.
            sex = "female" if official.sex == "F" else "male"
            doc.paragraph(pgettext(sex, "This certifies that"), size=14, align="center")
            doc.paragraph(official.full_name, bold=True, size=26, align="center")
            doc.paragraph(pgettext(sex, "attended and passed the course %(course)s and is qualified to serve as "
                                        "%(position)s.", course=item.course.name, position=item.position.name),
                          size=14, align="center")
            doc.spacer(14)
            doc.figures({_("Recruitment number"): official.reference, _("Issued on"): doc.date(item.issued_at.date()),
                         _("District"): official.district.name})
            doc.spacer(8)
            doc.paragraph(_("Verification code: %(code)s", code=item.code), bold=True, size=12, align="center")
            url = verification_url(item.code)
            doc.photo(qr_png(url), width_mm=36, align="center",
                      caption=_("Scan, or open %(url)s, to check that this certificate is valid.", url=url))
            doc.spacer(12)
            doc.signatures([_("Training coordinator"), _("Chair of the commission")])


@report("training-coverage", title=_l("Training coverage"), roles=ROLES,
        description=_l("Officials needed and certified in every district, furthest behind first."))
def coverage(doc, params):
    scope = doc.user.scope if doc.user is not None else None
    rows = sorted(services.coverage(db.session, scope), key=lambda r: (r.progress, r.code))
    if scope is not None:
        doc.area = scope.name
    template = services.staffing_template(db.session)
    doc.title(_("Training coverage"))
    doc.figures({_("Officials needed"): sum(r.needed for r in rows),
                 _("Certified"): sum(r.certified for r in rows),
                 _("Still missing"): sum(r.gap for r in rows)})
    doc.paragraph(_("Needed: polling stations times the staffing template (%(template)s).",
                    template=", ".join(f"{doc.number(n)} {code}" for code, n in template.items()) or "-"), size=9)
    behind = [r for r in rows if r.needed][:CHART_DISTRICTS]
    if behind:
        doc.bar_chart({r.name: round(r.progress * 100, 1) for r in behind},
                      title=_("Share of the officials needed who are certified (%), districts furthest behind"))
    doc.heading(_("By district"))
    doc.table(
        [_("District"), _("Stations"), _("Needed"), _("Certified"), _("Gap"), _("Women"), _("Improvement")],
        [[f"{r.code} {r.name}", r.stations, r.needed, r.certified, r.gap, doc.percent(r.women_share),
          "" if r.improvement is None else _("%(points)s points", points=doc.number(round(r.improvement * 100, 1)))]
         for r in rows],
        col_widths=[0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2], align=["start"] + ["end"] * 6)

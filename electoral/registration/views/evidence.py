"""The identity evidence an election accepts: its types, their labels, adding, editing, removing."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from electoral.config import LANGUAGES
from electoral.core.auth import access
from electoral.core.saving import save
from electoral.extensions import db
from electoral.registration.blueprint import ADMIN, bp
from electoral.registration.forms import ConfirmForm, EvidenceTypeForm
from electoral.registration.services import election, evidence


def evidence_choices(include_attestation: bool = True) -> list[tuple[str, str]]:
    """The select's choices: the election's evidence types, labelled in the user's language."""
    return [("", _("Choose")), *evidence.choices(db.session, include_attestation)]


@bp.app_template_filter("id_type")
def id_type_label(value: str) -> str:
    # Once per request: a page of voters shows the label again and again.
    if "evidence_labels" not in g:
        g.evidence_labels = evidence.labels_by_code(db.session)
    return g.evidence_labels.get(value, value)


@bp.app_context_processor
def evidence_listing():
    # A function, so only the page that lists the types (the election settings) reads them.
    return {"evidence_types": lambda: evidence.types_of(db.session), "evidence_label": evidence.label,
            "remove_evidence_form": ConfirmForm}


def _type_or_404(code: str):
    found = evidence.find_type(db.session, code)
    if found is None:
        abort(404)
    return found


def _save(form: EvidenceTypeForm, evidence_type=None):
    settings = election.require(db.session)
    return evidence.save_type(
        db.session, settings, form.code.data, {lang: getattr(form, f"label_{lang}").data for lang in LANGUAGES},
        form.number_required.data, form.number_format.data,
        (form.synonyms.data or "").split(","), evidence_type=evidence_type)


def _form_page(form: EvidenceTypeForm, evidence_type=None):
    if form.validate_on_submit() and (saved := save(lambda: _save(form, evidence_type), form)):
        flash(_("Identity evidence %(code)s saved.", code=saved.result.code), "success")
        return redirect(url_for("registration.election_settings"))
    return render_template("registration/evidence_type.html", form=form, evidence_type=evidence_type,
                           languages=LANGUAGES)


@bp.route("/election/evidence/new", methods=["GET", "POST"])
@access(ADMIN)
def evidence_new():
    return _form_page(EvidenceTypeForm())


@bp.route("/election/evidence/<evidence_code>/edit", methods=["GET", "POST"])
@access(ADMIN)
def evidence_edit(evidence_code: str):
    evidence_type = _type_or_404(evidence_code)
    form = EvidenceTypeForm(obj=evidence_type)
    if not form.is_submitted():
        for lang in LANGUAGES:
            getattr(form, f"label_{lang}").data = (evidence_type.labels or {}).get(lang, "")
        form.synonyms.data = ", ".join(evidence_type.synonyms or [])
    return _form_page(form, evidence_type)


@bp.route("/election/evidence/<evidence_code>/remove", methods=["POST"])
@access(ADMIN)
def evidence_remove(evidence_code: str):
    evidence_type = _type_or_404(evidence_code)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if save(lambda: evidence.remove_type(db.session, evidence_type), joined=True):
        flash(_("Identity evidence %(code)s removed.", code=evidence_code), "success")
    return redirect(url_for("registration.election_settings"))

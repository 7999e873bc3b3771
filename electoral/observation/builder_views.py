"""The coordinator's checklist builder: create, import an XLSForm, add sections and questions, publish."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from electoral.config import LANGUAGES
from electoral.core.auth import Role, access
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.core.forms import show_errors
from electoral.extensions import db
from electoral.observation import forms, services
from electoral.observation.models import ChecklistTemplate, Section
from electoral.observation.views import blueprint as bp

BUILDERS = (Role.OBSERVER_COORDINATOR, Role.ADMINISTRATOR)


def _template_or_404(template_id: int) -> ChecklistTemplate:
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None:
        abort(404)
    return template


@bp.route("/templates")
@access(*BUILDERS)
def templates():
    rows = db.session.scalars(select(ChecklistTemplate).order_by(
        ChecklistTemplate.code, ChecklistTemplate.version.desc())).all()
    return render_template("observation/templates.html", templates=rows, phase_labels=forms.PHASE_LABELS)


@bp.route("/templates/new", methods=["GET", "POST"])
@access(*BUILDERS)
def template_new():
    form = forms.TemplateForm()
    if form.validate_on_submit():
        try:
            template = services.create_template(db.session, form.code.data, form.name.data, form.phase.data)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Checklist %(code)s created; add its questions.", code=template.code), "success")
            return redirect(url_for("observation.template_detail", template_id=template.id))
    return render_template("observation/template_form.html", form=form)


@bp.route("/templates/import", methods=["GET", "POST"])
@access(*BUILDERS)
def template_import():
    form = forms.XlsformForm()
    errors = []
    if form.validate_on_submit():
        try:
            template = services.import_xlsform(db.session, form.file.data.read(), form.phase.data or "")
        except ImportFailed as failure:
            db.session.rollback()
            errors = failure.errors
            flash(ngettext("The form has %(num)d problem. Nothing was imported.",
                           "The form has %(num)d problems. Nothing was imported.", len(errors)), "error")
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form, failure)
        else:
            db.session.commit()
            flash(_("Checklist %(code)s imported as a draft; check it, then publish.", code=template.code),
                  "success")
            return redirect(url_for("observation.template_detail", template_id=template.id))
    return render_template("observation/template_import.html", form=form, errors=errors), 400 if errors else 200


def _question_form() -> forms.QuestionForm:
    return forms.QuestionForm(prefix="q")


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@access(*BUILDERS)
def template_detail(template_id: int):
    template = _template_or_404(template_id)
    section_form, question_form = forms.SectionForm(prefix="s"), _question_form()
    question_form.section.choices = [(0, _("No section"))] + [(s.id, s.code) for s in template.sections]
    action = request.form.get("action")
    if request.method == "POST":
        form = {"section": section_form, "question": question_form}.get(action)
        try:
            if action == "publish":
                services.publish(db.session, template)
                message = _("Version %(version)d is published: observers now fill it.", version=template.version)
            elif action == "edit":
                draft = services.editable(db.session, template)
                db.session.commit()
                flash(_("Version %(version)d is a draft copy; change it, then publish.", version=draft.version),
                      "success")
                return redirect(url_for("observation.template_detail", template_id=draft.id))
            elif form is None or not form.validate_on_submit():
                raise ValidationFailed(_("The form could not be read; check the fields and send it again."))
            elif action == "section":
                services.add_section(db.session, template, section_form.code.data, {"en": section_form.text.data})
                message = _("Section added.")
            else:
                q = question_form
                services.add_question(
                    db.session, template, q.code.data, q.type.data,
                    {lang: getattr(q, f"text_{lang}").data or "" for lang in LANGUAGES},
                    choices=services.parse_choices(q.choices.data or ""),
                    minimum=float(q.minimum.data) if q.minimum.data is not None else None,
                    maximum=float(q.maximum.data) if q.maximum.data is not None else None,
                    required=q.required.data, relevance=q.relevance.data or "", critical=q.critical.data or "",
                    tally=q.tally.data or None, section=db.session.get(Section, q.section.data or 0))
                message = _("Question %(code)s added.", code=q.code.data)
        except ValidationFailed as failure:
            db.session.rollback()
            show_errors(form or section_form, failure)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("observation.template_detail", template_id=template.id))
    return render_template("observation/template.html", template=template, section_form=section_form,
                           question_form=question_form, languages=LANGUAGES, type_labels=forms.TYPE_LABELS,
                           phase_labels=forms.PHASE_LABELS, text_in=services.text_in)

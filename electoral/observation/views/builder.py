"""The coordinator's checklist builder: create, import an XLSForm, add sections and questions, publish."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from electoral.config import LANGUAGES
from electoral.core.auth import Role, access
from electoral.core.errors import ImportFailed, ValidationFailed
from electoral.core.lookups import child_or_404
from electoral.core.saving import save
from electoral.extensions import db
from electoral.observation import forms, services
from electoral.observation.blueprint import bp
from electoral.observation.models import ChecklistTemplate, Question, Section

BUILDERS = (Role.OBSERVER_COORDINATOR, Role.ADMINISTRATOR)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    if form.validate_on_submit() and (saved := save(
            lambda: services.create_template(db.session, form.code.data, form.name.data, form.phase.data), form)):
        flash(_("Checklist %(code)s created; add its questions.", code=saved.result.code), "success")
        return redirect(url_for("observation.template_detail", template_id=saved.result.id))
    return render_template("observation/template_form.html", form=form)


@bp.route("/templates/import", methods=["GET", "POST"])
@access(*BUILDERS)
def template_import():
    form = forms.XlsformForm()
    errors = []
    if form.validate_on_submit():
        try:
            saved = save(lambda: services.import_xlsform(db.session, form.file.data.read(), form.phase.data or ""),
                         form)
        except ImportFailed as failure:  # rolled back by save
            errors = failure.errors
            flash(ngettext("The form has %(num)d problem. Nothing was imported.",
                           "The form has %(num)d problems. Nothing was imported.", len(errors)), "error")
        else:
            if saved:
                flash(_("Checklist %(code)s imported as a draft; check it, then publish.", code=saved.result.code),
                      "success")
                return redirect(url_for("observation.template_detail", template_id=saved.result.id))
    return render_template("observation/template_import.html", form=form, errors=errors), 400 if errors else 200


@bp.route("/templates/<int:template_id>/xlsform.xlsx")
@access(*BUILDERS)
def template_xlsform(template_id: int):
    template = _template_or_404(template_id)
    from electoral.observation.services.xlsform_export import export_xlsform

    return Response(export_xlsform(template), mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{template.code}-v{template.version}.xlsx"'})


def _question_form() -> forms.QuestionForm:
    return forms.QuestionForm(prefix="q")


def _question_values(q: forms.QuestionForm) -> dict:
    return dict(
        code=q.code.data, qtype=q.type.data,
        texts={lang: getattr(q, f"text_{lang}").data or "" for lang in LANGUAGES},
        choices=services.parse_choices(q.choices.data or ""),
        minimum=float(q.minimum.data) if q.minimum.data is not None else None,
        maximum=float(q.maximum.data) if q.maximum.data is not None else None,
        required=q.required.data, relevance=q.relevance.data or "", critical=q.critical.data or "",
        tally=q.tally.data or None, section=db.session.get(Section, q.section.data or 0))


def _section_choices(form: forms.QuestionForm, template: ChecklistTemplate) -> None:
    form.section.choices = [(0, _("No section"))] + [(s.id, s.code) for s in template.sections]


@bp.route("/templates/<int:template_id>/questions/<int:question_id>", methods=["GET", "POST"])
@access(*BUILDERS)
def question_edit(template_id: int, question_id: int):
    template = _template_or_404(template_id)
    question = child_or_404(Question, question_id, template_id=template.id)
    form = forms.QuestionForm(prefix="q", obj=question if request.method == "GET" else None)
    _section_choices(form, template)
    if request.method == "GET":
        form.section.data = question.section_id or 0
        form.choices.data = services.choices_text(question)
        form.tally.data = question.tally or ""
        for bound in (form.minimum, form.maximum):  # 10, not 10.0, for a whole-number bound
            if bound.data is not None and float(bound.data).is_integer():
                bound.data = int(bound.data)
        for lang in LANGUAGES:
            getattr(form, f"text_{lang}").data = (question.texts or {}).get(lang, "")
    elif template.published:
        flash(_("A published checklist cannot change; edit it to make a new version."), "error")
        return redirect(url_for("observation.template_detail", template_id=template.id))
    else:
        def act() -> str:
            if request.form.get("action") == "remove":  # CSRFProtect has checked the token
                services.remove_question(db.session, question)
                return _("Question %(code)s removed.", code=question.code)
            if not form.validate_on_submit():
                raise ValidationFailed(_("The form could not be read; check the fields and send it again."))
            services.update_question(db.session, question, **_question_values(form))
            return _("Question %(code)s saved.", code=question.code)

        if saved := save(act, form):
            flash(saved.result, "success")
            return redirect(url_for("observation.template_detail", template_id=template.id))
    return render_template("observation/question_form.html", template=template, question=question, form=form,
                           languages=LANGUAGES)


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@access(*BUILDERS)
def template_detail(template_id: int):
    template = _template_or_404(template_id)
    section_form, question_form = forms.SectionForm(prefix="s"), _question_form()
    _section_choices(question_form, template)
    action = request.form.get("action")
    if request.method == "POST":
        form = {"section": section_form, "question": question_form}.get(action)

        def act() -> tuple[str, int]:
            """The action's message and the checklist to show next (a new draft for "edit")."""
            if action == "publish":
                services.publish(db.session, template)
                return _("Version %(version)d is published: observers now fill it.", version=template.version), \
                    template.id
            if action == "edit":
                draft = services.editable(db.session, template)
                return _("Version %(version)d is a draft copy; change it, then publish.", version=draft.version), \
                    draft.id
            if form is None or not form.validate_on_submit():
                raise ValidationFailed(_("The form could not be read; check the fields and send it again."))
            if action == "section":
                services.add_section(db.session, template, section_form.code.data, {"en": section_form.text.data},
                                     repeat=bool(section_form.repeat.data))
                return _("Section added."), template.id
            values = _question_values(question_form)
            services.add_question(db.session, template, values.pop("code"), values.pop("qtype"),
                                  values.pop("texts"), **values)
            return _("Question %(code)s added.", code=question_form.code.data), template.id

        if saved := save(act, form or section_form):
            message, shown = saved.result
            flash(message, "success")
            return redirect(url_for("observation.template_detail", template_id=shown))
    return render_template("observation/template.html", template=template, section_form=section_form,
                           question_form=question_form, languages=LANGUAGES, type_labels=forms.TYPE_LABELS,
                           phase_labels=forms.PHASE_LABELS, text_in=services.text_in)

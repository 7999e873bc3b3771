"""Checklist templates as data: building, versioning, publishing, XLSForm import."""

import re
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from electoral.config import LANGUAGES
from electoral.core.errors import ValidationFailed
from electoral.observation import conditions
from electoral.observation.models import (
    PHASES,
    QUESTION_TYPES,
    TALLY_ROLES,
    ChecklistTemplate,
    Question,
    Section,
)

# XLSForm (XML) names may hold "-" and "." after the first character.
QUESTION_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,39}$")
TEMPLATE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
CHOICE_TYPES = ("single_choice", "multiple_choice")


def text_in(texts: dict[str, str] | None, lang: str) -> str:
    """The text in ``lang``, else English, else the first one given."""
    texts = texts or {}
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def create_template(session: Session, code: str, name: str, phase: str) -> ChecklistTemplate:
    """A new draft template, version 1."""
    code, name = (code or "").strip().upper(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not TEMPLATE_CODE.match(code):
        errors["code"] = [_("Use up to 40 letters, digits, dots, dashes or underscores.")]
    elif session.scalar(select(ChecklistTemplate.id).where(ChecklistTemplate.code == code)):
        errors["code"] = [_("A checklist with the code %(code)s exists.", code=code)]
    if not name:
        errors["name"] = [_("Give the checklist a name.")]
    if phase not in PHASES:
        errors["phase"] = [_("Choose a phase.")]
    if errors:
        raise ValidationFailed(errors)
    template = ChecklistTemplate(code=code, name=name, phase=phase, version=1, published=False, retired=False)
    session.add(template)
    session.flush()
    return template


def latest(session: Session, code: str, published_only: bool = False) -> ChecklistTemplate | None:
    """The highest version of a template (the highest published one, if asked)."""
    query = select(ChecklistTemplate).where(ChecklistTemplate.code == code)
    if published_only:
        query = query.where(ChecklistTemplate.published.is_(True))
    return session.scalar(query.order_by(ChecklistTemplate.version.desc()).limit(1))


def published_templates(session: Session) -> list[ChecklistTemplate]:
    """The current published version of every template, in phase order."""
    newest = (select(ChecklistTemplate.code, func.max(ChecklistTemplate.version).label("version"))
              .where(ChecklistTemplate.published.is_(True)).group_by(ChecklistTemplate.code).subquery())
    found = session.scalars(select(ChecklistTemplate).join(
        newest, (ChecklistTemplate.code == newest.c.code) & (ChecklistTemplate.version == newest.c.version)))
    return sorted(found, key=lambda t: (PHASES.index(t.phase), t.code))


def editable(session: Session, template: ChecklistTemplate) -> ChecklistTemplate:
    """The draft to edit: the template itself, or a new version copied from a published one."""
    if not template.published:
        return template
    draft = latest(session, template.code)
    if draft is not None and not draft.published:
        return draft
    copy = ChecklistTemplate(code=template.code, name=template.name, phase=template.phase,
                             version=draft.version + 1, published=False, retired=False,
                             form_version=template.form_version)
    sections = {}
    for section in template.sections:
        sections[section.id] = Section(code=section.code, position=section.position, texts=dict(section.texts),
                                       repeat=section.repeat, repeat_count=section.repeat_count or "")
        copy.sections.append(sections[section.id])
    for q in template.questions:
        copy.questions.append(Question(
            code=q.code, position=q.position, type=q.type, texts=dict(q.texts), choices=list(q.choices),
            minimum=q.minimum, maximum=q.maximum, required=q.required, relevance=q.relevance,
            critical=q.critical, tally=q.tally, section=sections.get(q.section_id), hints=dict(q.hints or {}),
            constraint_message=dict(q.constraint_message or {}), default_value=q.default_value or "",
            constraint=q.constraint or "", choice_filter=q.choice_filter or "", calculation=q.calculation or "",
            media=dict(q.media or {})))
    session.add(copy)
    session.flush()
    from electoral.observation.attachments.media import copy_media

    copy_media(session, template, copy)  # the form's pictures go with its new version
    return copy


def add_section(session: Session, template: ChecklistTemplate, code: str, texts: dict[str, str],
                repeat: bool = False, repeat_count: str = "") -> Section:
    """Add a section at the end of a draft template; a repeat's questions are answered once per entry."""
    _require_draft(template)
    code = (code or "").strip()
    if not QUESTION_CODE.match(code):
        raise ValidationFailed({"code": [_("Use a letter, then letters, digits or underscores.")]})
    if any(s.code == code for s in template.sections):
        raise ValidationFailed({"code": [_("The section %(code)s exists.", code=code)]})
    repeat_count = (repeat_count or "").strip() if repeat else ""
    if repeat:
        # The entries are kept under the repeat's code, beside the answers: it cannot be a question's.
        if any(q.code == code for q in template.questions):
            raise ValidationFailed({"code": [_("The question %(code)s exists in this checklist.", code=code)]})
        try:
            unknown = conditions.calculation_codes(conditions.parse_calculation(repeat_count)) - top_level_codes(
                template)
        except conditions.ConditionError as exc:
            raise ValidationFailed({"repeat_count": [str(exc)]}) from None
        if unknown:
            raise ValidationFailed({"repeat_count": [_("The condition names unknown questions: %(codes)s.",
                                                       codes=", ".join(sorted(unknown)))]})
    section = Section(code=code, position=len(template.sections) + 1, texts=_texts(texts), repeat=repeat,
                      repeat_count=repeat_count)
    template.sections.append(section)
    session.flush()
    return section


def top_level_codes(template: ChecklistTemplate) -> set[str]:
    """The questions answered once per filing (outside any repeat) and the repeats (for count())."""
    return {q.code for q in template.questions if not q.repeat_code} | {s.code for s in template.repeats}


def visible_codes(template: ChecklistTemplate, section: Section | None, before: int | None = None) -> set[str]:
    """What a question's conditions may name: the questions before it at the top level, the repeats, and inside
    a repeat the entry's own earlier questions and its number (position(..))."""
    earlier = [q for q in template.questions if before is None or q.position < before]
    codes = {q.code for q in earlier if not q.repeat_code} | {s.code for s in template.repeats}
    if section is not None and section.repeat:
        codes |= {q.code for q in earlier if q.repeat_code == section.code} | {conditions.POSITION}
    return codes


def _require_draft(template: ChecklistTemplate) -> None:
    if template.published:
        raise ValidationFailed(_("A published checklist cannot change; edit it to make a new version."))


def _texts(texts: dict[str, str]) -> dict[str, str]:
    return {lang: text.strip() for lang, text in (texts or {}).items() if lang in LANGUAGES and (text or "").strip()}


def parse_choices(text: str) -> list[dict[str, Any]]:
    """Choices written one a line as ``value = label`` (or just ``value``)."""
    choices = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        value, _sep, label = line.partition("=")
        choices.append({"value": value.strip(), "texts": {"en": (label or value).strip()}})
    return choices


def question_problems(template: ChecklistTemplate, spec: dict[str, Any], known: set[str],
                      visible: set[str] | None = None) -> dict[str, list[str]]:
    """Every problem with a question's definition, by field (``visible``: what its conditions may name)."""
    errors: dict[str, list[str]] = {}
    code, qtype = spec["code"], spec["type"]
    visible = known if visible is None else visible
    if not QUESTION_CODE.match(code or ""):
        errors["code"] = [_("Use a letter, then letters, digits or underscores (up to 40).")]
    elif code in known or code in {s.code for s in template.repeats}:
        errors["code"] = [_("The question %(code)s exists in this checklist.", code=code)]
    if qtype not in QUESTION_TYPES:
        errors["type"] = [_("Unknown question type %(type)s.", type=qtype)]
    if not spec["texts"]:
        errors["texts"] = [_("Give the question's text in at least one language.")]
    if qtype in CHOICE_TYPES:
        values = [c["value"] for c in spec["choices"]]
        if len(values) < 2:
            errors["choices"] = [_("Give at least two choices.")]
        elif len(set(values)) != len(values) or not all(values):
            errors["choices"] = [_("Each choice needs its own value.")]
    low, high = spec.get("minimum"), spec.get("maximum")
    if low is not None and high is not None and low > high:
        errors["maximum"] = [_("The maximum is below the minimum.")]
    if spec.get("tally") and (spec["tally"] not in TALLY_ROLES or qtype != "integer"):
        errors["tally"] = [_("Only a whole-number question carries a count for the quick count.")]
    for field in ("relevance", "critical", "constraint"):
        try:
            tree = conditions.parse(spec.get(field) or "")
        except conditions.ConditionError as exc:
            errors[field] = [str(exc)]
            continue
        unknown = conditions.codes(tree) - visible - ({code} if field == "critical" else set()) - (
            {"."} if field == "constraint" else set())
        if unknown:
            errors[field] = [_("The condition names unknown questions: %(codes)s.", codes=", ".join(sorted(unknown)))]
    return errors


def add_question(session: Session, template: ChecklistTemplate, code: str, qtype: str, texts: dict[str, str],
                 choices: list[dict] | None = None, minimum: float | None = None, maximum: float | None = None,
                 required: bool = True, relevance: str = "", critical: str = "", tally: str | None = None,
                 section: Section | None = None, hints: dict[str, str] | None = None,
                 constraint_message: dict[str, str] | None = None, default_value: str = "",
                 constraint: str = "", choice_filter: str = "", calculation: str = "") -> Question:
    """Add a question at the end of a draft template; conditions may only name earlier questions."""
    _require_draft(template)
    spec = {"code": (code or "").strip(), "type": qtype, "texts": _texts(texts), "choices": choices or [],
            "minimum": minimum, "maximum": maximum, "relevance": (relevance or "").strip(),
            "critical": (critical or "").strip(), "tally": tally or None, "constraint": (constraint or "").strip()}
    visible = visible_codes(template, section)
    errors = question_problems(template, spec, {q.code for q in template.questions}, visible)
    if section is not None and section.repeat and qtype == "image":
        errors["type"] = [_("A photo cannot be asked inside a repeated section yet.")]
    if section is not None and section.repeat and spec["tally"]:
        # The quick count reads one figure per filing; an entry's is one of several.
        errors["tally"] = [_("A count for the quick count cannot be inside a repeated section.")]
    try:
        unknown = conditions.references(conditions.parse(choice_filter or "")) - visible
        if unknown:
            errors["choice_filter"] = [_("The condition names unknown questions: %(codes)s.",
                                         codes=", ".join(sorted(unknown)))]
    except conditions.ConditionError as exc:
        errors["choice_filter"] = [str(exc)]
    calculation = (calculation or "").strip() if qtype == "calculate" else ""
    errors.update(_calculation_problems(qtype, calculation, visible,
                                        frozenset(q.code for q in template.questions if q.repeat_code)))
    if errors:
        raise ValidationFailed(errors)
    question = Question(position=len(template.questions) + 1, required=bool(required), section=section,
                        hints=_texts(hints or {}), constraint_message=_texts(constraint_message or {}),
                        default_value=(default_value or "").strip()[:200],
                        choice_filter=(choice_filter or "").strip(), calculation=calculation, **spec)
    if spec["type"] == "calculate":
        question.required = False  # computed, never answered
    if spec["type"] not in CHOICE_TYPES:
        question.choices = []
    template.questions.append(question)
    session.flush()
    return question


def update_question(session: Session, question: Question, code: str, qtype: str, texts: dict[str, str],
                    choices: list[dict] | None = None, minimum: float | None = None, maximum: float | None = None,
                    required: bool = True, relevance: str = "", critical: str = "", tally: str | None = None,
                    section: Section | None = None) -> Question:
    """Change a question of a draft; its conditions may still only name the questions before it."""
    template = question.template
    _require_draft(template)
    spec = {"code": (code or "").strip(), "type": qtype, "texts": _texts(texts),
            "choices": _keep_choice_translations(question.choices, choices or []),
            "minimum": minimum, "maximum": maximum, "relevance": (relevance or "").strip(),
            "critical": (critical or "").strip(), "tally": tally or None}
    earlier = {q.code for q in template.questions if q.position < question.position}
    errors = question_problems(template, spec, earlier, visible_codes(template, section, question.position))
    others = {q.code for q in template.questions if q.id != question.id}
    if spec["code"] in others and "code" not in errors:
        errors["code"] = [_("The question %(code)s exists in this checklist.", code=spec["code"])]
    if spec["code"] != question.code and (users := _questions_naming(template, question.code)):
        # Renaming would leave a later condition pointing at nothing.
        errors.setdefault("code", []).append(_("Questions %(codes)s name this code in their conditions.",
                                               codes=", ".join(users)))
    if errors:
        raise ValidationFailed(errors)
    for key, value in spec.items():
        setattr(question, key, value)
    if spec["type"] not in CHOICE_TYPES:
        question.choices = []
    question.required, question.section = bool(required), section
    session.flush()
    return question


def remove_question(session: Session, question: Question) -> None:
    """Take a question out of a draft, unless a later question's condition names it."""
    template = question.template
    _require_draft(template)
    if users := _questions_naming(template, question.code):
        raise ValidationFailed(_("Questions %(codes)s name %(code)s in their conditions; change them first.",
                                 codes=", ".join(users), code=question.code))
    template.questions.remove(question)
    for position, remaining in enumerate(template.questions, start=1):
        remaining.position = position
    session.flush()


def _calculation_problems(qtype: str, calculation: str, earlier: set[str],
                          repeated: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """A calculated question needs a calculation the subset reads, naming only earlier questions."""
    if qtype != "calculate":
        return {}
    if not calculation:
        return {"calculation": [_("Give the calculation.")]}
    try:
        tree = conditions.parse_calculation(calculation)
        # sum(), max(), min() read a question inside a repeat over its entries: known, though not "earlier".
        unknown = conditions.calculation_codes(tree) - earlier - (conditions.aggregated_codes(tree) & repeated)
    except conditions.ConditionError as exc:
        return {"calculation": [str(exc)]}
    if unknown:
        return {"calculation": [_("The condition names unknown questions: %(codes)s.", codes=", ".join(sorted(unknown)))]}
    return {}


def _questions_naming(template: ChecklistTemplate, code: str) -> list[str]:
    return [q.code for q in template.questions if q.code != code and code in (
        conditions.codes(conditions.parse(q.relevance)) | conditions.codes(conditions.parse(q.critical))
        | conditions.calculation_codes(conditions.parse_calculation(q.calculation)))]


def _keep_choice_translations(old: list[dict], new: list[dict]) -> list[dict]:
    # The builder edits choices as "value = English label"; labels in other
    # languages (from an XLSForm) stay with their value.
    kept = {c["value"]: c for c in old or []}
    # A choice's columns for a choice_filter ("data") stay with their value too.
    return [{"value": c["value"], "texts": {**kept.get(c["value"], {}).get("texts", {}), **c["texts"]},
             **({"data": kept[c["value"]]["data"]} if kept.get(c["value"], {}).get("data") else {})} for c in new]


def choices_text(question: Question) -> str:
    """The choices as the builder's text area shows them."""
    return "\n".join(f"{c['value']} = {text_in(c.get('texts'), 'en')}" for c in question.choices)


def publish(session: Session, template: ChecklistTemplate) -> None:
    """Make the draft the version observers fill; earlier versions retire but stay for their submissions."""
    if not template.questions:
        raise ValidationFailed(_("Add at least one question before publishing."))
    for older in session.scalars(select(ChecklistTemplate).where(
            ChecklistTemplate.code == template.code, ChecklistTemplate.id != template.id,
            ChecklistTemplate.published.is_(True))):
        older.retired = True
    template.published = True
    template.retired = False
    session.flush()


def definition(template: ChecklistTemplate, lang: str) -> dict[str, Any]:
    """The template as JSON for the phone and the API: questions, texts, parsed conditions, repeats."""
    return {
        "code": template.code, "version": template.version, "name": template.name, "phase": template.phase,
        "repeats": [{"code": s.code, "text": text_in(s.texts, lang), "texts": s.texts,
                     "count": conditions.parse_calculation(s.repeat_count)} for s in template.repeats],
        "questions": [{
            "code": q.code, "type": q.type, "text": text_in(q.texts, lang), "texts": q.texts,
            "section": q.section.code if q.section else None, "repeat": q.repeat_code or None,
            "required": q.required,
            "minimum": q.minimum, "maximum": q.maximum, "tally": q.tally,
            "choices": [{"value": c["value"], "text": text_in(c.get("texts"), lang)} for c in q.choices],
            "relevance": conditions.parse(q.relevance), "critical": conditions.parse(q.critical),
            "hint": text_in(q.hints, lang), "default": q.default_value or None,
            "constraint_message": text_in(q.constraint_message, lang) or None,
            "constraint": conditions.parse(q.constraint), "choice_filter": conditions.parse(q.choice_filter),
            "calculation": conditions.parse_calculation(q.calculation),
        } for q in template.questions],
    }


from electoral.observation.services.xlsform import import_xlsform  # noqa: E402,F401

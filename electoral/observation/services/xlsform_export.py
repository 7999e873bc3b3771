"""Any checklist, imported or built on the web, written as an XLSForm that pyxform converts and that imports back.

Conditions are written in XLSForm's own spelling (``${Q1} = 'no'``, ``selected(${Q5}, 'ink')``)
from their parsed tree, so ODK reads them too; the tree they parse back to is the same.
"""

import io
from typing import Any

from babel import Locale

from electoral.observation import conditions
from electoral.observation.models import ChecklistTemplate, Question

_SELECT = {"yes_no": "select_one", "single_choice": "select_one", "multiple_choice": "select_multiple"}
_XLSFORM_TYPES = {"datetime": "dateTime"}  # the checklist's type -> XLSForm's spelling, where they differ


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _literal(value: Any) -> str:
    if isinstance(value, dict):
        return f"${{{value['ref']}}}"
    if isinstance(value, float):
        return _number(value)
    return "'" + str(value).replace("'", "") + "'"


def condition_text(tree: dict | None, types: dict[str, str], bare: bool = False) -> str:
    """The XLSForm spelling of a condition tree (``bare``: a choice_filter, whose left names are choice columns)."""
    if tree is None:
        return ""
    if "cmp" in tree:
        question = "." if tree["q"] == "." else (tree["q"] if bare else f"${{{tree['q']}}}")
        if tree["q"] == conditions.POSITION:
            question = "position(..)"
        if tree.get("fn"):
            question = f"{tree['fn']}({question})"
        if tree["cmp"] == "regex":
            return f"regex({question}, {_literal(tree['v'])})"
        if tree["cmp"] == "=" and types.get(tree["q"]) == "multiple_choice" and not tree.get("fn"):
            return f"selected({question}, {_literal(tree['v'])})"
        return f"{question} {tree['cmp']} {_literal(tree['v'])}"
    if tree["op"] == "not":
        return f"not({condition_text(tree['args'][0], types, bare)})"
    return f" {tree['op']} ".join(f"({condition_text(arg, types, bare)})" for arg in tree["args"])


def calculation_text(tree: dict | None) -> str:
    """The XLSForm spelling of a calculation tree (conditions.parse_calculation reads it back to the same tree)."""
    if tree is None:
        return ""
    if "n" in tree:
        return _number(tree["n"])
    if "s" in tree:
        return _literal(tree["s"])
    if tree.get("fn") == "position":
        return "position(..)"
    if tree.get("fn") in ("count", "sum", "max", "min"):
        return f"{tree['fn']}(${{{tree['ref']}}})"
    if "ref" in tree:
        return f"${{{tree['ref']}}}"
    if "test" in tree:
        return f"{calculation_text(tree['args'][0])} {tree['test']} {calculation_text(tree['args'][1])}"
    if tree.get("op") == "not":
        return f"not({calculation_text(tree['args'][0])})"
    if "op" in tree:
        return f" {tree['op']} ".join(f"({calculation_text(arg)})" for arg in tree["args"])
    if "fn" in tree:
        return f"{tree['fn']}({', '.join(calculation_text(arg) for arg in tree['args'])})"
    return f"({calculation_text(tree['args'][0])} {tree['ar']} {calculation_text(tree['args'][1])})"


def _language_header(code: str) -> str:
    return f"{Locale.parse(code).english_name} ({code})"


def _bounds(question: Question) -> str:
    parts = []
    if question.minimum is not None:
        parts.append(f". >= {_number(question.minimum)}")
    if question.maximum is not None:
        parts.append(f". <= {_number(question.maximum)}")
    return " and ".join(parts)


def export_xlsform(template: ChecklistTemplate) -> bytes:
    """The checklist as an XLSForm workbook (survey, choices, settings)."""
    questions = template.questions
    languages = sorted({lang for q in questions for texts in (q.texts, q.hints, q.constraint_message,
                                                              *(c.get("texts", {}) for c in q.choices))
                        for lang in texts} | {lang for s in template.sections for lang in s.texts}) or ["en"]
    types = {q.code: q.type for q in questions}
    # Imported here, not with the module: openpyxl (and the PIL it pulls in) costs every `electoral` command and
    # worker about 0.2 s of CPU at start-up, and only this export needs it.
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    header = ["type", "name", *(f"label::{_language_header(lang)}" for lang in languages),
              *(f"hint::{_language_header(lang)}" for lang in languages), "required", "relevant", "constraint",
              *(f"constraint_message::{_language_header(lang)}" for lang in languages), "default", "critical", "tally",
              "choice_filter", "calculation", "repeat_count"]
    # XLSForm's media::image (a picture beside a label), only when the checklist has any.
    question_media = any((q.media or {}).get("image") for q in questions)
    choice_media = any((c.get("media") or {}).get("image") for q in questions for c in q.choices)
    if question_media:
        header.append("media::image")
    survey.append(header)

    def row(**cells: Any) -> list:
        return [cells.get(column, "") for column in header]

    def texts(kind: str, values: dict[str, str]) -> dict[str, str]:
        return {f"{kind}::{_language_header(lang)}": values.get(lang, "") for lang in languages}

    choices = book.create_sheet("choices")
    data_columns = sorted({k for q in questions for c in q.choices for k in (c.get("data") or {})})
    choices.append(["list_name", "name", *(f"label::{_language_header(lang)}" for lang in languages), *data_columns,
                    *(["media::image"] if choice_media else [])])
    section = None
    for q in questions:
        if q.section is not section:
            if section is not None:
                survey.append(row(type="end_repeat" if section.repeat else "end_group"))
            if q.section is not None:
                survey.append(row(type="begin_repeat" if q.section.repeat else "begin_group", name=q.section.code,
                                  repeat_count=calculation_text(conditions.parse_calculation(q.section.repeat_count)),
                                  **texts("label", q.section.texts)))
            section = q.section
        qtype = _XLSFORM_TYPES.get(q.type, q.type)
        if q.type in _SELECT:
            list_name = f"{q.code}_choices"
            options = q.choices or [{"value": "yes", "texts": {"en": "Yes", "fr": "Oui"}},
                                    {"value": "no", "texts": {"en": "No", "fr": "Non"}}]
            for option in options:
                labels = [option.get("texts", {}).get(lang, "") for lang in languages]
                if not any(labels):  # pyxform needs a label: the value stands in, in the first language
                    labels[0] = option["value"]
                data = option.get("data") or {}
                choices.append([list_name, option["value"], *labels, *(data.get(k, "") for k in data_columns),
                                *([(option.get("media") or {}).get("image", "")] if choice_media else [])])
            qtype = f"{_SELECT[q.type]} {list_name}"
        survey.append(row(
            type=qtype, name=q.code, required="yes" if q.required else "",
            relevant=condition_text(conditions.parse(q.relevance), types),
            constraint=" and ".join(filter(None, [_bounds(q), condition_text(conditions.parse(q.constraint), types)])),
            default=q.default_value or "", critical=q.critical or "", tally=q.tally or "",
            choice_filter=condition_text(conditions.parse(q.choice_filter), types, bare=True),
            calculation=calculation_text(conditions.parse_calculation(q.calculation)),
            **texts("label", q.texts), **texts("hint", q.hints or {}),
            **texts("constraint_message", q.constraint_message or {}),
            **({"media::image": (q.media or {}).get("image", "")} if question_media else {})))
    if section is not None:
        survey.append(row(type="end_repeat" if section.repeat else "end_group"))
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "version", "phase"])
    settings.append([template.code, template.name, template.form_version or str(template.version), template.phase])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""The SMS card: how to send each checklist by SMS, one page per checklist, in the reader's language."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from electoral.core import dates
from electoral.core.auth import Role
from electoral.observation.forms import CATEGORY_LABELS
from electoral.observation.models import ChecklistTemplate
from electoral.observation.services.checklists import published_templates, text_in
from electoral.observation.services.incidents import INCIDENT_CATEGORIES
from electoral.observation.sms import parser
from electoral.registration.services import election
from electoral.reports.registry import Param, report

ROLES = [Role.OBSERVER_COORDINATOR, Role.ADMINISTRATOR, Role.OBSERVER]


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def how_to_answer(question, lang: str, date_order: str = dates.DAY_FIRST) -> str:
    """What to type after the question's code."""
    kind = question.type
    if kind in parser.NOT_BY_SMS:
        return _("cannot be sent by SMS: use the phone page")
    if kind == "date":
        return parser.date_help(date_order)
    if kind == "datetime":
        return parser.datetime_help(date_order)
    if kind == "yes_no":
        return _("Y = yes, N = no")
    if kind in ("integer", "decimal"):
        low = _plain(question.minimum) if question.minimum is not None else ""
        high = _plain(question.maximum) if question.maximum is not None else ""
        if low and high:
            return _("a number from %(low)s to %(high)s", low=low, high=high)
        if low:
            return _("a number, at least %(low)s", low=low)
        return _("a number")
    if kind in ("single_choice", "multiple_choice"):
        options = ", ".join(f"{n} = {text_in(c.get('texts') or {}, lang) or c['value']}"
                            for n, c in enumerate(question.choices, start=1))
        if kind == "single_choice":
            return _("one of: %(options)s", options=options)
        return _("one or more, separated by commas: %(options)s", options=options)
    if kind == "time":
        return _("the time as HHMM (0730)")
    return _("one word")


def _example(template: ChecklistTemplate) -> str:
    sample = {"yes_no": "Y", "integer": None, "decimal": None, "single_choice": "1", "multiple_choice": "1,2",
              "time": "0730", "text": "OK",
              "date": "07122026", "datetime": "071220261420"}
    parts = []
    for question in template.questions:
        if question.relevance or not question.required or question.type in parser.NOT_ANSWERED + parser.NOT_BY_SMS:
            continue
        value = sample.get(question.type)
        if value is None:
            value = _plain(question.minimum if question.minimum is not None else 0)
        parts.append(f"{question.code}{value}")
    return " ".join([template.code, "OBS-ACD34679"] + parts[:6])


def _template(value: str) -> str:
    code = (value or "").strip().upper()
    if code and code not in {t.code.upper() for t in published_templates(_session())}:
        raise ValueError(_("No published checklist has this code."))
    return code


def _session():
    from electoral.extensions import db

    return db.session


@report("sms-card", title=_l("SMS card"), roles=ROLES,
        params=[Param("template", _l("Checklist code (empty: every checklist)"), check=_template)])
def build(doc, params):
    code = params.get("template") or ""
    templates = [t for t in published_templates(doc.session) if not code or t.code.upper() == code]
    for index, template in enumerate(templates):
        if index:
            doc.page_break()
        doc.title(_("Sending %(code)s by SMS", code=template.code))
        doc.paragraph(template.name, bold=True)
        doc.paragraph(_("Type the checklist code, your accreditation number, then each question's code "
                        "followed by your answer, separated by spaces:"))
        # One message, so that a translator sees the whole pattern and may reorder it.
        doc.paragraph(_("%(code)s <your number> CODEanswer …", code=template.code), bold=True, size=12)
        if (refusal := parser.not_by_sms(template)) is not None:
            doc.paragraph(refusal, bold=True)  # no codes to type: the card says so and lists nothing
            continue
        doc.paragraph(_("For example: %(example)s", example=_example(template)))
        date_order = election.date_order(doc.session)
        rows = []
        for question in template.questions:
            if question.type in parser.NOT_ANSWERED:
                continue  # shown on the phone page, never typed
            text = text_in(question.texts, doc.lang)
            if question.relevance:
                text += " " + _("(only when %(condition)s)", condition=question.relevance)
            if not question.required:
                text += " " + _("(may be left out)")
            rows.append([question.code, text, how_to_answer(question, doc.lang, date_order)])
        doc.table([_("Code"), _("Question"), _("Answer")], rows, col_widths=[0.12, 0.5, 0.38], font_size=8)
        doc.paragraph(_("A mobile observer adds the polling station code after the accreditation number. "
                        "To correct a checklist, send it again in full. You will get a reply for every message."),
                      size=8)
        categories = ", ".join(f"{n} = {CATEGORY_LABELS.get(c, c)}" for n, c in enumerate(INCIDENT_CATEGORIES, start=1))
        doc.paragraph(_("Incident: INC <your number> <category> <what happened>. Categories: %(categories)s.",
                        categories=categories), size=8)

"""The print form: language, paper, watermark, then the report's own parameters."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import AnyOf

from electoral.config import LANGUAGES
from electoral.reports.registry import PAPERS, ReportSpec

PARAM_PREFIX = "p_"


def print_form(spec: ReportSpec, default_lang: str) -> FlaskForm:
    """A form class made for ``spec``; its parameters are named ``p_<name>`` beside the print options."""

    class PrintForm(FlaskForm):
        lang = SelectField(_l("Language of the report"), choices=list(LANGUAGES.items()), default=default_lang,
                           validators=[AnyOf(list(LANGUAGES))])
        paper = SelectField(_l("Paper"), choices=[("A4", _l("A4")), ("Letter", _l("Letter"))], default="A4",
                            validators=[AnyOf(list(PAPERS))])
        watermark = SelectField(_l("Watermark"), choices=[("", lazy_pgettext("watermark", "None")), ("provisional", _l("Provisional")),
                                                          ("draft", _l("Draft"))], default="")

    for param in spec.params:
        description = param.help or ""
        if param.kind == "choice":
            choices = ([] if param.required else [("", _l("All"))]) + param.options()
            field = SelectField(param.label, choices=choices, default=param.default or "",
                                description=description, validate_choice=False)
        else:
            field = StringField(param.label, default=param.default or "", description=description,
                                render_kw={"type": "date"} if param.kind == "date" else
                                {"inputmode": "numeric"} if param.kind == "int" else None)
        setattr(PrintForm, PARAM_PREFIX + param.name, field)
    return PrintForm()


def param_values(form, spec: ReportSpec) -> dict[str, str]:
    return {param.name: getattr(form, PARAM_PREFIX + param.name).data or "" for param in spec.params}


def param_fields(form, spec: ReportSpec) -> list:
    return [getattr(form, PARAM_PREFIX + param.name) for param in spec.params]

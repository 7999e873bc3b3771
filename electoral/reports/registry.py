"""The register of printable reports, and the one way to print one.

A domain declares its reports in ``electoral/<domain>/reports.py``; the kit
imports every such module (``load()``), so their decorators run::

    from flask_babel import lazy_gettext as _l
    from electoral.core.auth import Role
    from electoral.reports.registry import Param, report

    @report("training-certificate", title=_l("Training certificate"),
            roles=[Role.TRAINING_COORDINATOR, Role.ADMINISTRATOR],
            params=[Param("official", _l("Official"), required=True)])
    def build(doc, params):
        official = find_official(doc.session, params["official"])
        doc.area = official.centre.name
        doc.title(_("Certificate of training"))
        doc.paragraph(_("%(name)s completed the training.", name=official.name))
        doc.signatures([_("Training coordinator"), _("Chair of the commission")])

- ``report(name, title, roles, params=(), background=False, description=None)``
  registers ``build(doc: ReportDocument, params: dict) -> None``. ``background=True``
  prints through a Huey job with a progress page (long lists); otherwise the PDF
  is returned straight away.
- ``Param(name, label, required=False, kind="text"|"int"|"date"|"choice",
  choices=None, default=None, check=None, help=None)``: ``check(value)`` may
  convert the value or raise ``ValueError(message)``; ``choices`` is a list of
  ``(value, label)`` or a callable returning one. Validated values reach ``build``.
- ``build`` runs inside ``flask_babel.force_locale(doc.lang)``: call ``_()``
  (not the lazy ``_l``) for text and ``doc.number / doc.percent / doc.date /
  doc.datetime`` for figures; ``doc.user`` is who prints (None on the command
  line without --as), for reports that keep to the user's area. The methods (title, heading,
  paragraph, table, figures, bar_chart, pie_chart, qr, photo, signatures,
  cards, page_break) are described in ``electoral/reports/document.py``.
- ``render(name, params, lang=..., roles=..., printed_by=..., user=None)`` -> PDF bytes;
  raises ``NotAllowed`` for a role the report does not admit and
  ``ValidationFailed`` for bad parameters. The web page, the CLI and jobs use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed

PAPERS = ("A4", "Letter")
WATERMARKS = ("", "provisional", "draft")


class NotAllowed(Exception):
    """The printing user holds none of the roles the report admits."""


@dataclass(frozen=True)
class Param:
    name: str
    label: Any
    required: bool = False
    kind: str = "text"
    choices: Any = None
    default: Any = None
    check: Callable[[Any], Any] | None = None
    help: Any = None

    def options(self) -> list[tuple[str, str]]:
        choices = self.choices() if callable(self.choices) else (self.choices or [])
        return [(str(value), str(label)) for value, label in choices]

    def clean(self, raw: Any) -> Any:
        """The validated value of ``raw`` (a string from a form or the command line)."""
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            if self.required:
                raise ValueError(_("This field is required."))
            return self.default
        if self.kind == "int":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValueError(_("Enter a whole number.")) from None
        elif self.kind == "date":
            try:
                value = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
        elif self.kind == "choice" and str(value) not in {v for v, _label in self.options()}:
            raise ValueError(_("Choose one of the listed values."))
        if self.check is not None:
            value = self.check(value)
        return value


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: Any
    roles: frozenset[Role]
    params: tuple[Param, ...]
    build: Callable
    background: bool = False
    description: Any = None
    module: str = ""
    # (params, user) -> None, or ValidationFailed naming a parameter outside the user's area.
    # Checked when a background print is asked for, so it is refused then, not by the worker.
    scope: Callable[[dict, Any], None] | None = None

    def allows(self, roles: Iterable[Role]) -> bool:
        return bool(self.roles & set(roles))

    def validate(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Every parameter cleaned; ValidationFailed names each bad one."""
        known = {p.name for p in self.params}
        errors: dict[str, list[str]] = {}
        for name in raw:
            if name not in known:
                errors.setdefault(name, []).append(_("This report takes no parameter %(name)s.", name=name))
        values = {}
        for param in self.params:
            try:
                values[param.name] = param.clean(raw.get(param.name))
            except ValueError as problem:
                errors.setdefault(param.name, []).append(str(problem))
        if errors:
            raise ValidationFailed(errors)
        return values


_REPORTS: dict[str, ReportSpec] = {}
_loaded = False


def report(name: str, *, title, roles: Iterable[Role], params: Iterable[Param] = (),
           background: bool = False, description=None, scope: Callable[[dict, Any], None] | None = None):
    """Register the decorated ``build(doc, params)`` as the report ``name``."""
    allowed = frozenset(Role(r) for r in roles)
    if not allowed:
        raise ValueError(f"report {name!r} needs at least one role")

    def decorator(build: Callable) -> Callable:
        existing = _REPORTS.get(name)
        if existing is not None and existing.module != build.__module__:
            raise ValueError(f"report {name!r} is declared twice ({existing.module}, {build.__module__})")
        _REPORTS[name] = ReportSpec(name, title, allowed, tuple(params), build, background,
                                    description, build.__module__, scope)
        return build

    return decorator


def load() -> None:
    """Import every domain's ``reports`` module once, so its reports are registered."""
    global _loaded
    if _loaded:
        return
    from electoral import domain_modules

    domain_modules("reports")
    _loaded = True


def all_reports() -> list[ReportSpec]:
    load()
    return sorted(_REPORTS.values(), key=lambda spec: spec.name)


def get(name: str) -> ReportSpec | None:
    load()
    return _REPORTS.get(name)


def allowed_for(roles: Iterable[Role]) -> list[ReportSpec]:
    roles = set(roles)
    return [spec for spec in all_reports() if spec.allows(roles)]


def render(name: str, params: dict[str, Any], *, lang: str, roles: Iterable[Role], printed_by: str,
           user=None, paper: str = "A4", watermark: str = "",
           progress: Callable[[int, int], None] | None = None) -> bytes:
    """Print report ``name`` as PDF bytes, in ``lang``, checking the roles and the parameters.

    ``user`` (None on the command line without --as) reaches the build as
    ``doc.user``, so a report can keep to the user's area.
    """
    from electoral.reports.document import ReportDocument

    spec = get(name)
    if spec is None:
        raise KeyError(name)
    if not spec.allows(roles):
        raise NotAllowed(name)
    with force_locale(lang):
        values = spec.validate(params)
        doc = ReportDocument(title=str(spec.title), lang=lang, printed_by=printed_by, paper=paper,
                             watermark=watermark, progress=progress, user=user)
        spec.build(doc, values)
        return doc.render()

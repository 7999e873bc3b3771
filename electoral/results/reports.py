"""The results summary PDF of a race in an area, fed by the same service as the pages and exports."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from reportlab.platypus import Image

from electoral.core.auth import Role
from electoral.extensions import db
from electoral.geography.services import find_any_by_code
from electoral.reports.pictures import table_picture
from electoral.reports.registry import Param, report
from electoral.results import services

# Beyond this many candidates the sub-area table shows the leader instead of one column each.
CANDIDATE_COLUMNS = 5


def _area_code(value: str) -> str:
    code = value.strip().upper()
    area = find_any_by_code(db.session, code)
    if area is None or area.level == "station":
        raise ValueError(_("No region, district or polling centre has the code %(code)s.", code=code))
    return code


def _level_choices() -> list[tuple[str, str]]:
    return [(level, services.level_label(level)) for level in ("region", "district", "centre", "station")]


@report("results-summary", title=_l("Results summary"),
        roles=[Role.RESULTS_SUPERVISOR, Role.ADMINISTRATOR],
        description=_l("A race's results in an area: counted share, turnout, candidates, sub-areas."),
        params=[Param("race", _l("Race"), required=True, kind="choice", choices=lambda: services.race_choices(db.session)),
                Param("area", _l("Area code"), check=_area_code, help=_l("Leave empty for the whole country.")),
                Param("level", _l("Sub-areas listed"), kind="choice", choices=_level_choices,
                      help=_l("Leave empty for the level just below the area."))])
def build(doc, params) -> None:
    race = services.find_race(db.session, params["race"])
    area = find_any_by_code(db.session, params["area"]) if params.get("area") else None
    summary = services.summary(db.session, race, area, sub_level=params.get("level"))
    total = summary.total
    doc.area = f"{area.code} — {area.name}" if area is not None else _("Whole country")
    if not summary.final:
        doc.watermark = _("Provisional")
    doc.title(race.name)
    doc.paragraph(_("Final results, certified.") if summary.final else _("Provisional results, not certified."),
                  bold=True, size=12)
    if summary.as_of is not None:
        doc.paragraph(_("Figures as of %(time)s.", time=doc.datetime(summary.as_of)))
    doc.figures({
        _("Stations counted"): f"{doc.number(total.counted)} / {doc.number(total.stations)}",
        _("Counted share"): doc.percent(total.counted_share),
        _("Turnout"): doc.percent(total.turnout) if total.turnout is not None else _("not available"),
        _("Ballots cast"): doc.number(total.cast),
        _("Valid votes"): doc.number(total.valid),
        _("Invalid ballots"): doc.number(total.invalid),
    })
    if summary.order_may_change:
        doc.paragraph(ngettext("Warning: %(sheets)s quarantined sheet holds %(votes)s votes, enough to change the "
                               "order of the leading candidates.",
                               "Warning: %(sheets)s quarantined sheets hold %(votes)s votes, enough to change the "
                               "order of the leading candidates.", summary.pending_sheets,
                               sheets=doc.number(summary.pending_sheets), votes=doc.number(summary.pending_votes)),
                      bold=True, size=12)
    doc.heading(_("Candidates"))
    pictures = _pictures(summary.standings)
    if pictures:
        doc.table([_("No."), "", _("Candidate"), _("Party"), _("Votes"), _("Share")],
                  [[s.candidate.ballot_order, pictures.get(s.candidate.id, ""), s.candidate.name, s.candidate.party,
                    s.votes, doc.percent(s.share)] for s in summary.standings],
                  [0.08, 0.1, 0.3, 0.24, 0.14, 0.14], align=["end", "start", "start", "start", "end", "end"])
    else:
        doc.table([_("No."), _("Candidate"), _("Party"), _("Votes"), _("Share")],
                  [[s.candidate.ballot_order, s.candidate.name, s.candidate.party, s.votes, doc.percent(s.share)]
                   for s in summary.standings],
                  [0.08, 0.36, 0.28, 0.14, 0.14], align=["end", "start", "start", "end", "end"])
    doc.bar_chart({s.candidate.name: s.votes for s in summary.standings}, title=_("Votes per candidate"))
    if summary.sub_areas:
        _sub_area_table(doc, summary)
    doc.signatures([_("Results supervisor"), _("Chair of the commission")])


# A candidate's photo or party symbol in the candidates table: recognisable, and the row stays short.
PICTURE_MM = 12


def _pictures(standings) -> dict[int, Image]:
    """Each candidate's photo or symbol as a table cell; empty when no candidate has one (no empty column)."""
    cells = {}
    for standing in standings:
        picture = table_picture(services.candidate_photo_file(standing.candidate), PICTURE_MM, PICTURE_MM)
        if picture is not None:
            cells[standing.candidate.id] = picture
    return cells


def _sub_area_table(doc, summary) -> None:
    doc.heading(_("Sub-areas: %(level)s", level=services.level_label(summary.sub_level)))
    candidates = summary.race.candidates
    headers = [_("Code"), _("Name"), _("Counted"), _("Turnout"), _("Valid votes")]
    if len(candidates) <= CANDIDATE_COLUMNS:
        headers += [c.name for c in candidates]
        widths = [0.1, 0.22, 0.1, 0.1, 0.12] + [0.36 / len(candidates)] * len(candidates)
        rows = [[r.code, r.name, doc.percent(r.counted_share), doc.percent(r.turnout), r.valid,
                 *[r.votes.get(c.id, 0) for c in candidates]] for r in summary.sub_areas]
    else:
        headers += [_("Leading candidate"), _("Share")]
        widths = [0.1, 0.24, 0.1, 0.1, 0.12, 0.24, 0.1]
        by_id = {c.id: c for c in candidates}
        rows = []
        for r in summary.sub_areas:
            leader = max(r.votes.items(), key=lambda item: item[1], default=None)
            rows.append([r.code, r.name, doc.percent(r.counted_share), doc.percent(r.turnout), r.valid,
                         by_id[leader[0]].name if leader else "", doc.percent(r.share(leader[0])) if leader else ""])
    doc.table(headers, rows, widths, align=["start", "start", "end", "end", "end"] + ["end"] * (len(headers) - 5))


# The declaration of results (seats) lives beside the seat computation; imported here so the kit registers it.
from electoral.results.seats import reports as _seats_reports  # noqa: E402,F401

# Printed tally sheets with their QR code and the intake receipt (the tally sheet as evidence).
from electoral.results.sheets import reports as _sheets_reports  # noqa: E402,F401

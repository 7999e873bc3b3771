"""`electoral results seats`: who a race elects, or a method applied to figures given by hand."""

import json
from fractions import Fraction

import click
from flask.cli import with_appcontext

from electoral.core.errors import ValidationFailed
from electoral.core.params import bounded_int
from electoral.extensions import db
from electoral.results.seats import explain
from electoral.results.seats.methods import METHODS, allocate

# Exit status when a tie decides a seat or a runoff place: lots must be drawn and recorded first.
EXIT_TIE = 3

HELP = """Who is elected: the seats of a race from its accepted tally sheets (--race), or of a method applied
to figures given by hand (--method, --seats, --votes), with every step of the allocation.

\b
Exit status 3: a tie decides a seat or a place in a second round; lots must be drawn
(recorded on the race's seats page) before the computation can finish.
"""


def _votes(text: str) -> dict[str, int]:
    votes = {}
    for part in text.split(","):
        code, sep, count = part.partition("=")
        if not sep or not code.strip() or bounded_int(count) is None:
            raise click.BadParameter(f"\"{part}\" is not CODE=VOTES", param_hint="--votes")
        votes[code.strip().upper()] = int(count)
    return votes


@click.command("seats", help=HELP)
@click.option("--race", "race_code", help="Race code: its seats from its accepted sheets.")
@click.option("--area", "area_code", help="District code, for a race whose districts elect their own seats.")
@click.option("--method", type=click.Choice(METHODS), help="By hand: the method.")
@click.option("--seats", "seat_count", type=click.IntRange(min=1), help="By hand: seats to fill.")
@click.option("--threshold", type=float, default=0, show_default=True,
              help="By hand: legal threshold, percent of the valid votes (two rounds: the majority, default 50).")
@click.option("--first-divisor", type=float, help="By hand: first divisor of modified Sainte-Laguë (e.g. 1.4).")
@click.option("--votes", "votes_text", help="By hand: CODE=VOTES,CODE=VOTES,...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the explanation.")
@with_appcontext
def seats(race_code, area_code, method, seat_count, threshold, first_divisor, votes_text, as_json):
    if race_code:
        result, steps, names = _race(race_code, area_code)
    else:
        if not (method and seat_count and votes_text):
            raise click.UsageError("Give --race, or --method, --seats and --votes.")
        votes = _votes(votes_text)
        try:
            allocation = allocate(method, votes, seat_count, threshold=Fraction(str(threshold)),
                                  first_divisor=Fraction(str(first_divisor)) if first_divisor else None)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
        result = {"race": None, "method": method, "seats": allocation.seats,
                  "elected": [{"code": c, "name": c, "area": ""} for c in allocation.elected],
                  "runoff": allocation.runoff, "ties": [t.as_json() for t in allocation.ties]}
        steps, names = [("", allocation.steps)], {c: c for c in votes}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print(result, steps, names)
    if result["ties"]:
        raise SystemExit(EXIT_TIE)


def _race(race_code, area_code):
    from electoral.geography.models import District
    from electoral.results.seats.service import compute
    from electoral.results.services import find_race

    race = find_race(db.session, race_code)
    if race is None:
        click.echo(f"Error: no race {race_code}.", err=True)
        raise SystemExit(1)
    district = None
    if area_code:
        district = db.session.scalar(db.select(District).where(District.code == area_code.strip().upper()))
        if district is None:
            click.echo(f"Error: no district {area_code}.", err=True)
            raise SystemExit(1)
    try:
        computed = compute(db.session, race, district)
    except ValidationFailed as failure:
        click.echo(f"Error: {failure}", err=True)
        raise SystemExit(1) from failure
    return computed.as_json(), [(a.name if a.code else "", a.steps) for a in computed.areas], computed.names


def _print(result, steps, names) -> None:
    click.echo(f"{result['race'] or 'By hand'}: {explain.method_label(result['method'])}")
    for heading, area_steps in steps:
        if heading:
            click.echo(f"\n{heading}")
        for step in area_steps:
            click.echo(f"  {explain.sentence(step, names)}")
    click.echo("\nSeats: " + ", ".join(f"{names.get(c, c)} {n}" for c, n in result["seats"].items()))
    for person in result["elected"]:
        click.echo(f"Elected: {person['name']} ({person['code']}{', ' + person['area'] if person['area'] else ''})")
    if result["runoff"]:
        click.echo("Second round: " + ", ".join(names.get(c, c) for c in result["runoff"]))
    for tie in result["ties"]:
        click.echo(f"Lots must be drawn: {', '.join(tie['contenders'])} for {tie['places']} place(s).", err=True)


LISTS_HELP = """Import the candidates of party lists, one row per candidate: the members of each list (and district)
the file names are replaced by the file's rows. A file with any bad line imports nothing.

\b
Columns: race_code, list_code, position, name, woman; optional: district_code, preference_votes.
  list_code         the list's code in the race (its candidate_code in the races import)
  position          1 for the first on the list, then 2, 3...
  woman             yes or no: counts for the quota of women (one in every n seats)
  district_code     the district whose seats the list stands for (races with district seats)
  preference_votes  the candidate's preference votes, for an open list
"""


@click.group("lists", help="Party lists of list races.")
def lists():
    pass


@lists.command("import", help=LISTS_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_lists(file):
    from electoral.core.errors import ImportFailed
    from electoral.core.tabular import TabularError
    from electoral.geography.services import read_file
    from electoral.results.seats.lists import import_lists as run

    data, name = read_file(file)
    try:
        summary = run(db.session, data, name)
    except (ImportFailed, TabularError) as failure:
        db.session.rollback()
        for error in getattr(failure, "errors", []):
            click.echo(f"line {error.line}: {error.message}", err=True)
        click.echo(f"Error: {failure}; nothing was imported." if isinstance(failure, TabularError)
                   else "Nothing was imported.", err=True)
        raise SystemExit(1) from failure
    db.session.commit()
    click.echo(f"Lists: {summary.lists}; candidates: {summary.members}.")

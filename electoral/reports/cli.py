"""`electoral reports list` and `electoral reports print NAME ...`"""

import getpass
import sys

import click
from flask.cli import with_appcontext

from electoral.config import LANGUAGES
from electoral.core.auth import Role
from electoral.core.errors import ValidationFailed
from electoral.extensions import db
from electoral.reports import registry
from electoral.reports.services import printed_by


@click.group(help="Print reports (PDF).")
def reports():
    pass


@reports.command("list", help="The reports there are, with their parameters and who may print them.")
@with_appcontext
def list_command():
    for spec in registry.all_reports():
        click.echo(f"{spec.name}\t{spec.title}")
        click.echo(f"    roles: {', '.join(sorted(r.value for r in spec.roles))}")
        for param in spec.params:
            flag = " (required)" if param.required else ""
            click.echo(f"    --param {param.name}=...  {param.label}{flag}")


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = value
    return params


@reports.command("print", help="Print one report to a PDF file.")
@click.argument("name")
@click.option("--lang", type=click.Choice(list(LANGUAGES)), default="en", show_default=True)
@click.option("--param", "pairs", multiple=True, metavar="KEY=VALUE", help="A parameter of the report (repeatable).")
@click.option("--as", "username", help="Print as this user (their roles and area are checked).")
@click.option("--paper", type=click.Choice(registry.PAPERS), default="A4", show_default=True)
@click.option("--watermark", type=click.Choice(registry.WATERMARKS), default="")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def print_command(name, lang, pairs, username, paper, watermark, output):
    from electoral.accounts.acting import acting_user

    spec = registry.get(name)
    if spec is None:
        click.echo(f"Error: no report named {name!r}; see `electoral reports list`.", err=True)
        sys.exit(2)
    user = None
    if username:
        user = acting_user(username)
        roles = user.roles
    else:
        # Whoever runs the command on the server is trusted like the other commands.
        roles = set(Role)
    try:
        data = registry.render(name, _parse_params(pairs), lang=lang, roles=roles, user=user,
                               printed_by=printed_by(user) if user else getpass.getuser(),
                               paper=paper, watermark=watermark)
    except registry.NotAllowed:
        click.echo(f"Error: {username} may not print {name} "
                   f"(it needs one of: {', '.join(sorted(r.value for r in spec.roles))}).", err=True)
        sys.exit(3)
    except ValidationFailed as failure:
        for field, messages in failure.errors.items():
            for message in messages:
                click.echo(f"Error: {field}: {message}", err=True)
        sys.exit(2)
    with open(output, "wb") as handle:
        handle.write(data)
    click.echo(f"Wrote {output} ({len(data):,} bytes).")


@reports.command("run", help="Print a background job now, in the foreground; a failed or interrupted one is "
                             "queued again as a new job first.")
@click.argument("job_id", type=int)
@with_appcontext
def run_command(job_id):
    from electoral.accounts.models import User
    from electoral.reports import services
    from electoral.reports.models import ReportJob

    services.fail_interrupted_jobs(db.session)
    db.session.commit()
    job = db.session.get(ReportJob, job_id)
    if job is None:
        click.echo(f"Error: no report job {job_id}.", err=True)
        sys.exit(2)
    if job.state == "done":
        click.echo(f"Job {job.id} is already printed: {job.file_path}.")
        return
    if job.state == "running":
        click.echo(f"Error: job {job.id} is still running (last progress "
                   f"{(job.heartbeat_at or job.created_at):%Y-%m-%d %H:%M:%S}).", err=True)
        sys.exit(1)
    if job.state == "failed":
        user = db.session.get(User, job.user_id) if job.user_id else None
        if user is None:
            click.echo(f"Error: job {job.id} failed and the user who asked for it no longer exists.", err=True)
            sys.exit(1)
        previous = job
        try:
            job = services.print_again(db.session, previous, user)
        except (ValueError, registry.NotAllowed, ValidationFailed) as failure:
            db.session.rollback()
            click.echo(f"Error: job {previous.id} cannot be printed again: {failure}", err=True)
            sys.exit(1)
        db.session.commit()
        click.echo(f"Job {previous.id} failed ({previous.error}); printing it again as job {job.id}.")
    job = services.run_job(db.session, job.id)
    if job.state != "done":
        click.echo(f"Error: job {job.id} failed: {job.error}", err=True)
        sys.exit(1)
    click.echo(f"Job {job.id} printed: {job.file_path} ({job.total} items).")


commands = [reports]

"""`electoral sms ...`: the configured gateways, and a message received by hand (a phone's SMS read out)."""

import uuid

import click
from flask.cli import with_appcontext

from electoral.extensions import db
from electoral.observation.sms import gateways, services


@click.group(help="Observation by SMS: gateways and messages.")
def sms():
    pass


@sms.command("gateways", help="List the configured SMS gateways and their webhook addresses.")
@with_appcontext
def list_gateways():
    configured = gateways.configured()
    if not configured:
        click.echo("No gateway configured (set ELECTORAL_SMS_GATEWAYS).")
    for name, gateway in sorted(configured.items()):
        click.echo(f"{name}\t{gateway.get('kind')}\t/sms/inbound/{name}")


@sms.command("receive", help="Process one message as if it came through a gateway; prints the reply.")
@click.option("--sender", required=True, help="The sender's phone number.")
@click.option("--gateway", default="manual", show_default=True)
@click.argument("text")
@with_appcontext
def receive(sender, gateway, text):
    outcome = services.receive(db.session, gateway, f"cli-{uuid.uuid4().hex[:12]}", sender, text)
    db.session.commit()
    click.echo(f"{outcome.message.status}: {outcome.message.reply}")


commands = [sms]

"""Replies sent through a gateway's API, in the background, retried when the gateway fails."""

from contextlib import nullcontext

from flask import has_app_context

from electoral.extensions import db, huey

_app = None


def _app_context():
    """The request's context in immediate mode (tests), else the worker's own application."""
    global _app
    if has_app_context():
        return nullcontext()
    if _app is None:
        from electoral import create_app

        _app = create_app()
    return _app.app_context()


@huey.task(retries=3, retry_delay=30, context=True)
def send_reply(message_id: int, task=None) -> None:
    from electoral.observation.sms import gateways
    from electoral.observation.sms.models import SmsMessage

    with _app_context():
        message = db.session.get(SmsMessage, message_id)
        if message is None or not message.reply or message.reply_status == "sent":
            return
        gateway = gateways.configured().get(message.gateway) or {}
        try:
            gateways.send(gateway, message.sender, message.reply)
        except Exception:
            # The last attempt records the failure on the message log; earlier ones retry.
            if task is None or not task.retries:
                message.reply_status = "failed"
                db.session.commit()
            raise
        message.reply_status = "sent"
        db.session.commit()

"""Replies sent through a gateway's API, in the background, retried when the gateway fails."""

from electoral.core.jobs import app_context
from electoral.extensions import db, huey


@huey.task(retries=3, retry_delay=30, context=True)
def send_reply(message_id: int, task=None) -> None:
    from electoral.observation.sms import gateways
    from electoral.observation.sms.models import SmsMessage

    with app_context():
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

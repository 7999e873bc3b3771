"""Observation by SMS: messages from feature phones through SMS gateways become submissions.

A sub-domain registered like any domain: ``observation.sms`` is in ``electoral.DOMAINS``, so its
views (``bp``), cli (``commands``), models, tasks and reports modules are found there, not
imported by hand from observation's own modules.

- parser.py: the message format (documented there) read against the checklist's own codes.
- gateways.py: the gateways (Telerivet, Africa's Talking, RapidPro/TextIt, Kannel-style),
  configured by ``SMS_GATEWAYS`` or the environment variable ``ELECTORAL_SMS_GATEWAYS``
  (JSON); each posts to ``/sms/inbound/<name>`` with its secret.
- services.py: every message stored (status processed, rejected, unknown_sender,
  duplicate, fixed_by_hand), the sender matched to an accredited, deployed observer
  (numbers in E.164; ``SMS_DEFAULT_REGION``, default "LR", reads local numbers), the
  answers filed through observation's ``submit()`` (channel "sms"), the reply in the
  observer's language.
- views.py: the webhook, the coordinators' message log (/sms/messages) and fixing a
  message by hand. A call without the gateway's secret is refused (403) and not stored:
  it is not from our gateway, so no observer's message is lost by refusing it.
- tasks.py: replies through a gateway's send API, retried (3 times, 30 s apart).
- reports.py: the SMS card (report ``sms-card``, param ``template``).
"""

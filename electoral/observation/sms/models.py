"""Every inbound SMS, kept whatever became of it."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited
from electoral.extensions import db

SMS_STATES = ("processed", "rejected", "unknown_sender", "duplicate", "fixed_by_hand")
REPLY_STATES = ("none", "in_response", "queued", "sent", "failed")


class SmsMessage(Audited, db.Model):
    __tablename__ = "sms_message"
    __table_args__ = (
        # A gateway's own id, once per gateway, so its retries are recognised; the repeats
        # are stored too (status duplicate), outside the constraint.
        Index("uq_sms_message_gateway_id", "gateway", "gateway_id", unique=True,
              sqlite_where=text("status <> 'duplicate'"), postgresql_where=text("status <> 'duplicate'")),
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in SMS_STATES) + ")", name="known_status"),
        CheckConstraint("reply_status IN (" + ", ".join(f"'{s}'" for s in REPLY_STATES) + ")",
                        name="known_reply_status"),
        Index("ix_sms_message_status_received", "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(40))
    gateway_id: Mapped[str] = mapped_column(String(120))
    # E.164 when the number could be read, else as the gateway sent it.
    sender: Mapped[str] = mapped_column(String(40), index=True)
    body: Mapped[str] = mapped_column("text", Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="")
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("observer.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("polling_station.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("observation_submission.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("observation_incident.id"))
    reply: Mapped[str] = mapped_column(Text, default="")
    reply_status: Mapped[str] = mapped_column(String(12), default="none")
    fixed_by: Mapped[str | None] = mapped_column(String(80))

    observer = relationship("Observer")
    station = relationship("PollingStation")
    submission = relationship("Submission")
    incident = relationship("Incident")

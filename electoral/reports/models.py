"""A print run in the background: who asked for which report, and how far it has got."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from electoral.core.models import Audited
from electoral.extensions import db

JOB_STATES = ("queued", "running", "done", "failed")


class ReportJob(Audited, db.Model):
    """Created through the ORM (so who printed what is audited); progress is written with plain UPDATEs."""

    __tablename__ = "report_job"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s}'" for s in JOB_STATES) + ")", name="known_state"),
        CheckConstraint("done >= 0 AND total >= 0", name="progress_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    printed_by: Mapped[str] = mapped_column(String(200))
    report: Mapped[str] = mapped_column(String(80))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lang: Mapped[str] = mapped_column(String(10))
    paper: Mapped[str] = mapped_column(String(10), default="A4")
    watermark: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    # Relative to the instance folder; the file lives under instance/reports/.
    file_path: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Written with every state or progress change: a running job whose worker died
    # (killed, machine restarted) stops beating and is then seen as interrupted.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def fraction(self) -> float | None:
        return self.done / self.total if self.total else None

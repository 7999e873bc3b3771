"""An observer's device password for ODK Collect (HTTP Basic), apart from their web password."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited
from electoral.extensions import db


class DeviceCredential(Audited, db.Model):
    __tablename__ = "observer_device_credential"
    __audit_secret__ = frozenset({"password_hash"})

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"), unique=True)
    # werkzeug's salted hash: the password is shown once, on the observer's device page.
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    observer = relationship("Observer")

"""A photo answering an ``image`` question of a filing, stored under its content hash (core/stored_files.py)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from electoral.core.models import Audited
from electoral.extensions import db


class FilingImage(Audited, db.Model):
    __tablename__ = "observation_filing_image"
    __table_args__ = (UniqueConstraint("submission_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("observation_submission.id", ondelete="CASCADE"),
                                               index=True)
    question_code: Mapped[str] = mapped_column(String(40))
    # The name the filing's answer gives it: ODK Collect's "1701955200000.jpg", the phone page's "<code>.jpg".
    filename: Mapped[str] = mapped_column(String(120))
    # The stored file (photos.FILING_IMAGES): a generated name, never a value from the request.
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    submission = relationship("Submission")

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

    # Submission.images: a filing's photos, listed with its alert on the coordinators' pages.
    submission = relationship("Submission", backref="images")


class ChecklistMedia(Audited, db.Model):
    """A picture an XLSForm names in its media::image column (a party's logo on a choice, a sample on a
    note), imported with the form; listed in the OpenRosa manifest with its md5, served to phones."""

    __tablename__ = "checklist_media"
    __table_args__ = (UniqueConstraint("template_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_template.id", ondelete="CASCADE"), index=True)
    # The name the form gives it (jr://images/<filename>): the phone keeps it under that name.
    filename: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(300))  # photos.CHECKLIST_MEDIA's generated name
    md5: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))

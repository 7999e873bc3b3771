"""Printing: the checks before a print, and background jobs from queued to a kept file."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from electoral.core import stored_files
from electoral.core.auth import Role
from electoral.core.models import utcnow
from electoral.extensions import INSTANCE_PATH
from electoral.reports import registry
from electoral.reports.models import ReportJob

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 1.0  # seconds between two progress writes


def reports_dir() -> Path:
    return INSTANCE_PATH / "reports"


# Printed reports, named by _write; a download serves nothing else (a restored row may name any file).
REPORT_FILES = stored_files.register(stored_files.FileStore(
    "printed-reports", root=lambda: INSTANCE_PATH, prefix="reports/", pattern=re.compile(r"[0-9]{1,18}-[0-9a-f]{16}\.pdf"),
    columns=(("report_job", "file_path"),), area="instance"))


def printed_by(user) -> str:
    return (user.full_name or user.username) if user is not None else ""


def check_print(spec: registry.ReportSpec, roles, params: dict[str, Any], lang: str) -> dict[str, Any]:
    """The cleaned parameters, or NotAllowed / ValidationFailed, messages in ``lang``."""
    if not spec.allows(roles):
        raise registry.NotAllowed(spec.name)
    with force_locale(lang):
        return spec.validate(params)


def create_job(session: Session, user, spec: registry.ReportSpec, params: dict[str, Any], lang: str,
               paper: str = "A4", watermark: str = "") -> ReportJob:
    """Queue a print of ``spec`` for ``user`` after checking the role, the parameters and the user's area."""
    cleaned = check_print(spec, user.roles, params, lang)
    if spec.scope is not None:
        with force_locale(lang):
            spec.scope(cleaned, user)
    job = ReportJob(user_id=user.id, printed_by=printed_by(user), report=spec.name,
                    params={k: v for k, v in params.items() if v not in (None, "")}, lang=lang,
                    paper=paper, watermark=watermark, state="queued", done=0, total=0)
    session.add(job)
    session.flush()
    return job


def _set(session: Session, job_id: int, **values) -> None:
    # A plain UPDATE: progress is not a change worth an audit entry, and it is committed
    # at once so the job page, read by another process, sees it.
    session.execute(update(ReportJob).where(ReportJob.id == job_id).values(heartbeat_at=utcnow(), **values))
    session.commit()


def stale_after() -> dt.timedelta:
    """How long a running job may go without a progress write before it counts as interrupted."""
    return dt.timedelta(seconds=current_app.config.get("REPORT_JOB_STALE_AFTER", 600))


def fail_interrupted_jobs(session: Session, now: dt.datetime | None = None) -> int:
    """Mark as failed the running jobs whose worker stopped beating; return how many."""
    limit = (now or utcnow()) - stale_after()
    result = session.execute(
        update(ReportJob)
        .where(ReportJob.state == "running",
               func.coalesce(ReportJob.heartbeat_at, ReportJob.created_at) < limit)
        .values(state="failed", finished_at=now or utcnow(),
                error="interrupted: the printing stopped (worker killed or restarted); print it again"))
    return result.rowcount


def print_again(session: Session, job: ReportJob, user) -> ReportJob:
    """A new queued job with the same report, parameters and language as a failed one."""
    if job.state != "failed":
        raise ValueError(_("Only a failed print can be printed again."))
    spec = registry.get(job.report)
    if spec is None:
        raise ValueError(_("This report no longer exists."))
    return create_job(session, user, spec, dict(job.params or {}), job.lang, paper=job.paper,
                      watermark=job.watermark)


def _write(data: bytes, job_id: int) -> str:
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{job_id}-{secrets.token_hex(8)}.pdf"
    fd, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, folder / name)
    return f"reports/{name}"


def run_job(session: Session, job_id: int) -> ReportJob:
    """Print a queued job: running, progress, then done with its file or failed with the reason."""
    from electoral.accounts.models import User

    job = session.get(ReportJob, job_id)
    if job is None or job.state != "queued":
        return job
    user = session.get(User, job.user_id) if job.user_id else None
    _set(session, job_id, state="running")
    seen = {"done": 0, "total": 0, "written": 0.0}

    def progress(done: int, total: int) -> None:
        seen.update(done=done, total=total)
        now = time.monotonic()
        if now - seen["written"] >= PROGRESS_INTERVAL:
            seen["written"] = now
            _set(session, job_id, done=done, total=total)

    try:
        if user is None or not user.is_active:
            raise registry.NotAllowed(job.report)
        data = registry.render(job.report, dict(job.params or {}), lang=job.lang, roles=user.roles, user=user,
                               printed_by=job.printed_by, paper=job.paper, watermark=job.watermark,
                               progress=progress)
        path = _write(data, job_id)
    except Exception as failure:  # the user sees why; the log keeps the trace
        session.rollback()
        log.exception("report job %s failed", job_id)
        message = "not allowed" if isinstance(failure, registry.NotAllowed) else str(failure) or type(failure).__name__
        _set(session, job_id, state="failed", error=message[:500], finished_at=utcnow())
    else:
        total = seen["total"] or 1
        _set(session, job_id, state="done", file_path=path, finished_at=utcnow(), done=total, total=total)
    session.expire_all()
    return session.get(ReportJob, job_id)


def may_see(user, job: ReportJob) -> bool:
    """A job's page and file are for the user who asked, and for administrators."""
    return job.user_id == user.id or Role.ADMINISTRATOR in user.roles


def result_file(job: ReportJob) -> Path | None:
    if job.state != "done" or not job.file_path:
        return None
    return REPORT_FILES.resolve(job.file_path)


def recent_jobs(session: Session, user, limit: int = 10) -> list[ReportJob]:
    return list(session.scalars(select(ReportJob).where(ReportJob.user_id == user.id)
                                .order_by(ReportJob.id.desc()).limit(limit)))

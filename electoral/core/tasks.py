"""Background upkeep of the audit trail."""

from huey import crontab

from electoral.core.jobs import app_context
from electoral.extensions import db, huey


@huey.periodic_task(crontab(minute="*"))
def chain_pending_audit_entries() -> None:
    """Every minute, give entries left waiting by busy writers their place in the chain."""
    from electoral.core.audit import chain_pending

    with app_context():
        chain_pending(db.session)
        db.session.commit()

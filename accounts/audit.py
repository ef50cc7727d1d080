"""The audit log: who did what, where and when.

Services call audit_record() inside the transaction of the change they record, so an
entry exists exactly when the change does. Role changes too: they go through the
services in accounts.services_roles (the admin calls them), never through plain saves.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry, User


class AuditAction(TextChoices):
    REPORT_AUTO_HIDE = "report.auto_hide", _("Hidden after reports")
    APPROVE = "moderation.approve", _("First post approved")
    HIDE = "moderation.hide", _("Hidden by a worker")
    RESTORE = "moderation.restore", _("Restored by a worker")
    DISMISS = "moderation.dismiss", _("Reports dismissed")
    WARN = "user.warn", _("User warned")
    SUSPEND = "user.suspend", _("User suspended")
    REINSTATE = "user.reinstate", _("User reinstated")
    SUSPENSION_ENDED = "user.suspension_ended", _("Suspension ended")
    KNOWN = "user.known", _("Marked as known")
    UNKNOWN = "user.unknown", _("No longer marked as known")
    WORKER_ADDED = "role.worker_added", _("Worker assigned")
    WORKER_REMOVED = "role.worker_removed", _("Worker assignment removed")
    PARTNER_CHANGED = "role.partner", _("Partner organisation changed")
    COORDINATOR_CHANGED = "role.coordinator", _("Coordinator role changed")  # before the region: kept for old entries
    COORDINATOR_ADDED = "role.coordinator_added", _("Coordinator role given")
    COORDINATOR_REMOVED = "role.coordinator_removed", _("Coordinator role ended")
    STAFF_CHANGED = "role.admin", _("Admin access changed")
    PARTNER_AREA_CHANGED = "role.partner_area", _("Partner's coverage changed")
    DATA_EXPORT = "data.export", _("Data exported")
    ACCOUNT_DELETE = "account.delete", _("Account deleted")
    # Escalation steps are recorded as "escalation.<step action>", e.g. "escalation.claimed".


ESCALATION_PREFIX = "escalation."


def audit_record(
    *,
    actor: User | None,
    action: str,
    neighbourhood_id: int | None = None,
    target_type: str = "",
    target_id: int | None = None,
    subject_id: int | None = None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry. `detail` holds codes, ids and times only: never text that a
    person wrote, nor names or addresses (erasing someone's data must not need this log)."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        neighbourhood_id=neighbourhood_id,
        target_type=target_type,
        target_id=target_id,
        subject_id=subject_id,
        detail=detail or {},
        created_at=now or timezone.now(),
    )


def audit_record_many(entries: Iterable[AuditEntry]) -> None:
    """Append unsaved entries in one query (the escalation scan writes many steps at once)."""
    AuditEntry.objects.bulk_create(list(entries))

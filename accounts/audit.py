"""The audit log: who did what, where and when.

Services call audit_record() inside the transaction of the change they record, so an
entry exists exactly when the change does. Role changes are the exception: they are
made in the admin (or a shell) as plain model saves, so signals record them, with the
person of the current request as actor (AuditActorMiddleware).
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db.models import TextChoices
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry, Partner, User, WorkerAssignment


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
    COORDINATOR_CHANGED = "role.coordinator", _("Coordinator role changed")
    STAFF_CHANGED = "role.admin", _("Admin access changed")
    PARTNER_AREA_CHANGED = "role.partner_area", _("Partner's neighbourhoods changed")
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


# Who is acting: the person of the current request, for changes recorded by signal -------

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_actor() -> User | None:
    request = _current_request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class AuditActorMiddleware:
    """Remembers the request so that role changes saved during it name their actor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


# Role changes ---------------------------------------------------------------------------
# Signals, because roles change through the admin and the shell as plain saves; a
# service would be bypassed there. They only append to the log.

ROLE_FIELDS = {
    "partner_id": AuditAction.PARTNER_CHANGED,
    "is_coordinator": AuditAction.COORDINATOR_CHANGED,
    "is_staff": AuditAction.STAFF_CHANGED,
    "is_superuser": AuditAction.STAFF_CHANGED,
}


def _user_roles_before(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    instance._audit_roles_before = None
    if raw or instance.pk is None:
        instance._audit_roles_before = {}
        return
    if update_fields is not None and not {f.removesuffix("_id") for f in ROLE_FIELDS} & set(update_fields):
        return  # e.g. last_login on every login: no role can change, spare the query
    before = User.objects.filter(pk=instance.pk).values(*ROLE_FIELDS).first() or {}
    instance._audit_roles_before = before


def _user_roles_after(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    before = getattr(instance, "_audit_roles_before", None)
    if raw or before is None:
        return
    defaults = {"partner_id": None, "is_coordinator": False, "is_staff": False, "is_superuser": False}
    for field, action in ROLE_FIELDS.items():
        old, new = before.get(field, defaults[field]), getattr(instance, field)
        if old != new:
            audit_record(
                actor=current_actor(),
                action=action,
                target_type="accounts.user",
                target_id=instance.pk,
                subject_id=instance.pk,
                detail={"field": field.removesuffix("_id"), "old": old, "new": new},
            )


def _assignment_saved(sender, instance: WorkerAssignment, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        _assignment_record(instance, AuditAction.WORKER_ADDED)


def _assignment_deleted(sender, instance: WorkerAssignment, **kwargs) -> None:
    _assignment_record(instance, AuditAction.WORKER_REMOVED)


def _assignment_record(assignment: WorkerAssignment, action: str) -> None:
    audit_record(
        actor=current_actor(),
        action=action,
        neighbourhood_id=assignment.neighbourhood_id,
        target_type="accounts.workerassignment",
        target_id=assignment.pk,
        subject_id=assignment.user_id,
    )


def _partner_area_changed(sender, instance, action: str, pk_set=None, reverse: bool = False, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # Changed from the partner's side, or from a neighbourhood's (partners added to it).
    ids = sorted(pk_set or [])
    changes = [(pk, [instance.pk]) for pk in ids] if reverse else [(instance.pk, ids)]
    for partner_id, neighbourhood_ids in changes:
        audit_record(
            actor=current_actor(),
            action=AuditAction.PARTNER_AREA_CHANGED,
            target_type="accounts.partner",
            target_id=partner_id,
            detail={"change": action.removeprefix("post_"), "neighbourhoods": neighbourhood_ids},
        )


def connect_signals() -> None:
    pre_save.connect(_user_roles_before, sender=User, dispatch_uid="audit_user_roles_before")
    post_save.connect(_user_roles_after, sender=User, dispatch_uid="audit_user_roles_after")
    post_save.connect(_assignment_saved, sender=WorkerAssignment, dispatch_uid="audit_assignment_saved")
    post_delete.connect(_assignment_deleted, sender=WorkerAssignment, dispatch_uid="audit_assignment_deleted")
    m2m_changed.connect(
        _partner_area_changed, sender=Partner.neighbourhoods.through, dispatch_uid="audit_partner_area_changed"
    )

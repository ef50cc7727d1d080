"""Writes of moderation about people: warn, suspend for a period, reinstate, vouch
("known to <organisation>"). Re-exported by ads.moderation.services."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import AuditAction, audit_record
from accounts.models import User, WorkerAssignment
from accounts.permissions import is_staff_member, is_worker_of
from ads.moderation import notify
from ads.moderation.models import REASON_MAX, ModerationDecision
from ads.moderation.permissions import NOT_A_WORKER
from ads.moderation.text import clean_text

SUSPEND_MAX_DAYS = 365
Action = ModerationDecision.Action
USER_AUDIT = {
    Action.WARN: AuditAction.WARN,
    Action.SUSPEND: AuditAction.SUSPEND,
    Action.REINSTATE: AuditAction.REINSTATE,
}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _require_moderates(worker: User, user: User) -> None:
    if user.neighbourhood_id is None or not is_worker_of(worker, user.neighbourhood_id):
        raise PermissionDenied(NOT_A_WORKER)
    if user.pk == worker.pk or is_staff_member(user):
        raise PermissionDenied(_("Workers, partner staff and coordinators cannot be warned or suspended here."))


def _user_decision(
    worker: User, user: User, action: str, reason: str, now: datetime, until: datetime | None = None
) -> ModerationDecision:
    decision = ModerationDecision.objects.create(
        worker=worker, action=action, subject=user, reason=reason, until=until, created_at=now
    )
    detail = {"decision": decision.pk} | ({"until": until.isoformat()} if until else {})
    audit_record(
        actor=worker,
        action=USER_AUDIT[action],
        neighbourhood_id=user.neighbourhood_id,
        target_type="accounts.user",
        target_id=user.pk,
        subject_id=user.pk,
        detail=detail,
        now=now,
    )
    notify.user_decided(user=user, kind=f"moderation.{action}", reason=reason, until=until, decision_id=decision.pk)
    return decision


def user_warn(*, worker: User, user: User, reason: str, now: datetime | None = None) -> ModerationDecision:
    _require_moderates(worker, user)
    reason = clean_text(reason, field="reason", required=True, limit=REASON_MAX)
    with transaction.atomic():
        return _user_decision(worker, user, Action.WARN, reason, _now(now))


def user_suspend(*, worker: User, user: User, reason: str, days: int, now: datetime | None = None) -> User:
    """The account cannot log in, post or follow anything live until `days` have passed
    (sessions, API tokens and websockets all check is_active)."""
    _require_moderates(worker, user)
    reason = clean_text(reason, field="reason", required=True, limit=REASON_MAX)
    if not isinstance(days, int) or not 1 <= days <= SUSPEND_MAX_DAYS:
        raise ValidationError({"days": _("Choose between 1 and %(max)d days.") % {"max": SUSPEND_MAX_DAYS}})
    now = _now(now)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if getattr(user, "deleted_at", None) is not None:
            raise ValidationError(_("This account has been deleted."))
        user.is_active, user.suspended_until = False, now + timedelta(days=days)
        user.save(update_fields=["is_active", "suspended_until"])
        # The notification's push also closes the user's open notification stream.
        _user_decision(worker, user, Action.SUSPEND, reason, now, until=user.suspended_until)
    return user


def user_reinstate(*, worker: User, user: User, reason: str = "", now: datetime | None = None) -> User:
    _require_moderates(worker, user)
    reason = clean_text(reason, field="reason", required=False, limit=REASON_MAX)
    now = _now(now)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.suspended_until is None:
            raise ValidationError(_("This account is not suspended."))
        _lift(user)
        _user_decision(worker, user, Action.REINSTATE, reason, now)
    return user


def _lift(user: User) -> None:
    user.is_active, user.suspended_until = True, None
    user.save(update_fields=["is_active", "suspended_until"])


def suspensions_end(*, now: datetime | None = None) -> int:
    """Reinstate every account whose suspension is over (the beat job); how many.
    Only suspended accounts: one deactivated for another reason (deleted) stays off."""
    now = _now(now)
    ended = 0
    due = User.objects.filter(suspended_until__lte=now, is_active=False, deleted_at__isnull=True)
    for user_id in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            user = User.objects.select_for_update().filter(pk=user_id, suspended_until__lte=now).first()
            if user is None:
                continue
            _lift(user)
            audit_record(
                actor=None,
                action=AuditAction.SUSPENSION_ENDED,
                neighbourhood_id=user.neighbourhood_id,
                target_type="accounts.user",
                target_id=user.pk,
                subject_id=user.pk,
                now=now,
            )
            ended += 1
    return ended


def user_mark_known(*, worker: User, user: User, known: bool = True, now: datetime | None = None) -> User:
    """After meeting a resident, a worker vouches for them: a badge "known to <organisation>",
    and their posts no longer wait for approval."""
    _require_moderates(worker, user)
    organisation = ""
    if known:
        assignment = WorkerAssignment.objects.filter(user=worker, neighbourhood_id=user.neighbourhood_id).first()
        organisation = assignment.organisation.strip() if assignment else ""
        if not organisation:
            raise ValidationError(_("Your welfare organisation is not filled in. Ask a coordinator to add it."))
    now = _now(now)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.known_to = organisation
        user.save(update_fields=["known_to"])
        audit_record(
            actor=worker,
            action=AuditAction.KNOWN if known else AuditAction.UNKNOWN,
            neighbourhood_id=user.neighbourhood_id,
            target_type="accounts.user",
            target_id=user.pk,
            subject_id=user.pk,
            now=now,
        )
    return user


def user_moderate(
    *, worker: User, user: User, action: str, reason: str = "", days: int | None = None, now: datetime | None = None
) -> User:
    """One entry for the pages and the API: warn, suspend, reinstate, known, unknown."""
    if action == "warn":
        user_warn(worker=worker, user=user, reason=reason, now=now)
    elif action == "suspend":
        if days is None:
            raise ValidationError({"days": _("Choose for how many days.")})
        user = user_suspend(worker=worker, user=user, reason=reason, days=days, now=now)
    elif action == "reinstate":
        user = user_reinstate(worker=worker, user=user, reason=reason, now=now)
    elif action in ("known", "unknown"):
        user = user_mark_known(worker=worker, user=user, known=action == "known", now=now)
    else:
        raise ValidationError({"action": _("Choose what to do.")})
    return user

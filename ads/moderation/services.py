"""Writes of moderation: reports, and workers' decisions on ads and replies. Decisions
on people live in services_people.py and are re-exported here, so callers import the
whole service API from this module.

Every decision is kept as a ModerationDecision (with the reason the person concerned
is told), appended to the audit log and notified, in one transaction. Each service
takes `now`, so tests control the clock.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import AuditAction, audit_record
from accounts.models import User
from accounts.permissions import is_worker_of
from ads import notify as ads_notify
from ads.models import Ad, AdEvent, Reply
from ads.moderation import notify
from ads.moderation.models import REASON_MAX, ModerationDecision, Report
from ads.moderation.permissions import NOT_A_WORKER, wrote_it
from ads.moderation.services_people import SUSPEND_MAX_DAYS as SUSPEND_MAX_DAYS
from ads.moderation.services_people import suspensions_end as suspensions_end
from ads.moderation.services_people import user_mark_known as user_mark_known
from ads.moderation.services_people import user_moderate as user_moderate
from ads.moderation.services_people import user_reinstate as user_reinstate
from ads.moderation.services_people import user_suspend as user_suspend
from ads.moderation.services_people import user_warn as user_warn
from ads.moderation.text import clean_text
from ads.services import ad_event_record

# An item reported by this many different people is hidden until a worker looks.
HIDE_AFTER_REPORTS = 3

Action = ModerationDecision.Action
VISIBLE, PENDING, HIDDEN = Ad.Moderation.VISIBLE, Ad.Moderation.PENDING, Ad.Moderation.HIDDEN
ITEM_AUDIT = {
    Action.APPROVE: AuditAction.APPROVE,
    Action.HIDE: AuditAction.HIDE,
    Action.RESTORE: AuditAction.RESTORE,
    Action.DISMISS: AuditAction.DISMISS,
}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# Reports ------------------------------------------------------------------------------------


def report_create(
    *, reporter: User, ad: Ad, reply: Reply | None = None, reason: str, note: str = "", now: datetime | None = None
) -> Report:
    """Report an ad, or a reply on it (the caller checked that the reporter can see it).
    One report per person and item; the third person's report hides the item."""
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    note = clean_text(note, field="note", required=False, limit=Report._meta.get_field("note").max_length)
    if wrote_it(reporter, ad, reply):
        raise ValidationError(_("You cannot report something you wrote yourself."))
    now = _now(now)
    with transaction.atomic():
        # The ad's lock serialises reports on it (and on its replies), so the third
        # report sees the other two and hides the item exactly once.
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        report = _report_insert(reporter, ad, reply, reason, note, now)
        if _open_reporters(ad, reply) >= HIDE_AFTER_REPORTS:
            _auto_hide(ad, reply, now)
    return report


def _report_insert(reporter: User, ad: Ad, reply: Reply | None, reason: str, note: str, now: datetime) -> Report:
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, ad=ad, reply=reply, reason=reason, note=note, created_at=now
            )
    except IntegrityError:
        raise ValidationError(_("You have already reported this. A neighbourhood worker will look at it.")) from None


def _open_reports(ad: Ad, reply: Reply | None) -> QuerySet[Report]:
    reports = Report.objects.filter(ad=ad, resolved_at__isnull=True)
    return reports.filter(reply=reply) if reply is not None else reports.filter(reply__isnull=True)


def _open_reporters(ad: Ad, reply: Reply | None) -> int:
    return _open_reports(ad, reply).values("reporter").distinct().count()


def _auto_hide(ad: Ad, reply: Reply | None, now: datetime) -> None:
    item = reply if reply is not None else ad
    if item.moderation != VISIBLE:
        return
    _set_moderation(ad, reply, HIDDEN)
    audit_record(
        actor=None,
        action=AuditAction.REPORT_AUTO_HIDE,
        neighbourhood_id=ad.neighbourhood_id,
        target_type="ads.reply" if reply is not None else "ads.ad",
        target_id=item.pk,
        subject_id=reply.author_id if reply is not None else ad.author_id,
        detail={"reporters": HIDE_AFTER_REPORTS},
        now=now,
    )
    notify.item_auto_hidden(ad=ad, reply=reply, now=now)


def _set_moderation(ad: Ad, reply: Reply | None, state: str) -> None:
    if reply is not None:
        reply.moderation = state
        reply.save(update_fields=["moderation"])
    else:
        ad.moderation = state
        ad.save(update_fields=["moderation", "updated_at"])
    # Live followers of the ad are checked again on this event: who may no longer see it
    # is cut off; the others' pages offer a reload.
    ad_event_record(ad=ad, kind=AdEvent.Kind.UPDATED)


# Decisions on items ---------------------------------------------------------------------------

# What each decision needs before and makes after: (allowed states, new state).
ITEM_RULES = {
    Action.APPROVE: ((PENDING,), VISIBLE),
    Action.HIDE: ((VISIBLE, PENDING), HIDDEN),
    Action.RESTORE: ((HIDDEN,), VISIBLE),
    Action.DISMISS: ((VISIBLE, HIDDEN), VISIBLE),
}
ITEM_REFUSALS = {
    Action.APPROVE: gettext_lazy("This ad is not waiting for approval."),
    Action.HIDE: gettext_lazy("This is already hidden."),
    Action.RESTORE: gettext_lazy("This is not hidden."),
    Action.DISMISS: gettext_lazy("There are no open reports about this."),
}
NOTIFY_KIND = {
    (Action.APPROVE, False): "moderation.approved",
    (Action.HIDE, False): "moderation.hidden",
    (Action.RESTORE, False): "moderation.restored",
    (Action.DISMISS, False): "moderation.dismissed",
    (Action.HIDE, True): "moderation.reply_hidden",
    (Action.RESTORE, True): "moderation.reply_restored",
    (Action.DISMISS, True): "moderation.reply_dismissed",
}


def ad_moderate(*, worker: User, ad: Ad, action: str, reason: str = "", now: datetime | None = None) -> Ad:
    """Approve a first post, hide, restore, or dismiss the reports about an ad."""
    return _item_moderate(worker=worker, ad=ad, reply=None, action=action, reason=reason, now=now)


def reply_moderate(*, worker: User, reply: Reply, action: str, reason: str = "", now: datetime | None = None) -> Reply:
    """Hide, restore, or dismiss the reports about a reply."""
    if action == Action.APPROVE:
        raise ValidationError({"action": _("Replies do not wait for approval.")})
    _item_moderate(worker=worker, ad=reply.conversation.ad, reply=reply, action=action, reason=reason, now=now)
    reply.refresh_from_db(fields=["moderation"])
    return reply


def _item_moderate(*, worker: User, ad: Ad, reply: Reply | None, action: str, reason: str, now: datetime | None) -> Ad:
    if action not in ITEM_RULES:
        raise ValidationError({"action": _("Choose what to do.")})
    if not is_worker_of(worker, ad.neighbourhood_id):
        raise PermissionDenied(NOT_A_WORKER)
    reason = clean_text(reason, field="reason", required=action != Action.APPROVE, limit=REASON_MAX)
    now = _now(now)
    with transaction.atomic():
        ad = Ad.objects.select_for_update().select_related("category").get(pk=ad.pk)
        if reply is not None:
            reply = Reply.objects.select_for_update().get(pk=reply.pk)
        _apply(ad, reply, action, worker, now)
        subject_id = reply.author_id if reply is not None else ad.author_id
        decision = ModerationDecision.objects.create(
            worker=worker, action=action, ad=ad, reply=reply, subject_id=subject_id, reason=reason, created_at=now
        )
        audit_record(
            actor=worker,
            action=ITEM_AUDIT[action],
            neighbourhood_id=ad.neighbourhood_id,
            target_type="ads.reply" if reply is not None else "ads.ad",
            target_id=reply.pk if reply is not None else ad.pk,
            subject_id=subject_id,
            detail={"decision": decision.pk},
            now=now,
        )
        kind = NOTIFY_KIND[(action, reply is not None)]
        notify.item_decided(ad=ad, reply=reply, kind=kind, reason=reason, decision_id=decision.pk)
        if action == Action.APPROVE:
            ads_notify.request_matched(ad=ad)  # neighbours with a matching offer hear of it now
    return ad


def _apply(ad: Ad, reply: Reply | None, action: str, worker: User, now: datetime) -> None:
    allowed, new_state = ITEM_RULES[action]
    item = reply if reply is not None else ad
    reports = _open_reports(ad, reply)
    if item.moderation not in allowed or (action == Action.DISMISS and not reports.exists()):
        raise ValidationError(ITEM_REFUSALS[action])
    reports.update(resolved_at=now, resolved_by=worker)  # the worker looked: they leave the queue
    if item.moderation != new_state:
        _set_moderation(ad, reply, new_state)

"""Who hears about moderation: the seam to the notifications service.

The person whose item or account a worker decided on is told the reason; the
neighbourhood's workers hear when something needs them (a first post, an item hidden
after reports). Stored in the caller's transaction, delivered after commit.
"""

from datetime import datetime

from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User, WorkerAssignment
from ads.models import Ad, Reply
from notifications.models import Notification
from notifications.services import Target, notification_build, notify_many

# What each kind of moderation notice says (registered in AdsConfig.ready): the person
# concerned is told the worker's reason.
MESSAGES = {
    "moderation.approved": _("Your ad “%(title)s” has been approved. Neighbours can see it now."),
    "moderation.hidden": _("A neighbourhood worker has hidden your ad “%(title)s”. Reason: %(reason)s"),
    "moderation.restored": _("A neighbourhood worker has made your ad “%(title)s” visible again. Reason: %(reason)s"),
    "moderation.dismissed": _(
        "A neighbourhood worker checked your ad “%(title)s”. It stays online. Reason: %(reason)s"
    ),
    "moderation.reply_hidden": _(
        "A neighbourhood worker has hidden your message about “%(title)s”. Reason: %(reason)s"
    ),
    "moderation.reply_restored": _(
        "A neighbourhood worker has made your message about “%(title)s” visible again. Reason: %(reason)s"
    ),
    "moderation.reply_dismissed": _(
        "A neighbourhood worker checked your message about “%(title)s”. It stays online. Reason: %(reason)s"
    ),
    "moderation.auto_hidden": _(
        "Several neighbours reported “%(title)s”. It is hidden until a neighbourhood worker has looked at it."
    ),
    "moderation.reported": _("Several neighbours reported something about “%(title)s”. It is hidden until you look."),
    "moderation.pending": _("A new resident's first ad “%(title)s” waits for your approval."),
    "moderation.warn": _("A neighbourhood worker sends you a warning: %(reason)s"),
    "moderation.suspend": _("Your account is blocked until %(until)s. Reason: %(reason)s"),
    "moderation.reinstate": _("Your account can be used again."),
}


def _ad_target(ad: Ad, reply: Reply | None = None) -> Target:
    url = reverse("ads:detail", args=[ad.pk])
    if reply is not None:
        url += f"#conversation-{reply.conversation_id}"
    return Target(type="ad", id=ad.pk, url=url)


def _owners(ad: Ad) -> set[int]:
    return {pk for pk in (ad.author_id, ad.proxy_id) if pk}


def item_decided(*, ad: Ad, reply: Reply | None, kind: str, reason: str, decision_id: int) -> None:
    """Tell the author (and proxy) of the ad, or the writer of the reply, the reason."""
    recipients = {reply.author_id} if reply is not None else _owners(ad)
    params = {"ad": ad.pk, "title": ad.title, "reason": reason}
    notify_many(
        notification_build(
            recipient_id=r, kind=kind, target=_ad_target(ad, reply), params=params, dedupe_key=f"{kind}:{decision_id}"
        )
        for r in sorted(recipients)
    )


def item_auto_hidden(*, ad: Ad, reply: Reply | None, now: datetime) -> None:
    """Hidden after reports: its author learns why it is gone, the workers that it waits for them."""
    key = f"{reply.pk if reply else ad.pk}:{int(now.timestamp())}"
    params = {"ad": ad.pk, "title": ad.title}
    authors = {reply.author_id} if reply is not None else _owners(ad)
    notes = [
        notification_build(
            recipient_id=r,
            kind="moderation.auto_hidden",
            target=_ad_target(ad, reply),
            params=params,
            dedupe_key=f"moderation.auto_hidden:{key}",
        )
        for r in sorted(authors)
    ]
    notes += _for_workers(ad.neighbourhood_id, "moderation.reported", params, f"moderation.reported:{key}")
    notify_many(notes)


def first_post_waiting(*, ad: Ad) -> None:
    params = {"ad": ad.pk, "title": ad.title}
    notify_many(_for_workers(ad.neighbourhood_id, "moderation.pending", params, f"moderation.pending:{ad.pk}"))


def _for_workers(neighbourhood_id: int, kind: str, params: dict, key: str) -> list[Notification]:
    target = Target(type="moderation", id=neighbourhood_id, url=reverse("moderation:queue"))
    worker_ids = WorkerAssignment.objects.filter(neighbourhood_id=neighbourhood_id).values_list("user_id", flat=True)
    return [
        notification_build(recipient_id=w, kind=kind, target=target, params=params, dedupe_key=key)
        for w in sorted(set(worker_ids))
    ]


def user_decided(*, user: User, kind: str, reason: str, until: datetime | None, decision_id: int) -> None:
    params: dict = {"reason": reason}
    if until is not None:
        params["until"] = _both_languages(until)
    target = Target(type="user", id=user.pk, url=reverse("notifications:list"))
    notify_many(
        [
            notification_build(
                recipient_id=user.pk, kind=kind, target=target, params=params, dedupe_key=f"{kind}:{decision_id}"
            )
        ]
    )


def _both_languages(moment: datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    out = {}
    for language in ("nl", "en"):
        with translation.override(language):
            out[language] = formats.date_format(local, "DATETIME_FORMAT")
    return out

"""Who hears about what happens to an ad: the seam to the notifications service.

Each function stores its notifications in the caller's transaction (the service
delivers them after commit: live push, email). A dedupe key per event makes a second
call harmless. Parameters hold what the sentence needs, in both languages where the
words differ, so the notifications app never reads the ads domain.
"""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ads import selectors
from ads.models import Ad, Conversation, Reply
from notifications.models import Notification
from notifications.services import Target, notification_build, notify_many

# What notifications about an ad name as their target type (with the ad's id).
AD_TARGET = "ad"

# What each kind this module sends says (registered in AdsConfig.ready); the parameters
# are _params' own.
MESSAGES = {
    "reply.created": _("New message about “%(title)s”."),
    "ad.helper_chosen": _("You were chosen as the helper for “%(title)s”."),
    "ad.thanked": _("“%(title)s” is closed. Thank you for your help!"),
    "ad.match": _("A neighbour needs help with %(category)s: “%(title)s”."),
    "ad.expiring": _("Your ad “%(title)s” ends in 3 days. Still needed? Renew it."),
    "ad.expired": _("Your ad “%(title)s” has ended."),
}


def _params(ad: Ad) -> dict:
    return {"ad": ad.pk, "title": ad.title, "category": {"nl": ad.category.name_nl, "en": ad.category.name_en}}


def _owners(ad: Ad) -> set[int]:
    """The author, and whoever posted on their behalf: both follow the ad."""
    return {pk for pk in (ad.author_id, ad.proxy_id) if pk}


def _notes(recipients: Iterable[int], kind: str, ad: Ad, key: str, url: str = "") -> list[Notification]:
    target = Target(type=AD_TARGET, id=ad.pk, url=url or reverse("ads:detail", args=[ad.pk]))
    params = _params(ad)
    return [
        notification_build(recipient_id=r, kind=kind, target=target, params=params, dedupe_key=f"{kind}:{key}")
        for r in sorted(recipients)
    ]


def reply_posted(*, ad: Ad, conversation: Conversation, reply: Reply) -> None:
    """A reply reaches the other side of its conversation: the responder, or the
    author and proxy; never the one who wrote it."""
    owners = _owners(ad)
    recipients = {conversation.responder_id} if reply.author_id in owners else owners
    url = reverse("ads:detail", args=[ad.pk]) + f"#conversation-{conversation.pk}"
    notify_many(_notes(recipients - {reply.author_id}, "reply.created", ad, f"reply:{reply.pk}", url))


def helper_chosen(*, ad: Ad) -> None:
    notify_many(_notes({ad.helper_id} - _owners(ad), "ad.helper_chosen", ad, f"ad:{ad.pk}:{ad.helper_id}"))


def ad_thanked(*, ad: Ad) -> None:
    """Closed with thanks: the helper hears it."""
    if ad.helper_id:
        notify_many(_notes({ad.helper_id} - _owners(ad), "ad.thanked", ad, f"ad:{ad.pk}"))


def request_matched(*, ad: Ad) -> None:
    """A new visible request: neighbours with an open offer in its category hear of it.
    Call when the request becomes visible (on posting, or when a worker approves it)."""
    if ad.kind != Ad.Kind.REQUEST or ad.moderation != Ad.Moderation.VISIBLE or not ad.is_open:
        return
    notify_many(_notes(selectors.match_recipient_ids(ad=ad), "ad.match", ad, f"ad:{ad.pk}"))


def ads_expiring(*, ads: Iterable[Ad]) -> int:
    """Ask the owners to renew, with a link to do so; once per ad and end date (a renewed
    ad asks again before its new end). How many notifications are new."""
    notes = []
    for ad in ads:
        key = f"ad:{ad.pk}:{ad.expires_at.date().isoformat()}"
        notes += _notes(_owners(ad), "ad.expiring", ad, key, reverse("ads:renew", args=[ad.pk]))
    return len(notify_many(notes))


def ad_expired(*, ad: Ad) -> None:
    notify_many(_notes(_owners(ad), "ad.expired", ad, f"ad:{ad.pk}"))

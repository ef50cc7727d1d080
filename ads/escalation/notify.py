"""Who the ladder tells, and about what: the seam to the notifications app.

Each function takes a whole batch and costs a constant number of queries (recipients,
then one insert), and stores the notifications in the caller's transaction, so a
notification exists exactly when its escalation does. A dedupe key per event makes a
second call harmless. Delivery (live push, email) is the notifications service's work:
it starts once the caller's transaction commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ads.escalation import selectors
from notifications.models import Notification
from notifications.services import Target, notification_build, notify_many

# What each kind the ladder sends says (registered in AdsConfig.ready).
MESSAGES = {
    "ad.still_needed": _("Nobody has answered your request yet. Do you still need help? You can add a detail."),
    "ad.offer_reminder": _("A neighbour still needs help with something you offer."),
    "escalation.created": _("A request for help was passed on to you."),
    "escalation.raised": _("Nobody picked up a request that was passed on."),
    "escalation.cancelled": _("A request that was passed on to you is no longer needed."),
}


@dataclass(frozen=True)
class Created:
    """An escalation the caller has just inserted (never one that already existed)."""

    id: int
    ad_id: int
    partner_id: int | None
    neighbourhood_id: int


@dataclass(frozen=True)
class Nudged:
    ad_id: int
    neighbourhood_id: int
    category_id: int
    recipients: tuple[int, ...] = field(default=())  # the author, and the proxy if any


@cache
def _url_pattern(name: str, fallback: str) -> str:
    """The URL of `name` with "{}" for the id, resolved once: a batch builds thousands."""
    try:
        return reverse(name, args=[987654321]).replace("987654321", "{}")
    except NoReverseMatch:
        return fallback


def _ad_url(ad_id: int) -> str:
    return _url_pattern("ads:detail", "/advertenties/{}/").format(ad_id)


def escalation_url(escalation_id: int) -> str:
    # The partner inbox names its page "escalations:detail"; until it exists, the API.
    return _url_pattern("escalations:detail", "/api/v1/escalations/{}/").format(escalation_id)


def _store(items: Iterable[Notification]) -> None:
    notify_many(items)


def _note(recipient_id: int, kind: str, target: tuple[str, int], url: str, **params) -> Notification:
    return notification_build(
        recipient_id=recipient_id,
        kind=kind,
        target=Target(type=target[0], id=target[1], url=url),
        params=params,
        dedupe_key=f"{kind}:{target[0]}:{target[1]}",
    )


def escalations_created(created: list[Created]) -> None:
    """Partner staff of each new escalation; the workers for one addressed to them,
    or the coordinators when the neighbourhood has no worker."""
    if not created:
        return
    staff = selectors.partner_staff_ids(partner_ids={c.partner_id for c in created if c.partner_id})
    to_workers = {c.neighbourhood_id for c in created if not c.partner_id}
    workers = selectors.worker_ids(neighbourhood_ids=to_workers)
    coordinators = selectors.coordinator_ids(neighbourhood_ids=to_workers - set(workers))
    notes = []
    for c in created:
        fallback = workers.get(c.neighbourhood_id) or coordinators.get(c.neighbourhood_id, ())
        recipients = staff.get(c.partner_id, []) if c.partner_id else fallback
        url = escalation_url(c.id) if c.partner_id else _ad_url(c.ad_id)
        notes += [_note(r, "escalation.created", ("escalation", c.id), url, ad=c.ad_id) for r in recipients]
    _store(notes)


def escalations_raised(raised: list[Created]) -> None:
    """Nobody picked these up in time: the neighbourhood's workers, and the coordinators
    of its municipality and of its region (no one else's)."""
    if not raised:
        return
    places = {r.neighbourhood_id for r in raised}
    workers = selectors.worker_ids(neighbourhood_ids=places)
    coordinators = selectors.coordinator_ids(neighbourhood_ids=places)
    notes = []
    for r in raised:
        recipients = coordinators.get(r.neighbourhood_id, set()) | set(workers.get(r.neighbourhood_id, []))
        notes += [
            _note(u, "escalation.raised", ("escalation", r.id), _ad_url(r.ad_id), ad=r.ad_id, partner=r.partner_id)
            for u in recipients
        ]
    _store(notes)


def requests_nudged(nudged: list[Nudged]) -> None:
    """Halfway: ask the author "still needed? add a detail?" and remind neighbours
    with a matching open offer."""
    if not nudged:
        return
    offerers = selectors.offerers_matching(pairs={(n.neighbourhood_id, n.category_id) for n in nudged})
    notes = []
    for n in nudged:
        target, url = ("ad", n.ad_id), _ad_url(n.ad_id)
        notes += [_note(r, "ad.still_needed", target, url, ad=n.ad_id) for r in n.recipients]
        others = offerers.get((n.neighbourhood_id, n.category_id), set()) - set(n.recipients)
        notes += [_note(r, "ad.offer_reminder", target, url, ad=n.ad_id) for r in others]
    _store(notes)


def escalation_cancelled(*, escalation_id: int, ad_id: int, recipient_id: int, reason: str) -> None:
    """Tell the person who picked it up that the request no longer needs them."""
    _store(
        [
            _note(
                recipient_id,
                "escalation.cancelled",
                ("escalation", escalation_id),
                escalation_url(escalation_id),
                ad=ad_id,
                reason=reason,
            )
        ]
    )

"""Reads of moderation: the workers' queue, and what the person concerned is told."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min, QuerySet

from accounts.models import User
from accounts.permissions import worker_neighbourhood_ids
from ads.models import Ad, Reply
from ads.moderation.models import ModerationDecision, Report

QUEUE_SIZE = 100


@dataclass
class ReportedItem:
    """One reported ad or reply with its open reports: how many people, since when, why."""

    ad: Ad
    reply: Reply | None
    reporters: int
    first_reported_at: datetime
    reasons: list[tuple[str, int]] = field(default_factory=list)  # (reason code, how many)
    notes: list[str] = field(default_factory=list)

    @property
    def moderation(self) -> str:
        return (self.reply or self.ad).moderation


@dataclass
class Queue:
    reported: list[ReportedItem]
    pending: list[Ad]


def moderation_queue(*, worker: User, size: int = QUEUE_SIZE) -> Queue:
    """The worker's neighbourhoods only: reported items, most-reported first and then the
    longest waiting; and first posts waiting for approval, oldest first. Five queries."""
    neighbourhood_ids = list(worker_neighbourhood_ids(worker))
    return Queue(reported=_reported(neighbourhood_ids, size), pending=list(_pending(neighbourhood_ids)[:size]))


def _open_reports(neighbourhood_ids: list[int]) -> QuerySet[Report]:
    return Report.objects.filter(resolved_at__isnull=True, ad__neighbourhood_id__in=neighbourhood_ids)


def _reported(neighbourhood_ids: list[int], size: int) -> list[ReportedItem]:
    groups = list(
        _open_reports(neighbourhood_ids)
        .values("ad_id", "reply_id")
        .annotate(reporters=Count("reporter", distinct=True), first=Min("created_at"))
        .order_by("-reporters", "first", "ad_id", "reply_id")[:size]
    )
    ads = Ad.objects.select_related("category", "neighbourhood", "author").in_bulk({g["ad_id"] for g in groups})
    replies = Reply.objects.select_related("author").in_bulk({g["reply_id"] for g in groups if g["reply_id"]})
    items = {
        (g["ad_id"], g["reply_id"]): ReportedItem(
            ad=ads[g["ad_id"]],
            reply=replies.get(g["reply_id"]),
            reporters=g["reporters"],
            first_reported_at=g["first"],
        )
        for g in groups
    }
    _add_reasons(items, neighbourhood_ids)
    return list(items.values())


def _add_reasons(items: dict[tuple[int, int | None], ReportedItem], neighbourhood_ids: list[int]) -> None:
    rows = _open_reports(neighbourhood_ids).filter(ad_id__in={ad_id for ad_id, _reply in items})
    counts: dict[tuple, Counter] = {}
    for ad_id, reply_id, reason, note in rows.order_by("created_at").values_list(
        "ad_id", "reply_id", "reason", "note"
    ):
        item = items.get((ad_id, reply_id))
        if item is None:
            continue
        counts.setdefault((ad_id, reply_id), Counter())[reason] += 1
        if note:
            item.notes.append(note)
    for key, counter in counts.items():
        items[key].reasons = counter.most_common()


def _pending(neighbourhood_ids: list[int]) -> QuerySet[Ad]:
    return (
        Ad.objects.filter(moderation=Ad.Moderation.PENDING, neighbourhood_id__in=neighbourhood_ids)
        .select_related("category", "neighbourhood", "author")
        .order_by("created_at", "id")
    )


def latest_decision(*, ad: Ad) -> ModerationDecision | None:
    """The last decision on the ad itself: its author sees it, with the reason."""
    return ModerationDecision.objects.filter(ad=ad, reply__isnull=True).select_related("worker").first()


def item_open_reports(*, ad: Ad, reply: Reply | None) -> QuerySet[Report]:
    reports = Report.objects.filter(ad=ad, reply=reply) if reply else Report.objects.filter(ad=ad, reply__isnull=True)
    return reports.filter(resolved_at__isnull=True).order_by("created_at", "id")


def item_history(*, ad: Ad, reply: Reply | None) -> QuerySet[ModerationDecision]:
    decisions = (
        ModerationDecision.objects.filter(ad=ad, reply=reply) if reply else ad.decisions.filter(reply__isnull=True)
    )
    return decisions.select_related("worker").order_by("-created_at", "-id")


def user_history(*, user: User) -> QuerySet[ModerationDecision]:
    """What workers decided about a person and their items, newest first."""
    return ModerationDecision.objects.filter(subject=user).select_related("worker", "ad")


def reports_by(*, reporter: User, ad: Ad) -> set[int | None]:
    """Which items on this ad the person already reported: None for the ad, else reply ids."""
    return set(Report.objects.filter(reporter=reporter, ad=ad).values_list("reply_id", flat=True))

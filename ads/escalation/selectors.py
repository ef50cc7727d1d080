"""Reads for the escalation ladder: what is due, the inboxes, the history, the heartbeat."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CoordinatorRole, Neighbourhood, Partner, User, WorkerAssignment
from ads.escalation.models import Coverage, Escalation, EscalationRule, EscalationStep, Heartbeat, WebhookDelivery
from ads.escalation.permissions import escalations_visible_to, rules_in_scope_q
from ads.models import Ad
from ads.selectors import cursor_decode, cursor_encode

# What the scan needs of a request; nothing else is read.
LADDER_FIELDS = (
    "id",
    "created_at",
    "neighbourhood_id",
    "category_id",
    "urgency",
    "escalation_consent",
    "nudged_at",
    "author_id",
    "proxy_id",
)
LIVE_STATES = (Escalation.State.OPEN, Escalation.State.RAISED, Escalation.State.CLAIMED)
# A partner that said no to a request is not asked again.
REFUSED_STATES = (Escalation.State.DECLINED, Escalation.State.HANDED_BACK)
Keyset = tuple[datetime, int]


def _after(field: str, after: Keyset | None) -> Q:
    if after is None:
        return Q()
    moment, pk = after
    return Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "id__gt": pk})


def due_requests(*, cutoff: datetime, after: Keyset | None = None) -> QuerySet[Ad]:
    """Requests still on the ladder and older than `cutoff`, oldest first, from the
    partial index ad_ladder_due_idx: one scan costs what is due, not what is stored."""
    return (
        Ad.objects.filter(
            status=Ad.Status.OPEN,
            kind=Ad.Kind.REQUEST,
            first_response_at__isnull=True,
            escalated_at__isnull=True,
            created_at__lte=cutoff,
            moderation=Ad.Moderation.VISIBLE,
        )
        .filter(_after("created_at", after))
        .order_by("created_at", "id")
        .only(*LADDER_FIELDS)
    )


def unclaimed_escalations(*, cutoff: datetime, after: Keyset | None = None) -> QuerySet[Escalation]:
    """Open escalations created before `cutoff`, oldest first (partial index escalation_unclaimed_idx)."""
    return (
        Escalation.objects.filter(state=Escalation.State.OPEN, created_at__lte=cutoff)
        .filter(_after("created_at", after))
        .order_by("created_at", "id")
        .only("id", "ad_id", "partner_id", "created_at")
    )


def partner_coverage() -> dict[tuple[int, int], list[int]]:
    """(neighbourhood, category) → the partners covering that pair, in a stable order.
    Small: it grows with partners, not with requests, so the scan reads it once."""
    rows = Coverage.objects.order_by("partner__name", "partner_id").values_list(
        "neighbourhood_id", "category_id", "partner_id"
    )
    coverage: dict[tuple[int, int], list[int]] = defaultdict(list)
    for neighbourhood_id, category_id, partner_id in rows:
        coverage[(neighbourhood_id, category_id)].append(partner_id)
    return dict(coverage)


def partners_covering(*, neighbourhood_id: int, category_id: int) -> list[int]:
    """The partners covering one neighbourhood and category, in the same order as partner_coverage."""
    return list(
        Coverage.objects.filter(neighbourhood_id=neighbourhood_id, category_id=category_id)
        .order_by("partner__name", "partner_id")
        .values_list("partner_id", flat=True)
    )


def partner_pairs(*, partner: Partner) -> list[tuple[int, int]]:
    """The (neighbourhood, category) pairs one partner covers, by neighbourhood and category."""
    return list(
        Coverage.objects.filter(partner=partner)
        .order_by("neighbourhood__name", "category__position", "category_id")
        .values_list("neighbourhood_id", "category_id")
    )


def ack_windows() -> dict[int | None, timedelta]:
    """Each partner's acknowledgement window; None is the neighbourhood's workers."""
    windows: dict[int | None, timedelta] = {None: timedelta(minutes=settings.ESCALATION_WORKER_ACK_MINUTES)}
    for pk, minutes in Partner.objects.values_list("id", "ack_window_minutes"):
        windows[pk] = timedelta(minutes=minutes)
    return windows


def partner_staff_ids(*, partner_ids: set[int]) -> dict[int, list[int]]:
    staff: dict[int, list[int]] = defaultdict(list)
    for user_id, partner_id in User.objects.filter(partner_id__in=partner_ids, is_active=True).values_list(
        "id", "partner_id"
    ):
        staff[partner_id].append(user_id)
    return staff


def worker_ids(*, neighbourhood_ids: set[int]) -> dict[int, list[int]]:
    workers: dict[int, list[int]] = defaultdict(list)
    rows = WorkerAssignment.objects.filter(neighbourhood_id__in=neighbourhood_ids, user__is_active=True)
    for user_id, neighbourhood_id in rows.values_list("user_id", "neighbourhood_id"):
        workers[neighbourhood_id].append(user_id)
    return workers


def coordinator_ids(*, neighbourhood_ids: set[int]) -> dict[int, set[int]]:
    """neighbourhood → the active coordinators of its municipality or its region."""
    if not neighbourhood_ids:
        return {}
    rows = Neighbourhood.objects.filter(pk__in=neighbourhood_ids).values_list(
        "pk", "municipality_id", "municipality__region_id"
    )
    places = {pk: (municipality, region) for pk, municipality, region in rows}
    roles = CoordinatorRole.objects.filter(
        Q(municipality_id__in={m for m, _r in places.values()}) | Q(region_id__in={r for _m, r in places.values()}),
        user__is_active=True,
    ).values_list("user_id", "municipality_id", "region_id")
    by_place: dict[tuple[str, int], set[int]] = defaultdict(set)
    for user_id, municipality_id, region_id in roles:
        by_place[("m", municipality_id) if municipality_id else ("r", region_id)].add(user_id)
    return {pk: by_place[("m", m)] | by_place[("r", r)] for pk, (m, r) in places.items()}


def _open_first() -> Case:
    return Case(
        When(state__in=[Escalation.State.OPEN, Escalation.State.RAISED], then=Value(0)),
        When(state=Escalation.State.CLAIMED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def escalation_inbox(*, user: User, state: str = "") -> QuerySet[Escalation]:
    """The caller's inbox: their organisation's escalations (partner staff), those of their
    neighbourhoods (workers), or all (coordinators); waiting ones first, oldest first."""
    escalations = escalations_visible_to(user)
    if state:
        escalations = escalations.filter(state=state)
    return (
        escalations.select_related("ad", "ad__neighbourhood", "ad__category", "ad__author", "partner", "claimed_by")
        .annotate(rank=_open_first())
        .order_by("rank", "created_at", "id")
    )


def escalation_inbox_page(
    *, user: User, state: str = "", cursor: str | None, size: int
) -> tuple[list[Escalation], str | None]:
    """One page of the inbox after `cursor` (None: the first), and the cursor of the next
    page (None on the last). Keyset on (rank, created_at, id): pages stay right as rows come."""
    rows = escalation_inbox(user=user, state=state)
    if cursor:
        rank, created_at, pk = _inbox_cursor_decode(cursor)
        later = Q(created_at__gt=created_at) | Q(created_at=created_at, id__gt=pk)
        rows = rows.filter(Q(rank__gt=rank) | (Q(rank=rank) & later))
    page = list(rows[: size + 1])
    if len(page) <= size:
        return page, None
    last = page[size - 1]
    return page[:size], f"{last.rank}.{cursor_encode(last.created_at, last.pk)}"


def _inbox_cursor_decode(cursor: str) -> tuple[int, datetime, int]:
    rank, _dot, rest = cursor.partition(".")
    if rank not in ("0", "1", "2"):
        raise ValidationError({"cursor": _("This page link is not valid.")})
    return (int(rank), *cursor_decode(rest))


def ad_escalations(*, ad: Ad) -> QuerySet[Escalation]:
    """Everything the ladder did with one request, for the resident and the workers."""
    return Escalation.objects.filter(ad=ad).select_related("partner", "claimed_by").order_by("step", "id")


def escalation_steps(*, escalation: Escalation) -> QuerySet[EscalationStep]:
    return EscalationStep.objects.filter(escalation=escalation).select_related("actor", "escalation__partner")


def ad_history(*, ad: Ad) -> QuerySet[EscalationStep]:
    """Every step of every escalation of one request, in order: what the workers see."""
    return (
        EscalationStep.objects.filter(escalation__ad=ad)
        .select_related("actor", "escalation", "escalation__partner")
        .order_by("created_at", "id")
    )


def ad_webhook_deliveries(*, ad: Ad) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(escalation__ad=ad)
        .select_related("escalation__partner")
        .order_by("created_at", "id")
    )


def failed_webhook_deliveries(*, neighbourhood_ids: set[int] | frozenset[int]) -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.FAILED, escalation__ad__neighbourhood_id__in=neighbourhood_ids
        )
        .select_related("escalation__partner", "escalation__ad")
        .order_by("-created_at", "-id")
    )


def offerers_matching(*, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], set[int]]:
    """(neighbourhood, category) → authors of open, visible offers there."""
    if not pairs:
        return {}
    match = Q()
    for neighbourhood_id, category_id in pairs:
        match |= Q(neighbourhood_id=neighbourhood_id, category_id=category_id)
    offers = Ad.objects.filter(match, kind=Ad.Kind.OFFER, status=Ad.Status.OPEN, moderation=Ad.Moderation.VISIBLE)
    offerers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for neighbourhood_id, category_id, author_id in offers.values_list("neighbourhood_id", "category_id", "author_id"):
        offerers[(neighbourhood_id, category_id)].add(author_id)
    return offerers


def heartbeat_age(*, name: str = "celery", now: datetime | None = None) -> timedelta | None:
    """How long ago the canary task last ran; None when it never did."""
    beat_at = Heartbeat.objects.filter(name=name).values_list("beat_at", flat=True).first()
    return None if beat_at is None else (now or timezone.now()) - beat_at


def escalation_rules(*, user: User) -> QuerySet[EscalationRule]:
    """The rules a coordinator manages, and the rules for everywhere (which they read)."""
    everywhere = Q(neighbourhood__isnull=True, municipality__isnull=True, region__isnull=True)
    return (
        EscalationRule.objects.filter(rules_in_scope_q(user=user) | everywhere)
        .select_related("neighbourhood", "municipality", "region", "category")
        .order_by("region__name", "municipality__name", "neighbourhood__name", "category__position", "urgency", "id")
    )

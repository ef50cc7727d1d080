"""The ladder's periodic work: the scan (halfway nudges, escalation past the threshold)
and raising what nobody claimed in time.

Every run derives what to do from the database (never "since the last run"), so a run
that was missed, killed or doubled changes nothing that a later run would not. Batches
are committed one by one and cost a constant number of queries each. The unique
constraints on Escalation make a duplicate impossible; notifications are stored in the
same transaction as the rows they are about, and only for rows this call created. Rows
another transaction holds (a reply being posted, a second scan) are skipped and met
again next run. The public names are re-exported by services.py.
"""

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from ads.escalation import notify, selectors, webhooks
from ads.escalation.audit import steps_audit
from ads.escalation.models import Escalation, EscalationStep
from ads.escalation.rules import RuleUsed, Thresholds, thresholds_load
from ads.models import Ad

State = Escalation.State


@dataclass
class ScanResult:
    candidates: int = 0  # requests looked at
    nudged: int = 0  # requests whose author was asked "still needed?"
    escalated: int = 0  # requests passed on
    created: int = 0  # escalation rows inserted (0 when another scan got there first)
    batches: int = 0

    def add(self, other: "ScanResult") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def now_or_clock(now: datetime | None) -> datetime:
    return now or timezone.now()


def _locked(queryset: QuerySet) -> QuerySet:
    # A row another transaction holds (a reply being posted, a second scan) is skipped
    # now and seen again by the next run.
    return queryset.select_for_update(skip_locked=True, of=("self",))


def escalation_scan(*, now: datetime | None = None, batch_size: int | None = None) -> ScanResult:
    """One run of the ladder over every request that is due: halfway nudges, then
    escalation past the threshold. Idempotent; safe to run twice at once."""
    total = ScanResult()
    for batch in escalation_scan_batches(now=now, batch_size=batch_size):
        total.add(batch)
    return total


def escalation_scan_batches(*, now: datetime | None = None, batch_size: int | None = None) -> Iterator[ScanResult]:
    """The scan as a generator: each batch is committed before it is yielded, so a
    process killed between (or during) batches loses nothing that is not redone."""
    now = now_or_clock(now)
    size = batch_size or settings.ESCALATION_SCAN_BATCH_SIZE
    thresholds = thresholds_load()
    coverage = selectors.partner_coverage()
    cutoff = now - thresholds.shortest / 2
    after = None
    while True:
        with transaction.atomic():
            ads = list(_locked(selectors.due_requests(cutoff=cutoff, after=after))[:size])
            result = _ladder_batch(ads, now=now, thresholds=thresholds, coverage=coverage)
        if not ads:
            return
        yield result
        if len(ads) < size:
            return
        after = (ads[-1].created_at, ads[-1].pk)


def _ladder_batch(ads: list[Ad], *, now: datetime, thresholds: Thresholds, coverage: dict) -> ScanResult:
    due, halfway, rules = [], [], {}
    for ad in ads:
        rule = thresholds.rule_for(
            neighbourhood_id=ad.neighbourhood_id, category_id=ad.category_id, urgency=ad.urgency
        )
        wait = timedelta(minutes=rule.minutes)
        age = now - ad.created_at
        if age >= wait:
            due.append(ad)
            rules[ad.pk] = rule
        elif age >= wait / 2 and ad.nudged_at is None:
            halfway.append(ad)
    created = _escalate(due, now=now, coverage=coverage, rules=rules)
    _nudge(halfway, now=now)
    return ScanResult(candidates=len(ads), nudged=len(halfway), escalated=len(due), created=created, batches=1)


def _escalate(
    ads: list[Ad], *, now: datetime, coverage: dict[tuple[int, int], list[int]], rules: dict[int, RuleUsed]
) -> int:
    """Step 1: every partner covering the neighbourhood and category, with consent;
    otherwise (no consent, or nobody covers it) the neighbourhood's workers."""
    if not ads:
        return 0
    rows: list[tuple[int, int | None, int]] = []
    for ad in ads:
        partners = coverage.get((ad.neighbourhood_id, ad.category_id), []) if ad.escalation_consent else []
        rows += [(ad.pk, partner_id, 1) for partner_id in partners] or [(ad.pk, None, 1)]
    created = insert_escalations(rows, now=now, action="created", rules=rules)
    Ad.objects.filter(pk__in=[ad.pk for ad in ads]).update(escalated_at=now)
    where = {ad.pk: ad.neighbourhood_id for ad in ads}
    found = [notify.Created(pk, ad_id, partner, where[ad_id]) for pk, ad_id, partner in created]
    notify.escalations_created(found)
    webhooks.deliveries_queue(found)
    return len(created)


def _nudge(ads: list[Ad], *, now: datetime) -> None:
    if not ads:
        return
    # We hold these rows' locks, so no other scan nudges them too.
    Ad.objects.filter(pk__in=[ad.pk for ad in ads], nudged_at__isnull=True).update(nudged_at=now)
    notify.requests_nudged(
        [
            notify.Nudged(ad.pk, ad.neighbourhood_id, ad.category_id, tuple(filter(None, (ad.author_id, ad.proxy_id))))
            for ad in ads
        ]
    )


def insert_escalations(
    rows: list[tuple[int, int | None, int]],
    *,
    now: datetime,
    action: str,
    actor: User | None = None,
    note: str = "",
    rules: dict[int, RuleUsed] | None = None,
) -> list[tuple[int, int, int | None]]:
    """Insert (ad, partner, step) rows, each with the rule that set its request's waiting
    time (`rules`, by ad) when known; one that exists already is skipped by the unique
    constraints. Returns (id, ad_id, partner_id) of the rows this call created, so that
    only they get a history step and a notification."""
    if not rows:
        return []
    rules = rules or {}
    table = connection.ops.quote_name(Escalation._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, '', %s, %s, %s, %s)"] * len(rows))
    moment = connection.ops.adapt_datetimefield_value(now)
    params = []
    for ad_id, partner_id, step in rows:
        rule = rules.get(ad_id)
        used = (rule.minutes, rule.level, rule.area) if rule else (None, "", "")
        params += [ad_id, partner_id, step, State.OPEN, moment, *used]
    sql = (
        f"INSERT INTO {table} (ad_id, partner_id, step, state, outcome, created_at, "  # noqa: S608
        f"threshold_minutes, rule_level, rule_area) VALUES {values} "
        "ON CONFLICT DO NOTHING RETURNING id, ad_id, partner_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        created = cursor.fetchall()
    EscalationStep.objects.bulk_create(
        [
            EscalationStep(escalation_id=pk, action=action, actor=actor, note=note, created_at=now)
            for pk, _ad, _partner in created
        ]
    )
    steps_audit([pk for pk, _ad, _partner in created], action=action, actor=actor, now=now)
    return created


def escalations_raise_unclaimed(*, now: datetime | None = None, batch_size: int | None = None) -> int:
    """Raise every open escalation nobody claimed within its partner's window (the
    workers' window for one addressed to them). Returns how many this call raised."""
    now = now_or_clock(now)
    size = batch_size or settings.ESCALATION_SCAN_BATCH_SIZE
    windows = selectors.ack_windows()
    cutoff = now - min(windows.values())
    after, raised = None, 0
    while True:
        with transaction.atomic():
            rows = list(_locked(selectors.unclaimed_escalations(cutoff=cutoff, after=after))[:size])
            due = [e for e in rows if now - e.created_at >= windows.get(e.partner_id, windows[None])]
            raised += len(raise_escalations(due, now=now))
        if len(rows) < size:
            return raised
        after = (rows[-1].created_at, rows[-1].pk)


def raise_escalations(
    escalations: list[Escalation], *, now: datetime, actor: User | None = None, note: str = ""
) -> list[int]:
    """Call holding the escalations' locks, with each of them open."""
    if not escalations:
        return []
    ids = [e.pk for e in escalations]
    Escalation.objects.filter(pk__in=ids).update(state=State.RAISED, raised_at=now)
    EscalationStep.objects.bulk_create(
        [EscalationStep(escalation_id=pk, action="raised", actor=actor, note=note, created_at=now) for pk in ids]
    )
    steps_audit(ids, action="raised", actor=actor, now=now)
    where = dict(Ad.objects.filter(pk__in={e.ad_id for e in escalations}).values_list("id", "neighbourhood_id"))
    notify.escalations_raised([notify.Created(e.pk, e.ad_id, e.partner_id, where[e.ad_id]) for e in escalations])
    return ids

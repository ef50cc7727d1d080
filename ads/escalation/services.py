"""Writes of the escalation ladder: every change of an escalation, stopping the ladder,
rules and the canary. The periodic scan lives in scan.py and is re-exported here, so
callers import the whole service API from this module.

Lock order, everywhere: the request (Ad) first, then its escalations. Every service
takes `now`, so tests and benchmarks control the clock.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Municipality, Neighbourhood, Region, User
from ads.escalation import notify, selectors, webhooks
from ads.escalation.audit import steps_audit
from ads.escalation.exceptions import EscalationAlreadyClaimed, EscalationClosed, EscalationNotClaimed
from ads.escalation.models import Escalation, EscalationRule, EscalationStep, Heartbeat
from ads.escalation.permissions import can_handle_escalation, can_record_consent
from ads.escalation.scan import ScanResult as ScanResult
from ads.escalation.scan import escalation_scan as escalation_scan
from ads.escalation.scan import escalation_scan_batches as escalation_scan_batches
from ads.escalation.scan import escalations_raise_unclaimed as escalations_raise_unclaimed
from ads.escalation.scan import insert_escalations, now_or_clock, raise_escalations
from ads.models import Ad, Category

State = Escalation.State
LIVE = selectors.LIVE_STATES
NOTE_MAX = 2000


class StopReason(TextChoices):
    REPLY = "reply", gettext_lazy("A neighbour replied")
    WITHDRAWN = "withdrawn", gettext_lazy("The request was withdrawn")
    CLOSED = "closed", gettext_lazy("The request was closed")
    EXPIRED = "expired", gettext_lazy("The request expired")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("The resident no longer wants a partner to contact them")
    CONSENT_GIVEN = "consent_given", gettext_lazy("The resident agreed that a partner may contact them")


# One escalation at a time: the inbox's actions ------------------------------------------


def _lock(escalation: Escalation) -> Escalation:
    """Lock the request, then the escalation, and return it fresh. Holding the request
    serialises everything that happens to its ladder (claims of sibling escalations,
    routing after a decline, a reply that stops it)."""
    list(Ad.objects.select_for_update().filter(pk=escalation.ad_id).values_list("pk", flat=True))
    return Escalation.objects.select_for_update(of=("self",)).select_related("ad").get(pk=escalation.pk)


def _require_handler(user: User, escalation: Escalation) -> None:
    if not can_handle_escalation(user, escalation):
        raise PermissionDenied(_("You cannot act on this escalation."))


def _require_live(escalation: Escalation, allowed: tuple[str, ...]) -> None:
    if escalation.state in allowed:
        return
    if escalation.state == State.CLAIMED:
        raise EscalationAlreadyClaimed
    if escalation.state in LIVE:
        raise EscalationNotClaimed
    raise EscalationClosed


def _clean_note(note: str, *, field: str, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({field: _("Write a short explanation.")})
    if len(note) > NOTE_MAX:
        raise ValidationError({field: _("Keep it under %(max)d characters.") % {"max": NOTE_MAX}})
    return note


def _step(escalation: Escalation, action: str, actor: User | None, now: datetime, note: str = "") -> EscalationStep:
    step = EscalationStep.objects.create(escalation=escalation, action=action, actor=actor, note=note, created_at=now)
    steps_audit([escalation.pk], action=action, actor=actor, now=now)
    return step


def _close(escalation: Escalation, state: str, actor: User, now: datetime, note: str, outcome: str = "") -> None:
    escalation.state, escalation.outcome, escalation.closed_at = state, outcome, now
    escalation.save(update_fields=["state", "outcome", "closed_at"])
    _step(escalation, state, actor, now, note)


def escalation_claim(*, escalation: Escalation, staff: User, now: datetime | None = None) -> Escalation:
    """Pick it up. Of two staff claiming at once exactly one wins; the other gets
    EscalationAlreadyClaimed. The request's other waiting escalations are cancelled, so
    one organisation contacts the resident."""
    now = now_or_clock(now)
    with transaction.atomic():
        escalation = _lock(escalation)
        _require_handler(staff, escalation)
        _require_live(escalation, (State.OPEN, State.RAISED))
        escalation.state, escalation.claimed_by, escalation.claimed_at = State.CLAIMED, staff, now
        escalation.save(update_fields=["state", "claimed_by", "claimed_at"])
        _step(escalation, "claimed", staff, now)
        siblings = list(
            Escalation.objects.select_for_update()
            .filter(ad_id=escalation.ad_id, state__in=(State.OPEN, State.RAISED))
            .exclude(pk=escalation.pk)
            .values_list("pk", flat=True)
        )
        _cancel(siblings, now=now, actor=staff, note="picked_up_elsewhere")
    return escalation


def escalation_note_add(
    *, escalation: Escalation, staff: User, note: str, now: datetime | None = None
) -> EscalationStep:
    """Record contact with the resident, or anything a colleague should know."""
    note = _clean_note(note, field="note", required=True)
    _require_handler(staff, escalation)
    return _step(escalation, "note", staff, now_or_clock(now), note)


def escalation_resolve(
    *, escalation: Escalation, staff: User, outcome: str, note: str = "", now: datetime | None = None
) -> Escalation:
    if outcome not in Escalation.Outcome.values:
        raise ValidationError({"outcome": _("Choose one of the outcomes.")})
    note = _clean_note(note, field="note", required=False)
    with transaction.atomic():
        escalation = _lock(escalation)
        _require_handler(staff, escalation)
        _require_live(escalation, (State.CLAIMED,))
        _close(escalation, State.RESOLVED, staff, now_or_clock(now), note, outcome=outcome)
    return escalation


def escalation_decline(*, escalation: Escalation, staff: User, reason: str, now: datetime | None = None) -> Escalation:
    """Not for us: the request goes to the next covering partner that was not asked yet,
    or to the neighbourhood's workers when no partner is left and nobody else holds it."""
    reason = _clean_note(reason, field="reason", required=True)
    now = now_or_clock(now)
    with transaction.atomic():
        escalation = _lock(escalation)
        _require_handler(staff, escalation)
        if escalation.partner_id is None:
            raise ValidationError(_("Escalations to the neighbourhood's workers cannot be declined."))
        _require_live(escalation, LIVE)
        _close(escalation, State.DECLINED, staff, now, reason)
        _route_on(escalation, now=now, actor=staff, to_partners=True)
    return escalation


def escalation_hand_back(
    *, escalation: Escalation, staff: User, note: str = "", now: datetime | None = None
) -> Escalation:
    """A partner that picked it up gives it back to the neighbourhood: the workers get
    it unless another partner still holds it."""
    note = _clean_note(note, field="note", required=False)
    now = now_or_clock(now)
    with transaction.atomic():
        escalation = _lock(escalation)
        _require_handler(staff, escalation)
        if escalation.partner_id is None:
            raise ValidationError(_("Escalations to the neighbourhood's workers cannot be handed back."))
        _require_live(escalation, (State.CLAIMED,))
        _close(escalation, State.HANDED_BACK, staff, now, note)
        _route_on(escalation, now=now, actor=staff, to_partners=False)
    return escalation


def escalation_raise(
    *, escalation: Escalation, now: datetime | None = None, actor: User | None = None, note: str = ""
) -> Escalation:
    """Raise one open escalation to the coordinators and workers now. Raising is an
    alarm, not an end: the partner can still claim it."""
    with transaction.atomic():
        escalation = _lock(escalation)
        _require_live(escalation, (State.OPEN,))
        raise_escalations([escalation], now=now_or_clock(now), actor=actor, note=note)
        escalation.refresh_from_db()
    return escalation


def _route_on(escalation: Escalation, *, now: datetime, actor: User, to_partners: bool) -> None:
    """After a decline or hand-back (holding the request's lock): the next step."""
    ad = escalation.ad
    if ad.status != Ad.Status.OPEN or ad.first_response_at is not None:
        return  # the ladder has stopped
    ladder = list(Escalation.objects.filter(ad=ad).values_list("partner_id", "state", "step"))
    asked = {partner for partner, state, _step in ladder if state != State.CANCELLED}
    next_partner = None
    if to_partners and ad.escalation_consent:
        covering = selectors.partners_covering(neighbourhood_id=ad.neighbourhood_id, category_id=ad.category_id)
        next_partner = next((p for p in covering if p not in asked), None)
    if next_partner is None and any(state in LIVE for _partner, state, _step in ladder):
        return  # another partner still holds it
    step = max(step for _partner, _state, step in ladder) + 1
    created = insert_escalations([(ad.pk, next_partner, step)], now=now, action="routed", actor=actor)
    _announce(created, ad)


# Stopping the ladder ----------------------------------------------------------------------


def ladder_stop(*, ad: Ad, reason: str, now: datetime | None = None, actor: User | None = None) -> int:
    """A neighbour replied, or the author withdrew or closed the request: close what the
    ladder still has open, with that reason. A reply leaves an escalation that a partner
    already picked up to that partner; the end of the request closes those too.

    Call inside the transaction that changed the ad, holding its lock: the scan skips a
    locked request, so it cannot pass this one on in the meantime."""
    states = (State.OPEN, State.RAISED) if reason == StopReason.REPLY else LIVE
    live = list(
        Escalation.objects.select_for_update()
        .filter(ad_id=ad.pk, state__in=states)
        .values_list("pk", "state", "claimed_by_id")
    )
    now = now_or_clock(now)
    _cancel([pk for pk, _state, _claimer in live], now=now, actor=actor, note=reason)
    for pk, state, claimed_by in live:
        if state == State.CLAIMED and claimed_by:
            notify.escalation_cancelled(escalation_id=pk, ad_id=ad.pk, recipient_id=claimed_by, reason=reason)
    return len(live)


def _cancel(ids: list[int], *, now: datetime, actor: User | None, note: str) -> None:
    if not ids:
        return
    Escalation.objects.filter(pk__in=ids).update(state=State.CANCELLED, closed_at=now)
    EscalationStep.objects.bulk_create(
        [EscalationStep(escalation_id=pk, action="cancelled", actor=actor, note=note, created_at=now) for pk in ids]
    )
    steps_audit(ids, action="cancelled", actor=actor, now=now)


# Consent given or withdrawn on the phone ---------------------------------------------------


def escalation_consent_record(*, ad: Ad, worker: User, consent: bool, now: datetime | None = None) -> Ad:
    """A worker records the resident's answer given on the phone. Consent given after the
    ladder stopped at the workers passes the request on to the covering partners;
    consent withdrawn takes it back from them (to the workers)."""
    if not can_record_consent(worker, ad):
        raise PermissionDenied(_("Only a worker of this neighbourhood can record consent."))
    now = now_or_clock(now)
    with transaction.atomic():
        ad = Ad.objects.select_for_update().get(pk=ad.pk)
        if ad.kind != Ad.Kind.REQUEST:
            raise ValidationError(_("Only a request for help can be passed to a partner."))
        if ad.is_closed:
            raise ValidationError(_("This request is closed."))
        ad.escalation_consent, ad.consent_recorded_by = consent, worker
        ad.save(update_fields=["escalation_consent", "consent_recorded_by", "updated_at"])
        ladder_consent_changed(ad=ad, now=now, actor=worker)
    return ad


def ladder_consent_changed(*, ad: Ad, now: datetime, actor: User) -> None:
    """The request's consent changed (a worker on the phone, or the author editing it):
    if the ladder already passed it on, it goes to the partners or back from them.
    Call holding the request's lock, after saving the new consent."""
    if ad.escalated_at is not None and ad.status == Ad.Status.OPEN and ad.first_response_at is None:
        _reroute_for_consent(ad, consent=ad.escalation_consent, now=now, actor=actor)


def _reroute_for_consent(ad: Ad, *, consent: bool, now: datetime, actor: User) -> None:
    """Holding the request's lock, after the ladder already passed it on."""
    live = Escalation.objects.select_for_update().filter(ad=ad, state__in=LIVE)
    if consent:
        if live.filter(partner__isnull=False).exists():
            return  # a partner has it already
        asked = set(
            Escalation.objects.filter(ad=ad).exclude(state=State.CANCELLED).values_list("partner_id", flat=True)
        )
        covering = selectors.partners_covering(neighbourhood_id=ad.neighbourhood_id, category_id=ad.category_id)
        partners = [p for p in covering if p not in asked]
        if not partners:
            return
        _cancel(
            list(live.filter(partner__isnull=True, state__in=(State.OPEN, State.RAISED)).values_list("pk", flat=True)),
            now=now,
            actor=actor,
            note=StopReason.CONSENT_GIVEN,
        )
        rows = [(ad.pk, partner, _next_step(ad)) for partner in partners]
    else:
        taken = list(live.filter(partner__isnull=False).values_list("pk", "claimed_by_id"))
        if not taken:
            return
        _cancel([pk for pk, _claimer in taken], now=now, actor=actor, note=StopReason.CONSENT_WITHDRAWN)
        for pk, claimed_by in taken:
            if claimed_by:
                notify.escalation_cancelled(
                    escalation_id=pk, ad_id=ad.pk, recipient_id=claimed_by, reason=StopReason.CONSENT_WITHDRAWN
                )
        if live.exists():
            return  # the workers have it already
        rows = [(ad.pk, None, _next_step(ad))]
    created = insert_escalations(rows, now=now, action="routed", actor=actor)
    _announce(created, ad)


def _next_step(ad: Ad) -> int:
    return max(Escalation.objects.filter(ad=ad).values_list("step", flat=True), default=0) + 1


def _announce(created: list[tuple[int, int, int | None]], ad: Ad) -> None:
    """Tell the staff (or workers) of escalations this call created, and queue webhooks."""
    found = [notify.Created(pk, ad.pk, partner, ad.neighbourhood_id) for pk, _ad, partner in created]
    notify.escalations_created(found)
    webhooks.deliveries_queue(found)


# Rules and the canary -----------------------------------------------------------------------


PLACE_FIELDS = frozenset({"neighbourhood", "municipality", "region"})
RULE_FIELDS = (*sorted(PLACE_FIELDS), "category", "urgency", "threshold_minutes")


def escalation_rule_create(
    *,
    threshold_minutes: int,
    neighbourhood: Neighbourhood | None = None,
    municipality: Municipality | None = None,
    region: Region | None = None,
    category: Category | None = None,
    urgency: str = "",
) -> EscalationRule:
    rule = EscalationRule(
        neighbourhood=neighbourhood,
        municipality=municipality,
        region=region,
        category=category,
        urgency=urgency,
        threshold_minutes=threshold_minutes,
    )
    return _rule_save(rule)


def escalation_rule_update(*, rule: EscalationRule, **changes) -> EscalationRule:
    """Change a rule's place, category, urgency or waiting time (only those given). A new
    place replaces the old one."""
    if PLACE_FIELDS & set(changes):
        changes = {**dict.fromkeys(PLACE_FIELDS), **changes}
    for field, value in changes.items():
        if field not in RULE_FIELDS:
            raise ValidationError({field: _("This field cannot be changed.")})
        setattr(rule, field, value)
    return _rule_save(rule)


def escalation_rule_delete(*, rule: EscalationRule) -> None:
    """The next most specific rule applies from now on; past escalations keep theirs."""
    rule.delete()


def _rule_save(rule: EscalationRule) -> EscalationRule:
    rule.full_clean()
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        # Two coordinators adding the same rule at once: the constraint refuses the second.
        raise ValidationError(_("There is already a rule for this place, category and urgency.")) from None
    return rule


def heartbeat_record(*, name: str = "celery", now: datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": now_or_clock(now)})

"""The escalation ladder's records: rules, escalations and their history.

Escalations are derived from the database by a periodic scan; the unique constraints
below make a duplicate impossible, whoever runs the scan and however often.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_THRESHOLD_MINUTES = 48 * 60
TODAY_THRESHOLD_MINUTES = 4 * 60


class RuleLevel(models.TextChoices):
    """Where a rule applies; the order of precedence is in ads.escalation.rules."""

    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    MUNICIPALITY = "municipality", _("municipality")
    REGION = "region", _("region")
    EVERYWHERE = "everywhere", _("everywhere")
    BUILT_IN = "built_in", _("built-in default")


class Coverage(models.Model):
    """One (neighbourhood, category) pair a partner covers: where the ladder passes
    requests to it. Pairs, not a product of areas and categories, so a partner can
    take groceries in Noord and paperwork in Centrum only."""

    partner = models.ForeignKey("accounts.Partner", on_delete=models.CASCADE, related_name="coverage")
    neighbourhood = models.ForeignKey("accounts.Neighbourhood", on_delete=models.CASCADE, related_name="coverage")
    category = models.ForeignKey("ads.Category", on_delete=models.CASCADE, related_name="coverage")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [
            models.UniqueConstraint(fields=["partner", "neighbourhood", "category"], name="coverage_unique_pair"),
        ]
        indexes = [models.Index(fields=["neighbourhood", "category"], name="coverage_routing_idx")]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.neighbourhood_id}/{self.category_id}"


class EscalationRule(models.Model):
    """How long a request may stay unanswered before it is passed on. A rule applies in
    one neighbourhood, municipality or region (or everywhere when all three are empty),
    to one category and urgency or to any; the most specific rule wins."""

    neighbourhood = models.ForeignKey(
        "accounts.Neighbourhood",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_rules",
        verbose_name=_("neighbourhood"),
    )
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_rules",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        "accounts.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_rules",
        verbose_name=_("region"),
    )
    category = models.ForeignKey(
        "ads.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_rules",
        verbose_name=_("category"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, blank=True, choices=[("normal", _("Normal")), ("today", _("Today"))]
    )
    threshold_minutes = models.PositiveIntegerField(_("threshold (minutes)"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            # Empty fields count as equal here (NULLs would not), so each level has one rule.
            models.UniqueConstraint(
                Coalesce("neighbourhood", Value(0)),
                Coalesce("municipality", Value(0)),
                Coalesce("region", Value(0)),
                Coalesce("category", Value(0)),
                "urgency",
                name="escalation_rule_unique",
                violation_error_message=_("There is already a rule for this place, category and urgency."),
            ),
            models.CheckConstraint(condition=Q(threshold_minutes__gte=1), name="escalation_rule_threshold_positive"),
            models.CheckConstraint(
                condition=Q(neighbourhood__isnull=True, municipality__isnull=True)
                | Q(neighbourhood__isnull=True, region__isnull=True)
                | Q(municipality__isnull=True, region__isnull=True),
                name="escalation_rule_one_area",
                violation_error_message=_("Choose one place: a neighbourhood, a municipality or a region."),
            ),
        ]

    def __str__(self) -> str:
        where = f"{self.area or '*'} / {self.category or '*'} / {self.urgency or '*'}"
        return f"{where}: {self.threshold_minutes}"

    @property
    def level(self) -> str:
        if self.neighbourhood_id:
            return RuleLevel.NEIGHBOURHOOD
        if self.municipality_id:
            return RuleLevel.MUNICIPALITY
        return RuleLevel.REGION if self.region_id else RuleLevel.EVERYWHERE

    @property
    def area(self):
        return self.neighbourhood or self.municipality or self.region


class Escalation(models.Model):
    """An unanswered request handed to one partner, or to the neighbourhood's workers
    when `partner` is empty."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a partner")
        CLAIMED = "claimed", _("Picked up")
        RESOLVED = "resolved", _("Resolved")
        DECLINED = "declined", _("Declined")
        HANDED_BACK = "handed_back", _("Handed back")
        RAISED = "raised", _("Raised to the coordinator")
        CANCELLED = "cancelled", _("No longer needed")

    class Outcome(models.TextChoices):
        HELPED = "helped", _("Helped")
        REFERRED = "referred", _("Referred elsewhere")
        NOT_OUR_REMIT = "not_our_remit", _("Not our remit")
        RESIDENT_DECLINED = "resident_declined", _("Resident declined")
        UNREACHABLE = "unreachable", _("Could not reach the resident")
        NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")

    ad = models.ForeignKey("ads.Ad", on_delete=models.CASCADE, related_name="escalations")
    partner = models.ForeignKey(
        "accounts.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    step = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    raised_at = models.DateTimeField(null=True, blank=True)
    # The rule that set the request's waiting time, as it was when the ladder passed it on
    # (a snapshot: the rule may change or go later, the history must not).
    threshold_minutes = models.PositiveIntegerField(_("waiting time (minutes)"), null=True, blank=True)
    rule_level = models.CharField(_("rule of"), max_length=15, choices=RuleLevel.choices, blank=True)
    rule_area = models.CharField(_("rule's place"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["ad", "partner", "step"],
                name="escalation_once_per_partner_step",
                condition=Q(partner__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["ad", "step"], name="escalation_once_to_workers_per_step", condition=Q(partner__isnull=True)
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "state", "created_at"], name="escalation_inbox_idx"),
            models.Index(fields=["created_at"], name="escalation_unclaimed_idx", condition=Q(state="open")),
        ]

    def __str__(self) -> str:
        return f"{self.ad_id} → {self.partner or 'workers'} ({self.state})"


class EscalationStep(models.Model):
    """The history of an escalation: every step, timestamped and attributed."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.escalation_id}: {self.action}"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")  # the escalation closed before it was sent

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="webhook_deliveries")
    event = models.CharField(max_length=30)
    idempotency_key = models.CharField(max_length=80, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # No attempt before this moment: the backoff after a failure, or the lease of an
    # attempt in flight (so a second task cannot post the same delivery at once).
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_pending_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.status})"


class Heartbeat(models.Model):
    """The canary task's last beat: /healthz reports how long ago the workers ran."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.beat_at}"

"""Reports (meldingen) on ads and replies, and the decisions workers take on them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NOTE_MAX = 500
REASON_MAX = 1000


class Report(models.Model):
    """One person flags an ad or a reply. `ad` is always set (for a reply: the ad it
    belongs to), so the queue finds a report's neighbourhood in one step."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        INAPPROPRIATE = "inappropriate", _("Rude or inappropriate")
        UNSAFE = "unsafe", _("Unsafe or suspicious")
        PERSONAL_DATA = "personal_data", _("Personal data is shared")
        OTHER = "other", _("Something else")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_filed", verbose_name=_("reporter")
    )
    ad = models.ForeignKey("ads.Ad", on_delete=models.CASCADE, related_name="reports")
    reply = models.ForeignKey("ads.Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("explanation"), max_length=NOTE_MAX, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    # Set when a worker decided on the item: the report leaves the queue.
    resolved_at = models.DateTimeField(_("handled"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # One report per person and item, whether handled or not.
            models.UniqueConstraint(
                fields=["reporter", "ad"], condition=Q(reply__isnull=True), name="report_once_per_ad"
            ),
            models.UniqueConstraint(
                fields=["reporter", "reply"], condition=Q(reply__isnull=False), name="report_once_per_reply"
            ),
        ]
        indexes = [
            models.Index(fields=["ad", "reply"], name="report_open_idx", condition=Q(resolved_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.reason} on {self.reply_id and 'reply'} {self.reply_id or self.ad_id}"


class ModerationDecision(models.Model):
    """What a worker decided, with the reason the person concerned is told."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Reports dismissed")
        WARN = "warn", _("Warning")
        SUSPEND = "suspend", _("Suspended")
        REINSTATE = "reinstate", _("Reinstated")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("decision"), max_length=12, choices=Action.choices)
    ad = models.ForeignKey("ads.Ad", on_delete=models.CASCADE, null=True, blank=True, related_name="decisions")
    reply = models.ForeignKey("ads.Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="decisions")
    # Whose item it is, or who was warned or suspended: the one who is told the reason.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_decisions"
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX, blank=True)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        indexes = [models.Index(fields=["ad", "-created_at"], name="decision_ad_idx")]

    def __str__(self) -> str:
        return f"{self.action} → {self.subject_id}"

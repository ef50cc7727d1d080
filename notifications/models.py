"""Stored notifications: written first, then delivered (live push, email, in the site).

This app knows recipients and targets by reference only; it never imports the apps
that send notifications. Producers describe a notification with a kind and a few
parameters, and register what each kind says (notifications.messages).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Preference(models.Model):
    class Email(models.TextChoices):
        INSTANT = "instant", _("Right away")
        DAILY = "daily", _("Once a day, in one email")
        OFF = "off", _("No email")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(_("email notifications"), max_length=10, choices=Email.choices, default=Email.INSTANT)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.email}"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    # What it is about, by reference: a type the sending app names, an id, and the page to open.
    target_type = models.CharField(max_length=30)
    target_id = models.BigIntegerField()
    target_url = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    # Makes creation idempotent where an event can be seen twice (e.g. "<kind>:<id>").
    # NULL, not "": the unique constraint applies only where a key is set.
    dedupe_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_dedupe", condition=Q(dedupe_key__isnull=False)
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "id"], name="notification_cursor_idx"),
            models.Index(fields=["recipient"], name="notification_unread_idx", condition=Q(read_at__isnull=True)),
            # The sweep of instant emails whose task was lost looks at the last two days.
            models.Index(fields=["created_at"], name="notification_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class DigestRun(models.Model):
    """One row per recipient and day: a digest is sent at most once a day."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"digest {self.day} → {self.recipient_id}"

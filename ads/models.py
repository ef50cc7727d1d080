from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Municipality, Neighbourhood

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
REPLY_MAX = 2000


def default_expiry():
    return timezone.now() + timedelta(days=settings.AD_LIFETIME_DAYS)


class Category(models.Model):
    name_nl = models.CharField(_("name in Dutch"), max_length=60)
    name_en = models.CharField(_("name in English"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "name_nl"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_nl


class CategoryOff(models.Model):
    """A coordinator switched a category off for their municipality: nobody posts in
    it there; ads already posted stay."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="switched_off")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="categories_off")
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("category switched off")
        verbose_name_plural = _("categories switched off")
        constraints = [
            models.UniqueConstraint(fields=["category", "municipality"], name="category_off_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} and {self.municipality}"


class Ad(models.Model):
    class Kind(models.TextChoices):
        REQUEST = "request", _("Request for help")
        OFFER = "offer", _("Offer of help")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Normal")
        TODAY = "today", _("Today")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Helper found")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    class Moderation(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        PENDING = "pending", _("Waiting for approval")
        HIDDEN = "hidden", _("Hidden")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="ads", verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[MinLengthValidator(3)])
    description = models.TextField(
        _("description"), max_length=DESCRIPTION_MAX, validators=[MaxLengthValidator(DESCRIPTION_MAX)]
    )
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="ads")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ads", verbose_name=_("author")
    )
    # Who posted it on the author's behalf (a relative or a worker); replies reach them too.
    proxy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="ads_on_behalf",
        null=True,
        blank=True,
        verbose_name=_("posted on behalf by"),
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    wanted_on = models.DateField(_("wanted on"), null=True, blank=True, help_text=_("Empty means flexible."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="ads_helped",
        null=True,
        blank=True,
        verbose_name=_("helper"),
    )
    thanks = models.TextField(
        _("thank-you note"), max_length=REPLY_MAX, blank=True, validators=[MaxLengthValidator(REPLY_MAX)]
    )
    escalation_consent = models.BooleanField(_("partner may contact me"), default=False)
    # Set when a worker records consent given on the phone.
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("consent recorded by"),
    )
    # The first reply by someone other than the author: it stops the escalation ladder.
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    # The halfway "still needed?" nudge of the escalation ladder was sent.
    nudged_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # When the ladder passed it on (to partners or workers): it leaves the scan's index then.
    escalated_at = models.DateTimeField(_("passed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Maintained by a PostgreSQL trigger (see migration 0002); stays empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("ad")
        verbose_name_plural = _("ads")
        indexes = [
            # The board: visible ads of one neighbourhood, newest first, keyset-paged.
            models.Index(
                F("neighbourhood"),
                F("created_at").desc(),
                F("id").desc(),
                name="ad_board_idx",
                condition=Q(moderation="visible"),
            ),
            models.Index(
                F("neighbourhood"),
                F("status"),
                F("created_at").desc(),
                F("id").desc(),
                name="ad_board_status_idx",
                condition=Q(moderation="visible"),
            ),
            models.Index(F("author"), F("created_at").desc(), name="ad_author_idx"),
            # The escalation scan: open requests nobody answered yet, oldest first.
            models.Index(
                F("created_at"),
                name="ad_unanswered_idx",
                condition=Q(status="open", kind="request", first_response_at__isnull=True),
            ),
            # The ladder scan: what is still on the ladder, so one scan costs what is due, not
            # every unanswered request that was already passed on.
            models.Index(
                F("created_at"),
                F("id"),
                name="ad_ladder_due_idx",
                condition=Q(status="open", kind="request", first_response_at__isnull=True, escalated_at__isnull=True),
            ),
            # The expiry job.
            models.Index(F("expires_at"), name="ad_expiry_idx", condition=Q(status__in=["open", "matched"])),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="request") | Q(escalation_consent=False), name="ad_consent_only_on_requests"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.WITHDRAWN, self.Status.EXPIRED)


class Conversation(models.Model):
    """The exchange between an ad's author and one responder."""

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="conversations")
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_reply_at = models.DateTimeField(_("last reply"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["ad", "responder"], name="conversation_one_per_responder"),
        ]
        indexes = [models.Index(F("responder"), F("last_reply_at").desc(), name="conversation_responder_idx")]

    def __str__(self) -> str:
        return f"{self.ad} / {self.responder}"


class Reply(models.Model):
    class Moderation(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("message"), max_length=REPLY_MAX, validators=[MaxLengthValidator(REPLY_MAX)])
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # Hidden by a worker (or after reports): only its writer and the workers still see it.
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.VISIBLE
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        indexes = [models.Index(fields=["conversation", "id"], name="reply_conversation_idx")]

    def __str__(self) -> str:
        return self.body[:40]


class AdEvent(models.Model):
    """Everything that happens on an ad, in order: the cursor of its live stream.

    A websocket push is only a hint carrying (type, cursor); a client that was away
    asks for all events after its cursor, so nothing is lost."""

    class Kind(models.TextChoices):
        REPLY = "reply.created", _("New reply")
        HELPER = "ad.matched", _("Helper chosen")
        CLOSED = "ad.closed", _("Closed")
        WITHDRAWN = "ad.withdrawn", _("Withdrawn")
        UPDATED = "ad.updated", _("Changed")
        EXPIRED = "ad.expired", _("Expired")

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Set for events inside one conversation: only its two people (and workers) see them.
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["ad", "id"], name="adevent_cursor_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ad_id}"


from ads.contact.models import ContactConsent  # noqa: E402
from ads.escalation.models import (  # noqa: E402
    Coverage,
    Escalation,
    EscalationRule,
    EscalationStep,
    Heartbeat,
    WebhookDelivery,
)
from ads.moderation.models import ModerationDecision, Report  # noqa: E402

__all__ = [
    "Ad",
    "AdEvent",
    "Category",
    "CategoryOff",
    "ContactConsent",
    "Conversation",
    "Coverage",
    "Escalation",
    "EscalationRule",
    "EscalationStep",
    "Heartbeat",
    "ModerationDecision",
    "Reply",
    "Report",
    "WebhookDelivery",
]

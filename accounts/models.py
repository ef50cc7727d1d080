from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

pc4_validator = RegexValidator(r"^[1-9][0-9]{3}$", _("Enter four digits, for example 1234."))
letters_validator = RegexValidator(r"^([A-Z]{2})?$", _("Enter two capital letters, or leave empty."))
cbs_code_validator = RegexValidator(r"^GM[0-9]{4}$", _("Enter the CBS code: GM and four digits, for example GM0344."))


class Region(models.Model):
    """The working area of a welfare organisation: several municipalities run as one service."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    # Staff whose work lies in this region must log in with a second factor.
    require_two_factor = models.BooleanField(_("staff must use two-step login"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    # The code of Statistics Netherlands (CBS), e.g. GM0344 for Utrecht: how others' data joins ours.
    cbs_code = models.CharField(_("CBS code"), max_length=6, blank=True, validators=[cbs_code_validator])
    require_two_factor = models.BooleanField(_("staff must use two-step login"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["cbs_code"],
                condition=~Q(cbs_code=""),
                name="municipality_cbs_code_unique",
                violation_error_message=_("Another municipality has this CBS code."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="neighbourhoods", verbose_name=_("municipality")
    )
    # A new resident's first ad waits for a worker's approval (see ads.moderation).
    first_post_approval = models.BooleanField(_("first posts need approval"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    """A PC4 area, or a PC6 range (PC4 plus letters), that belongs to a neighbourhood.

    Empty letters cover the whole PC4 area; an entry with letters is more specific
    and wins, so a street that straddles a border can be split.
    """

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="postcodes")
    digits = models.CharField(_("digits"), max_length=4, validators=[pc4_validator])
    letters = models.CharField(_("letters"), max_length=2, blank=True, validators=[letters_validator])

    class Meta:
        ordering = ["digits", "letters"]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        constraints = [
            models.UniqueConstraint(fields=["digits", "letters"], name="postcode_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.digits} {self.letters}".strip()


class Partner(models.Model):
    """A chain partner organisation (ketenpartner). It belongs to one municipality, or to
    the whole region when it works in several; which (neighbourhood, category) pairs it
    covers is kept with the ladder (ads.escalation's coverage)."""

    class Kind(models.TextChoices):
        CARE = "care", _("Care provider")
        HOUSING = "housing", _("Housing corporation")
        SOCIAL_TEAM = "social_team", _("Municipal social team")
        WELFARE = "welfare", _("Welfare organisation")
        BUSINESS = "business", _("Local business")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="partners", verbose_name=_("region"))
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="partners",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
        help_text=_("Empty when the organisation works in more than one municipality of the region."),
    )
    ack_window_minutes = models.PositiveIntegerField(_("acknowledgement window (minutes)"), default=24 * 60)
    # Optional: escalations are also POSTed here as signed JSON (HMAC-SHA256 with the secret).
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = models.CharField(_("webhook secret"), max_length=128, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str | None, password: str | None = None, **fields) -> "User":
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True, email_confirmed_at=timezone.now())
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is optional: a worker can create an account for a resident
    who is not online, and such an account simply cannot log in."""

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("email address"), unique=True, blank=True, null=True)
    display_name = models.CharField(_("display name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    street = models.CharField(_("street and house number"), max_length=150, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        related_name="residents",
        null=True,
        blank=True,
        verbose_name=_("home neighbourhood"),
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.DUTCH)
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("partner organisation (staff)"),
    )
    is_staff = models.BooleanField(_("admin access"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    email_confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The owner deleted the account: personal fields are erased at once, the row and what
    # hangs on it are purged 30 days later (accounts.gdpr.accounts_purge).
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # A suspension sets is_active=False (every live check already reads it) until this time.
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    # Set by a worker who met the resident: shown as a badge "known to <organisation>".
    known_to = models.CharField(_("known to (welfare organisation)"), max_length=150, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email or f"#{self.pk}"

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class WorkerAssignment(models.Model):
    """A neighbourhood worker (buurtwerker) assigned to one neighbourhood."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="worker_assignments")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="worker_assignments")
    organisation = models.CharField(_("welfare organisation"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        verbose_name = _("worker assignment")
        verbose_name_plural = _("worker assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "neighbourhood"], name="worker_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.neighbourhood}"


class CoordinatorRole(models.Model):
    """A coordinator runs the service for one municipality, or for a whole region."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="coordinator_roles")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinator_roles",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinator_roles",
        verbose_name=_("region"),
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("coordinator role")
        verbose_name_plural = _("coordinator roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=True, region__isnull=False)
                | Q(municipality__isnull=False, region__isnull=True),
                name="coordinator_role_one_scope",
                violation_error_message=_("Choose a municipality or a region, not both."),
            ),
            models.UniqueConstraint(fields=["user", "municipality"], name="coordinator_role_municipality_unique"),
            models.UniqueConstraint(fields=["user", "region"], name="coordinator_role_region_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.municipality or self.region}"


class PostcodeMiss(models.Model):
    """A sign-up whose postcode matched no neighbourhood: the postcode and the moment
    only, nothing about the person. Coordinators see which postcodes to add."""

    digits = models.CharField(_("digits"), max_length=4)
    letters = models.CharField(_("letters"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("postcode without a neighbourhood")
        verbose_name_plural = _("postcodes without a neighbourhood")
        indexes = [models.Index(fields=["created_at"], name="postcode_miss_created_idx")]

    def __str__(self) -> str:
        return f"{self.digits} {self.letters}".strip()


class WebsocketTicket(models.Model):
    """A short-lived, single-use ticket that lets an API client open a websocket.

    Only a hash of the ticket is stored, so a database dump cannot be replayed."""

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="websocket_tickets")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="ws_ticket_expiry_idx")]

    def __str__(self) -> str:
        return f"ticket of {self.user_id} until {self.expires_at:%H:%M}"


class AuditLogAppendOnly(Exception):
    """The audit log is written once and never changed or deleted."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        raise AuditLogAppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AuditLogAppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """Who did what, where and when: moderation decisions, role changes, escalation
    steps, data exports and account deletions. Append-only (a PostgreSQL trigger backs
    this up). It holds ids and codes only, never text that people wrote, so erasing a
    person's data never needs to touch it; the foreign keys have no database constraint
    and DO_NOTHING, so deleting a user or neighbourhood never updates a row here."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=40, db_index=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("where"),
    )
    target_type = models.CharField(_("object type"), max_length=40, blank=True)
    target_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    subject = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about whom"),
    )
    detail = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnly("audit entries cannot be changed")
        # Always an INSERT: a new object given an existing id must not overwrite that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogAppendOnly("audit entries cannot be deleted")

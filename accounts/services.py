import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts import limits
from accounts.models import User, WebsocketTicket
from accounts.selectors import neighbourhood_for_postcode, postcode_parse
from accounts.services_postcodes import postcode_miss_record

logger = logging.getLogger(__name__)

CONFIRM_SALT = "accounts.email-confirmation"


def email_normalize(email: str) -> str:
    return email.strip().lower()


def _postcode_resolve(postcode: str):
    parsed = postcode_parse(postcode)
    if parsed is None:
        raise ValidationError({"postcode": _("Enter a Dutch postcode, for example 1234 AB.")})
    neighbourhood = neighbourhood_for_postcode(postcode)
    if neighbourhood is None:
        # Only the postcode is kept: coordinators see where people want to join.
        postcode_miss_record(postcode=postcode)
        raise ValidationError({"postcode": _("SamSam is not active in your neighbourhood yet. We are sorry.")})
    return " ".join(part for part in parsed if part), neighbourhood


def user_sign_up(*, email: str, password: str, display_name: str, postcode: str, language: str = "nl") -> User:
    """Create a resident whose postcode decides the neighbourhood, and send the link
    that confirms the email address (after commit). The account can log in once the
    address is confirmed. All problems are reported together, per field."""
    email = email_normalize(email)
    errors: dict[str, list] = {}
    try:
        normalized_postcode, neighbourhood = _postcode_resolve(postcode)
    except ValidationError as error:
        errors.update(error.message_dict)
        normalized_postcode, neighbourhood = "", None
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("There is already an account with this email address.")]
    user = User(
        email=email,
        display_name=display_name.strip(),
        postcode=normalized_postcode,
        neighbourhood=neighbourhood,
        language=language,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the unique index decides.
        raise ValidationError({"email": _("There is already an account with this email address.")}) from None
    transaction.on_commit(lambda: _confirmation_send_quietly(user))
    return user


def _email_fingerprint(user: User) -> str:
    # Ties the link to the address it was sent to, without putting the address in the URL.
    # Keyed (HMAC with SECRET_KEY): a plain hash of an address can be found by trying addresses.
    return salted_hmac(CONFIRM_SALT, user.email or "", algorithm="sha256").hexdigest()[:16]


def email_confirmation_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": _email_fingerprint(user)}, salt=CONFIRM_SALT)


def email_confirmation_send(*, user: User) -> None:
    link = settings.SITE_URL + reverse("accounts:confirm", args=[email_confirmation_token(user=user)])
    context = {"user": user, "link": link}
    with translation.override(user.language):
        subject = render_to_string("accounts/email/confirm_subject.txt", context).strip()
        body = render_to_string("accounts/email/confirm.txt", context)
    send_mail(subject, body, None, [user.email])


def _confirmation_send_quietly(user: User) -> None:
    # The account is stored; a mail server that is down must not turn the sign-up
    # into an error page. The resident can ask for a new link from the login page.
    try:
        email_confirmation_send(user=user)
    except OSError as error:
        # The class only: an SMTP error's text names the address, which logs must not hold.
        logger.warning("confirmation email to user %s not sent (%s)", user.pk, type(error).__name__)


def email_confirmation_resend(*, user_id: int) -> bool:
    """Send a new link to an active account whose address is not confirmed yet.
    False when there is nothing to confirm (already done, or no such account)."""
    user = User.objects.filter(
        pk=user_id, is_active=True, email_confirmed_at__isnull=True, email__isnull=False
    ).first()
    if user is None:
        return False
    limits.confirmation_resend_check(user_id=user.pk)
    email_confirmation_send(user=user)
    return True


def user_confirm_email(*, token: str) -> tuple[User, bool]:
    """Confirm the address a link was sent to. Returns the user and whether this link
    confirmed it just now (False when it was confirmed before); raises ValidationError
    for a bad or old link."""
    invalid = ValidationError(_("This confirmation link is not valid or has expired."))
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise invalid from None
    if data.get("e") != _email_fingerprint(user):
        raise invalid
    # A conditional UPDATE: of two clicks at the same moment, exactly one confirms.
    now = timezone.now()
    newly = User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=now) == 1
    if newly:
        user.email_confirmed_at = now
    return user, newly


def email_mark_confirmed(*, user: User) -> None:
    """A password reset link proves the address as well as a confirmation link does."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])


class EmailNotConfirmed(ValidationError):
    """The password is right, but the address was never confirmed: the caller may offer
    to send a new link to `user`."""

    def __init__(self, user: User) -> None:
        super().__init__(
            _("Please confirm your email address first. Use the link in the email we sent you."),
            code="unconfirmed",
        )
        self.user = user


def user_authenticate(*, request: HttpRequest | None, email: str, password: str) -> User:
    """The user with this email and password, who may log in; ValidationError otherwise
    (EmailNotConfirmed when only the confirmation is missing)."""
    user = authenticate(request, email=email, password=password)
    if user is None:
        raise ValidationError(_("The email address or the password is not correct."), code="invalid_login")
    if not user.email_confirmed:
        raise EmailNotConfirmed(user)
    return user


def profile_update(
    *,
    user: User,
    display_name: str | None = None,
    phone: str | None = None,
    street: str | None = None,
    language: str | None = None,
    postcode: str | None = None,
) -> User:
    """Change what a person says about themselves; None leaves a field as it is. A new
    postcode moves them to the neighbourhood that covers it."""
    changes: dict = {}
    if display_name is not None:
        if not display_name.strip():
            raise ValidationError({"display_name": _("Enter the name your neighbours will see.")})
        changes["display_name"] = display_name.strip()
    if phone is not None:
        changes["phone"] = phone.strip()
    if street is not None:
        changes["street"] = street.strip()
    if language is not None:
        if language not in User.Language.values:
            raise ValidationError({"language": _("Choose one of the languages in the list.")})
        changes["language"] = language
    if postcode is not None and postcode.strip():
        changes["postcode"], changes["neighbourhood"] = _postcode_resolve(postcode)
    for field, value in changes.items():
        setattr(user, field, value)
    if changes:
        user.save(update_fields=list(changes))
    return user


def api_token_obtain(*, request: HttpRequest | None, email: str, password: str) -> str:
    """The API token of the person with this email and password (created on first use)."""
    return api_token_for(user=user_authenticate(request=request, email=email, password=password))


def api_token_for(*, user: User) -> str:
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


WS_TICKET_LIFETIME = timedelta(seconds=60)


def _ws_ticket_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def ws_ticket_issue(*, user: User) -> tuple[str, datetime]:
    """A single-use ticket that opens one websocket within a minute. Only its SHA-256
    hash is stored, so the table is useless to someone who reads it."""
    now = timezone.now()
    WebsocketTicket.objects.filter(user=user, expires_at__lt=now).delete()
    key = secrets.token_urlsafe(32)
    ticket = WebsocketTicket.objects.create(
        key_hash=_ws_ticket_hash(key), user=user, created_at=now, expires_at=now + WS_TICKET_LIFETIME
    )
    return key, ticket.expires_at


def ws_ticket_redeem(*, key: str) -> User | None:
    """The active user a ticket belongs to, using it up; None for an unknown, expired or
    used ticket. The conditional UPDATE is the atomic step: of two connections racing
    with one ticket, exactly one gets the row."""
    if not key or len(key) > 100:
        return None
    key_hash = _ws_ticket_hash(key)
    now = timezone.now()
    unused = WebsocketTicket.objects.filter(key_hash=key_hash, used_at__isnull=True, expires_at__gt=now)
    if unused.update(used_at=now) != 1:
        return None
    return User.objects.filter(websocket_tickets__key_hash=key_hash, is_active=True).first()

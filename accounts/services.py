import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import User, WebsocketTicket
from accounts.selectors import neighbourhood_for_postcode, postcode_parse

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
        raise ValidationError(
            {"postcode": _("SamSam is not active in your neighbourhood yet. We are sorry.")}
        )
    return " ".join(part for part in parsed if part), neighbourhood


def user_sign_up(*, email: str, password: str, display_name: str, postcode: str, language: str = "nl") -> User:
    """Create a resident whose postcode decides the neighbourhood. The account can
    log in once the email address is confirmed."""
    email = email_normalize(email)
    normalized_postcode, neighbourhood = _postcode_resolve(postcode)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("There is already an account with this email address.")})
    user = User(email=email, display_name=display_name.strip(), postcode=normalized_postcode,
                neighbourhood=neighbourhood, language=language)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


def _email_fingerprint(user: User) -> str:
    # Ties the link to the address it was sent to, without putting the address in the URL.
    return hashlib.sha256((user.email or "").encode()).hexdigest()[:16]


def email_confirmation_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "e": _email_fingerprint(user)}, salt=CONFIRM_SALT)


def email_confirmation_send(*, user: User) -> None:
    link = settings.SITE_URL + reverse("accounts:confirm", args=[email_confirmation_token(user=user)])
    with translation.override(user.language):
        subject = _("Confirm your email address for SamSam")
        body = render_to_string("accounts/email/confirm.txt", {"user": user, "link": link})
    send_mail(subject, body, None, [user.email])


def user_confirm_email(*, token: str) -> User:
    """Confirm the address a link was sent to; raise ValidationError for a bad or old link."""
    invalid = ValidationError(_("This confirmation link is not valid or has expired."))
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE)
        user = User.objects.get(pk=data["u"], is_active=True)
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise invalid from None
    if data.get("e") != _email_fingerprint(user):
        raise invalid
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user


def profile_update(
    *, user: User, display_name: str, phone: str, street: str, postcode: str, language: str
) -> User:
    normalized_postcode, neighbourhood = _postcode_resolve(postcode) if postcode else ("", user.neighbourhood)
    with transaction.atomic():
        user.display_name = display_name.strip()
        user.phone = phone.strip()
        user.street = street.strip()
        user.language = language
        user.postcode = normalized_postcode
        user.neighbourhood = neighbourhood
        user.save(update_fields=["display_name", "phone", "street", "language", "postcode", "neighbourhood"])
    return user


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

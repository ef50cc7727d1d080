"""Sharing phone and street between an ad's author and its chosen helper, by consent.

Both must say yes before either sees the other's details; either can withdraw at any
time, which hides both again."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from ads.contact.models import ContactConsent
from ads.contact.selectors import counterpart_of
from ads.models import Ad


def _counterpart_or_refuse(ad: Ad, user: User) -> User:
    other = counterpart_of(ad=ad, user=user)
    if other is None:
        raise ValidationError(_("Only the author and the chosen helper can share contact details."))
    return other


def contact_consent_give(*, ad: Ad, user: User) -> ContactConsent:
    other = _counterpart_or_refuse(ad, user)
    try:
        with transaction.atomic():
            consent, _created = ContactConsent.objects.get_or_create(ad=ad, user=user, counterpart=other)
    except IntegrityError:  # a double click raced us: the row is there
        consent = ContactConsent.objects.get(ad=ad, user=user, counterpart=other)
    return consent


def contact_consent_withdraw(*, ad: Ad, user: User) -> bool:
    """Stop sharing; always allowed (also after the helper changed). True if anything was shared."""
    deleted, _rows = ContactConsent.objects.filter(ad=ad, user=user).delete()
    return deleted > 0

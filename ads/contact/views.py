"""Page actions: the author or the chosen helper shares, or stops sharing, contact details."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ads.contact import selectors, services
from ads.models import Ad
from ads.permissions import access_ad


def ad_contact_context(*, user, ad: Ad) -> dict:
    """For the ad page: the contact-sharing box of the author or the chosen helper."""
    return {"contact": selectors.contact_state(ad=ad, user=user)}


def _back(ad: Ad) -> HttpResponse:
    return redirect(reverse("ads:detail", args=[ad.pk]) + "#contact")


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad(user=request.user, ad_id=pk)
    try:
        services.contact_consent_give(ad=ad, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You agreed to share your phone number and street."))
    return _back(ad)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad(user=request.user, ad_id=pk)
    if services.contact_consent_withdraw(ad=ad, user=request.user):
        messages.success(request, _("You stopped sharing your phone number and street."))
    else:
        messages.info(request, _("You were not sharing your phone number and street."))
    return _back(ad)

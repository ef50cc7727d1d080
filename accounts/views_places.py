"""Coordinators' pages about places: which postcodes belong where, and the postcodes of
sign-ups that found no neighbourhood (the ones to add)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.permissions import access_municipality, coordinator_scope, require_coordinator
from accounts.selectors import postcode_map, postcode_misses, postcode_prefixes
from accounts.services_postcodes import MISSES_KEPT


@login_required
@require_safe
def postcodes(request: HttpRequest) -> HttpResponse:
    """All municipalities of the scope, or one (?gemeente=<slug>)."""
    require_coordinator(request.user)
    scope = coordinator_scope(request.user)
    chosen = request.GET.get("gemeente")
    ids = [access_municipality(user=request.user, slug=chosen).pk] if chosen else scope.municipality_ids
    # A coordinator of a whole region sees every miss; of one municipality, those in its postcode areas.
    whole_region = bool(scope.region_ids) and not chosen
    prefixes = None if whole_region else postcode_prefixes(municipality_ids=ids)
    since = timezone.now() - MISSES_KEPT
    context = {
        "municipalities": postcode_map(municipality_ids=ids),
        "misses": postcode_misses(since=since, prefixes=prefixes),
        "days": MISSES_KEPT // timedelta(days=1),
        "chosen": chosen,
    }
    return render(request, "accounts/postcodes.html", context)

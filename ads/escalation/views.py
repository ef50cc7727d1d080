"""The partner inbox pages, and the worker's consent form on a request's page.

Each view parses input, gets the escalation through access_escalation (someone else's
answers 404), calls one service and shapes the output. A form with a problem is shown
again with what was typed; a state that moved (someone else picked it up first) is a
message and a redirect, never an error page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.forms import form_submit
from accounts.permissions import worker_neighbourhood_ids
from ads.escalation import selectors, services
from ads.escalation.display import history_line
from ads.escalation.exceptions import EscalationConflict
from ads.escalation.forms import ConsentForm, DeclineForm, HandBackForm, NoteForm, ResolveForm
from ads.escalation.models import Escalation
from ads.escalation.permissions import access_escalation, access_inbox, can_handle_escalation, can_see_contact
from ads.permissions import access_ad

PAGE_SIZE = 25
ACTION_FORMS = {"note": NoteForm, "resolve": ResolveForm, "decline": DeclineForm, "hand_back": HandBackForm}


def _detail_url(escalation: Escalation) -> str:
    return reverse("escalations:detail", args=[escalation.pk])


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    access_inbox(request.user)
    rows = selectors.escalation_inbox(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    failed = selectors.failed_webhook_deliveries(neighbourhood_ids=worker_neighbourhood_ids(request.user))
    context = {"page": page, "now": timezone.now(), "failed_deliveries": list(failed[:20])}
    return render(request, "escalations/inbox.html", context)


def _detail_response(
    request: HttpRequest, escalation: Escalation, *, bound: forms.Form | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    can_act = can_handle_escalation(user, escalation)
    action_forms = {name: form_class() for name, form_class in ACTION_FORMS.items()} if can_act else {}
    if bound is not None:
        action_forms[bound.prefix] = bound
    context = {
        "escalation": escalation,
        "ad": escalation.ad,
        "history": [history_line(step) for step in selectors.escalation_steps(escalation=escalation)],
        "contact": escalation.ad.author if can_see_contact(user, escalation) else None,
        "can_act": can_act,
        "forms": action_forms,
        "live": escalation.state in selectors.LIVE_STATES,
        "claimable": escalation.state in (Escalation.State.OPEN, Escalation.State.RAISED),
        "claimed": escalation.state == Escalation.State.CLAIMED,
    }
    return render(request, "escalations/detail.html", context, status=status)


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_response(request, access_escalation(user=request.user, escalation_id=pk))


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = access_escalation(user=request.user, escalation_id=pk)
    try:
        services.escalation_claim(escalation=escalation, staff=request.user)
    except EscalationConflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("You picked up this request. Contact the resident."))
    return redirect(_detail_url(escalation))


def _act(request: HttpRequest, pk: int, name: str, action, done: str) -> HttpResponse:
    """Run one form-backed action: re-show the form on a problem, redirect on success."""
    escalation = access_escalation(user=request.user, escalation_id=pk)
    form = ACTION_FORMS[name](request.POST)
    try:
        ran = form_submit(form, lambda data: action(escalation=escalation, staff=request.user, **data))
    except EscalationConflict as conflict:
        messages.error(request, conflict.message)
        return redirect(_detail_url(escalation))
    if ran:
        messages.success(request, done)
        return redirect(_detail_url(escalation))
    return _detail_response(request, escalation, bound=form, status=400)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "note", services.escalation_note_add, _("Your note has been saved."))


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "resolve", services.escalation_resolve, _("The request is closed with this outcome."))


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, "decline", services.escalation_decline, _("You declined. The request has been passed on.")
    )


@login_required
@require_POST
def hand_back(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("You handed the request back to the neighbourhood worker.")
    return _act(request, pk, "hand_back", services.escalation_hand_back, done)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker records, on the request's page, the answer the resident gave on the phone.
    Nothing is typed here (yes or no), so a problem is a message above the page."""
    ad = access_ad(user=request.user, ad_id=pk)
    form = ConsentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["consent"])
        services.escalation_consent_record(ad=ad, worker=request.user, consent=form.cleaned_data["consent"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The resident's answer has been saved."))
    return redirect(reverse("ads:detail", args=[ad.pk]))

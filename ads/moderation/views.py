"""Pages for reports and the workers' queue. Each view parses input, gets the object
through an access helper, calls one service or selector and shapes the output."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import form_submit
from accounts.models import User
from ads.models import Ad, Reply
from ads.moderation import selectors, services
from ads.moderation.forms import ItemDecisionForm, ReportForm, UserDecisionForm
from ads.moderation.permissions import (
    access_ad_for_moderation,
    access_reply,
    access_reply_for_moderation,
    access_user_for_moderation,
    require_worker,
)
from ads.permissions import access_ad, sees_ad_now


def _after_report(request: HttpRequest, ad: Ad) -> HttpResponse:
    messages.success(request, _("Thank you. A neighbourhood worker will look at it."))
    # The report may have hidden the ad from the reporter too: then back home.
    still_seen = sees_ad_now(user=request.user, ad_id=ad.pk)
    return redirect(reverse("ads:detail", args=[ad.pk]) if still_seen else reverse("home"))


def _report(request: HttpRequest, ad: Ad, reply: Reply | None) -> HttpResponse:
    form = ReportForm(request.POST if request.method == "POST" else None)
    if form_submit(form, lambda data: services.report_create(reporter=request.user, ad=ad, reply=reply, **data)):
        return _after_report(request, ad)
    context = {"ad": ad, "reply": reply, "form": form}
    return render(request, "moderation/report.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def report_ad(request: HttpRequest, pk: int) -> HttpResponse:
    return _report(request, access_ad(user=request.user, ad_id=pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def report_reply(request: HttpRequest, pk: int) -> HttpResponse:
    reply = access_reply(user=request.user, reply_id=pk)
    return _report(request, reply.conversation.ad, reply)


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    require_worker(request.user)
    return render(request, "moderation/queue.html", {"queue": selectors.moderation_queue(worker=request.user)})


def _decide(request: HttpRequest, ad: Ad, reply: Reply | None) -> HttpResponse:
    form = ItemDecisionForm(request.POST if request.method == "POST" else None)

    def moderate(data: dict) -> object:
        if reply is None:
            return services.ad_moderate(worker=request.user, ad=ad, **data)
        return services.reply_moderate(worker=request.user, reply=reply, **data)

    if form_submit(form, moderate):
        messages.success(request, _("Your decision has been saved. The author has been told."))
        return redirect("moderation:queue")
    context = {
        "ad": ad,
        "reply": reply,
        "form": form,
        "state": (reply or ad).moderation,
        "reports": selectors.item_open_reports(ad=ad, reply=reply),
        "history": selectors.item_history(ad=ad, reply=reply),
    }
    return render(request, "moderation/item.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def ad_item(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, access_ad_for_moderation(user=request.user, ad_id=pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def reply_item(request: HttpRequest, pk: int) -> HttpResponse:
    reply = access_reply_for_moderation(user=request.user, reply_id=pk)
    return _decide(request, reply.conversation.ad, reply)


@login_required
@require_http_methods(["GET", "POST"])
def resident(request: HttpRequest, pk: int) -> HttpResponse:
    person: User = access_user_for_moderation(user=request.user, user_id=pk)
    form = UserDecisionForm(request.POST if request.method == "POST" else None)
    if form_submit(form, lambda data: services.user_moderate(worker=request.user, user=person, **data)):
        messages.success(request, _("Your decision has been saved."))
        return redirect("moderation:resident", pk=person.pk)
    context = {"person": person, "form": form, "history": selectors.user_history(user=person)[:50]}
    return render(request, "moderation/resident.html", context, status=400 if form.errors else 200)

"""Pages for ads: the board, an ad with its conversations, posting, and the author's actions.

Each view parses input, gets the object through an access helper, calls one service or
selector and shapes the output; the rules live in ads.services and ads.permissions.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import add_service_error, form_submit
from accounts.limits import RateLimited
from accounts.models import User
from accounts.permissions import access_neighbourhood, home_neighbourhood
from ads import selectors, selectors_live, services
from ads.contact.views import ad_contact_context
from ads.escalation.display import ad_ladder_context
from ads.forms import AdCreateForm, AdForm, BoardFilterForm, CloseForm, ReplyForm
from ads.models import Ad, Conversation
from ads.permissions import (
    access_ad,
    access_ad_as_author,
    access_conversation,
    edit_refusal,
    is_author,
    reply_refusal,
)
from ads.selectors import BoardFilters

MY_PAGE_SIZE = 20


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _detail_url(ad: Ad, conversation_id: int | None = None) -> str:
    url = reverse("ads:detail", args=[ad.pk])
    return f"{url}#conversation-{conversation_id}" if conversation_id else url


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home.html")
    neighbourhood = home_neighbourhood(request.user)
    if neighbourhood is None:
        return render(request, "ads/no_board.html")
    return redirect("ads:board", slug=neighbourhood.slug)


@login_required
@require_safe
def board(request: HttpRequest, slug: str) -> HttpResponse:
    neighbourhood = access_neighbourhood(user=request.user, slug=slug)
    form = BoardFilterForm(request.GET)
    form.is_valid()
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.board_page(
            neighbourhood=neighbourhood, filters=form.filters(), cursor=cursor, size=settings.BOARD_PAGE_SIZE
        )
    except ValidationError as error:
        return _bad_request(request, " ".join(error.messages))
    context = {
        "neighbourhood": neighbourhood,
        "form": form,
        "page": page,
        "cursor": cursor,
        "filtered": form.filters() != BoardFilters(status=Ad.Status.OPEN),
        "summary_length": selectors.SUMMARY_LENGTH,
    }
    return render(request, "ads/board.html", context, status=400 if form.errors else 200)


@dataclass
class ConversationBlock:
    conversation: Conversation
    form: ReplyForm | None
    refusal: str | None


def _reply_form(data=None, conversation: Conversation | None = None) -> ReplyForm:
    # Several reply forms share one page: each needs its own element ids.
    key = conversation.pk if conversation else "new"
    initial = {"conversation": conversation.pk} if conversation else None
    return ReplyForm(data, initial=initial, auto_id=f"id_reply{key}_%s")


def _conversation_block(user: User, ad: Ad, conversation: Conversation, bound: ReplyForm | None) -> ConversationBlock:
    refusal = reply_refusal(user, ad, conversation)
    # A form sent back with an error stays on the page, so that the typed text is not lost.
    form = bound or (None if refusal else _reply_form(conversation=conversation))
    return ConversationBlock(conversation, form, refusal)


def _detail_response(
    request: HttpRequest,
    ad: Ad,
    *,
    form: ReplyForm | None = None,
    conversation: Conversation | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    live_cursor = selectors_live.ad_last_cursor(ad=ad)  # before the replies: see its docstring
    conversations = selectors.ad_conversations(user=user, ad=ad)
    target = conversation.pk if conversation else None
    blocks = [_conversation_block(user, ad, c, form if c.pk == target else None) for c in conversations]
    author = is_author(user, ad)
    starts_new = not author and all(c.responder_id != user.pk for c in conversations)
    new_refusal = reply_refusal(user, ad, None) if starts_new else None
    new_form = None
    if starts_new and form is not None and target is None:
        new_form = form
    elif starts_new and new_refusal is None:
        new_form = _reply_form()
    context = {
        "ad": ad,
        "blocks": blocks,
        "is_author": author,
        "starts_new": starts_new,
        "new_form": new_form,
        "new_refusal": new_refusal,
        "problems": (problems or []) + _form_problems(form),
        "live_cursor": live_cursor,
        **ad_ladder_context(user=user, ad=ad),  # the escalation ladder: what this user may see of it
        **ad_contact_context(user=user, ad=ad),  # phone and street between author and helper, by consent
    }
    return render(request, "ads/detail.html", context, status=status)


def _form_problems(form: forms.Form | None) -> list[str]:
    if form is None:
        return []
    return [message for errors in form.errors.values() for message in errors]


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_response(request, access_ad(user=request.user, ad_id=pk))


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad(user=request.user, ad_id=pk)
    conversation_id = request.POST.get("conversation") or None
    conversation = None
    if conversation_id is not None:
        conversation = access_conversation(user=request.user, ad=ad, conversation_id=conversation_id)
    form = _reply_form(request.POST, conversation)
    if form.is_valid():
        body = form.cleaned_data["body"]
        try:
            sent = services.reply_post(ad=ad, author=request.user, body=body, conversation=conversation)
        except ValidationError as error:
            add_service_error(form, error)
        except RateLimited as limit:
            form.add_error(None, limit.message)
            return _limited(_detail_response(request, ad, form=form, conversation=conversation), limit)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect(_detail_url(ad, sent.conversation_id))
    return _detail_response(request, ad, form=form, conversation=conversation, status=400)


def _limited(response: HttpResponse, limit: RateLimited) -> HttpResponse:
    # The form comes back with what was typed; the status and header say when to try again.
    response.status_code = 429
    response["Retry-After"] = str(limit.retry_after)
    return response


@login_required
@require_POST
def helper(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad_as_author(user=request.user, ad_id=pk)
    conversation = access_conversation(user=request.user, ad=ad, conversation_id=request.POST.get("conversation"))
    try:
        services.helper_choose(ad=ad, chooser=request.user, conversation=conversation)
    except ValidationError as error:
        return _detail_response(request, ad, problems=error.messages, status=400)
    name = conversation.responder.display_name
    messages.success(request, _("You chose %(name)s as your helper.") % {"name": name})
    return redirect(_detail_url(ad, conversation.pk))


@login_required
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad_as_author(user=request.user, ad_id=pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if form_submit(form, lambda data: services.ad_close(ad=ad, closer=request.user, thanks=data["thanks"])):
        messages.success(request, _("Your ad is closed. Thank you for using SamSam!"))
        return redirect(_detail_url(ad))
    return render(request, "ads/close.html", {"ad": ad, "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad_as_author(user=request.user, ad_id=pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form_submit(form, lambda _data: services.ad_withdraw(ad=ad, withdrawer=request.user)):
        messages.success(request, _("Your ad has been withdrawn."))
        return redirect(_detail_url(ad))
    return render(request, "ads/withdraw.html", {"ad": ad, "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def renew(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad_as_author(user=request.user, ad_id=pk)
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form_submit(form, lambda _data: services.ad_renew(ad=ad, renewer=request.user)):
        days = settings.AD_LIFETIME_DAYS
        messages.success(request, _("Your ad stays up for another %(days)d days.") % {"days": days})
        return redirect(_detail_url(ad))
    return render(request, "ads/renew.html", {"ad": ad, "form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    home = home_neighbourhood(request.user)
    form = AdCreateForm(
        request.POST if request.method == "POST" else None, municipality_id=home and home.municipality_id
    )
    if form.is_bound and form.is_valid():
        try:
            ad = services.ad_create(author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        except RateLimited as limit:
            form.add_error(None, limit.message)
            return _limited(render(request, "ads/create.html", {"form": form}), limit)
        else:
            if ad.moderation == Ad.Moderation.PENDING:
                messages.success(request, _("Your ad has been placed. A neighbourhood worker checks it first."))
            else:
                messages.success(request, _("Your ad has been placed. Neighbours can see it now."))
            return redirect(_detail_url(ad))
    return render(request, "ads/create.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    ad = access_ad_as_author(user=request.user, ad_id=pk)
    refusal = edit_refusal(ad)
    if refusal:
        return _bad_request(request, refusal)
    initial = {"category": ad.category.slug, "title": ad.title, "description": ad.description}
    form = AdForm(request.POST if request.method == "POST" else None, initial=initial)
    if form_submit(form, lambda data: services.ad_update(ad=ad, editor=request.user, changes=data)):
        messages.success(request, _("Your changes have been saved."))
        return redirect(_detail_url(ad))
    return render(request, "ads/edit.html", {"ad": ad, "form": form}, status=400 if form.errors else 200)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.ads_of_author(user=request.user), MY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ads/mine.html", {"page": page})


@login_required
@require_safe
def conversations(request: HttpRequest) -> HttpResponse:
    rows = selectors.conversations_of_responder(user=request.user)
    page = Paginator(rows, MY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ads/conversations.html", {"page": page})

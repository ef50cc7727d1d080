"""Pages for notifications: the list, mark read, mark all read, and the email preference.

Each view parses input, gets the object through the access helper and calls one service
or selector. Everything works without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from notifications import selectors, services
from notifications.forms import PreferenceForm
from notifications.permissions import access_notification


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_list(request: HttpRequest) -> HttpResponse:
    """The list, newest first; the email preference form posts here too."""
    user = request.user
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_set(user_id=user.pk, email=form.cleaned_data["email"])
            messages.success(request, _("Your choice is saved."))
            return redirect("notifications:list")
        status = 400
    else:
        form = PreferenceForm(initial={"email": selectors.email_preference(user_id=user.pk)})
        status = 200
    page = selectors.notification_page(recipient_id=user.pk, page=request.GET.get("page"))
    items = [(note, selectors.notification_text(note)) for note in page]
    context = {"page": page, "items": items, "form": form}
    return render(request, "notifications/list.html", context, status=status)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and open what it is about."""
    notification = access_notification(user=request.user, notification_id=pk)
    services.notification_mark_read(notification=notification)
    target = notification.target_url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(target)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(recipient_id=request.user.pk)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")

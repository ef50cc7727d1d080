"""Pages for a person's own data: download it all, or delete the account (GDPR)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import gdpr, limits


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        label_suffix="",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Enter your password.")},
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        # Counted like a login, so a left-open session cannot be used to guess the password.
        password = self.cleaned_data["password"]
        attempt = limits.login_attempt_begin(email=self.user.email or f"user:{self.user.pk}", address=None)
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        limits.login_attempt_succeeded(attempt)
        return password


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """GET explains; POST hands over the JSON file (a POST, so no link or prefetch triggers it)."""
    if request.method == "GET":
        return render(request, "accounts/privacy/export.html")
    data = gdpr.data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"samsam-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        gdpr.account_delete(user=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted. Thank you for helping your neighbours."))
        return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/privacy/delete.html", {"form": form}, status=status)

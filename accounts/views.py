"""Pages for accounts: sign-up, email confirmation, login, logout, password reset, profile.

Each view parses input, calls one service and shapes the output; the rules live in
accounts.services.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services
from accounts.forms import LoginForm, PasswordResetForm, ProfileForm, SignUpForm, add_service_error
from accounts.models import User

# The account that may ask for a new confirmation link from this browser: set after a
# sign-up, or after a login with the right password but an unconfirmed address. Keeping
# it in the session means nobody can send links to someone else's address.
UNCONFIRMED_SESSION_KEY = "accounts_unconfirmed_user"
BACKEND = "accounts.backends.EmailBackend"


def _use_language(response: HttpResponse, language: str) -> HttpResponse:
    """Switch the site to a user's language, the way Django's set_language view does."""
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _log_in(request: HttpRequest, user: User, next_url: str = "") -> HttpResponse:
    login(request, user, backend=BACKEND)
    translation.activate(user.language)  # so that messages added after this are in it
    safe = next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return _use_language(redirect(next_url if safe else settings.LOGIN_REDIRECT_URL), user.language)


@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = services.user_sign_up(**form.service_arguments())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            request.session[UNCONFIRMED_SESSION_KEY] = user.pk
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200)


@require_safe
def signup_done(request: HttpRequest) -> HttpResponse:
    can_resend = UNCONFIRMED_SESSION_KEY in request.session
    return render(request, "accounts/signup_done.html", {"can_resend": can_resend})


@require_safe
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, newly = services.user_confirm_email(token=token)
    except ValidationError as error:
        return render(request, "accounts/confirm_failed.html", {"message": error.messages[0]}, status=400)
    request.session.pop(UNCONFIRMED_SESSION_KEY, None)
    if newly:
        # The first click logs in; a link used again only confirms, so an old email
        # is not a key to the account.
        response = _log_in(request, user)
        messages.success(request, _("Your email address is confirmed. Welcome to SamSam!"))
        return response
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.info(request, _("Your email address was already confirmed."))
        return redirect("home")
    messages.info(request, _("Your email address is confirmed. You can log in now."))
    return redirect("accounts:login")


@require_POST
def confirm_resend(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(UNCONFIRMED_SESSION_KEY)
    try:
        sent = user_id is not None and services.email_confirmation_resend(user_id=user_id)
    except OSError:  # the mail server is down: say so instead of an error page
        messages.error(request, _("We could not send the email right now. Please try again later."))
        return redirect("accounts:login")
    if sent:
        messages.success(request, _("We sent you a new email. Open the link in it to confirm your address."))
    else:
        messages.info(request, _("Log in with your email and password. Then you can ask for a new link."))
    return redirect("accounts:login")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    initial = {"next": request.GET.get("next", "")}
    form = LoginForm(request.POST if request.method == "POST" else None, initial=initial)
    unconfirmed = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_authenticate(request=request, email=data["email"], password=data["password"])
        except services.EmailNotConfirmed as error:
            request.session[UNCONFIRMED_SESSION_KEY] = error.user.pk
            unconfirmed = True
            form.add_error(None, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _log_in(request, user, data["next"])
    context = {"form": form, "unconfirmed": unconfirmed}
    return render(request, "accounts/login.html", context, status=400 if form.errors else 200)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self) -> dict:
        # Links point at the configured site, not at whatever Host header came in.
        return {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        services.email_mark_confirmed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {field: getattr(user, field) for field in ProfileForm.base_fields}
    form = ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            translation.activate(user.language)
            messages.success(request, _("Your profile has been saved."))
            return _use_language(redirect(reverse("accounts:profile")), user.language)
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)

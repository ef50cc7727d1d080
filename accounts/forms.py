"""Page forms for accounts: they check the shape of the input; the rules (which
postcodes we serve, duplicate addresses, password strength) live in accounts.services."""

import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import RegexValidator
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import limits
from accounts.models import User

logger = logging.getLogger(__name__)

DISPLAY_NAME_MAX = User._meta.get_field("display_name").max_length
PHONE_MAX = User._meta.get_field("phone").max_length
STREET_MAX = User._meta.get_field("street").max_length
phone_validator = RegexValidator(
    r"^[0-9+()\- ]*$", _("Use only digits, spaces and + - ( ), for example 06 1234 5678.")
)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError next to the field it names, or above the form
    (also for a hidden field, whose error would not show)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        shown = field in form.fields and not form.fields[field].widget.is_hidden
        form.add_error(field if shown else None, errors)


def form_submit(form: forms.Form, act: Callable[[dict[str, Any]], object]) -> bool:
    """A page's POST: a bound, valid form runs `act` (one service call) with its cleaned
    data. True when it ran; a service's ValidationError lands on the form instead, so
    the page is shown again with what was typed."""
    if not (form.is_bound and form.is_valid()):
        return False
    try:
        act(form.cleaned_data)
    except ValidationError as error:
        add_service_error(form, error)
        return False
    return True


class PageForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # Plain labels read better aloud than "Email address:".
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your email address."), "invalid": _("Enter a valid email address.")},
    )


class SignUpForm(PageForm):
    email = _email_field()
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("Your neighbours see this name, for example: Anna or Anna from number 12."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={"required": _("Enter the name your neighbours will see.")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=7,
        help_text=_("For example 3511 AB. Your postcode decides your neighbourhood. We never show it."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={"required": _("Enter your postcode.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
        error_messages={"required": _("Choose a password.")},
    )
    password_again = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type your password once more.")},
    )

    def clean(self) -> dict:
        data = super().clean()
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "email": data["email"],
            "display_name": data["display_name"],
            "postcode": data["postcode"],
            "password": data["password"],
            "language": translation.get_language() or "nl",
        }


class LoginForm(PageForm):
    email = _email_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ProfileForm(PageForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("Your neighbours see this name."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={"required": _("Enter the name your neighbours will see.")},
    )
    phone = forms.CharField(
        label=_("Phone number (private)"),
        max_length=PHONE_MAX,
        required=False,
        validators=[phone_validator],
        help_text=_("Only shared with a neighbour when you both agree."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    street = forms.CharField(
        label=_("Street and house number (private)"),
        max_length=STREET_MAX,
        required=False,
        help_text=_("Never shown on the site. Only shared with a neighbour when you both agree."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=User.Language.choices,
        help_text=_("The language of the site and of our emails to you."),
        error_messages={"invalid_choice": _("Choose one of the languages in the list.")},
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with our label and the email in the user's own language."""

    email = _email_field()

    def save(self, *args, **kwargs) -> None:
        # At most 2 per hour per address (accounts.limits): RateLimited becomes a 429 page.
        limits.password_reset_check(email=self.cleaned_data["email"])
        return super().save(*args, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        # Not Django's: when sending fails it logs the whole SMTP error, whose text can name
        # the address. Here the log holds the account and the kind of error only.
        with translation.override(context["user"].language):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        try:
            send_mail(subject, body, from_email, [to_email])
        except OSError as error:
            logger.warning("password reset email to user %s not sent (%s)", context["user"].pk, type(error).__name__)

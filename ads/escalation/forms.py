"""Page forms of the partner inbox and the worker's consent form: they parse input;
the rules live in ads.escalation.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ads.escalation.models import Escalation
from ads.escalation.services import NOTE_MAX
from ads.forms import PageForm


class NoteForm(PageForm):
    prefix = "note"
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: called, no answer. Your colleagues and the workers can read it."),
        error_messages={"required": _("Write a short note.")},
    )


class ResolveForm(PageForm):
    prefix = "resolve"
    outcome = forms.ChoiceField(
        label=_("What was the outcome?"),
        choices=Escalation.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an outcome."), "invalid_choice": _("Choose one of the outcomes.")},
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeclineForm(PageForm):
    prefix = "decline"
    reason = forms.CharField(
        label=_("Why can your organisation not help?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The request goes to the next partner, or to the neighbourhood worker."),
        error_messages={"required": _("Write a short explanation.")},
    )


class HandBackForm(PageForm):
    prefix = "hand_back"
    note = forms.CharField(
        label=_("Note for the neighbourhood worker (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentForm(PageForm):
    prefix = "consent"
    consent = forms.TypedChoiceField(
        label=_("Did the resident say a partner organisation may contact them?"),
        choices=[("yes", _("Yes, a partner may contact them")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )

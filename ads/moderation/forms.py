"""Page forms for reports and workers' decisions: they parse input; ads.moderation.services decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ads.forms import PageForm
from ads.moderation.models import NOTE_MAX, REASON_MAX, ModerationDecision, Report
from ads.moderation.services import SUSPEND_MAX_DAYS

Action = ModerationDecision.Action
ITEM_ACTIONS = [Action.APPROVE, Action.HIDE, Action.RESTORE, Action.DISMISS]
USER_ACTIONS = ["warn", "suspend", "reinstate", "known", "unknown"]


class ReportForm(PageForm):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Explain (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the neighbourhood workers read this."),
    )


class ItemDecisionForm(PageForm):
    """One reason field and a button per decision (the button sends `action`)."""

    action = forms.ChoiceField(choices=[(a.value, a.label) for a in ITEM_ACTIONS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The author reads this. Keep it short and friendly."),
    )


class UserDecisionForm(PageForm):
    action = forms.ChoiceField(choices=[(a, a) for a in USER_ACTIONS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The resident reads this."),
    )
    days = forms.IntegerField(
        label=_("Suspend for how many days?"), required=False, min_value=1, max_value=SUSPEND_MAX_DAYS, initial=7
    )

"""Page forms for ads: they parse and check input; the rules live in ads.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PageForm
from ads.models import DESCRIPTION_MAX, REPLY_MAX, TITLE_MAX, Ad
from ads.selectors import SEARCH_MAX, BoardFilters, categories

STATUS_ALL = "all"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class AdForm(PageForm):
    """What the author may change: the post form adds the kind."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=categories(),
        to_field_name="slug",
        empty_label=_("Choose a category"),
        error_messages={"invalid_choice": _("Choose one of the categories in the list.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        min_length=3,
        help_text=_("In a few words, for example: groceries on Tuesday."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is it about, and when? Do not write your address here."),
    )


class AdCreateForm(AdForm):
    kind = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[(Ad.Kind.REQUEST, _("I need help")), (Ad.Kind.OFFER, _("I offer help"))],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose 'I need help' or 'I offer help'.")},
    )
    # Consent to the escalation ladder, asked in plain words (requests only; ignored for offers).
    escalation_consent = forms.BooleanField(
        label=_("If no neighbour responds, an organisation such as home care may contact me."),
        required=False,
        help_text=_(
            "Only for a request for help. The organisation then sees your name, phone number, email address "
            "and street. Without this, only the neighbourhood worker sees your request."
        ),
    )
    field_order = ["kind", "category", "title", "description", "escalation_consent"]

    def __init__(self, *args, municipality_id: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Categories the municipality switched off are not offered (the service refuses them too).
        self.fields["category"].queryset = categories(municipality_id=municipality_id)


class ReplyForm(PageForm):
    body = forms.CharField(
        label=_("Your message"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message.")},
    )
    # The author answers in one of several conversations; responders have just their own.
    conversation = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CloseForm(PageForm):
    thanks = forms.CharField(
        label=_("A thank-you note (optional)"),
        required=False,
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone who can see this ad can read it."),
    )


class BoardFilterForm(PageForm):
    """The board's filters, read from the query string (GET)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Ad.Kind.choices])
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(STATUS_ALL, _("All statuses")), *Ad.Status.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX)

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("status"):
            # An unfiltered visit shows open ads; "all" lifts the status filter.
            data = data.copy()
            data["status"] = Ad.Status.OPEN
        super().__init__(data, *args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [(c.slug, c.name) for c in categories()]

    def filters(self) -> BoardFilters:
        """The valid filters; an invalid one falls back to its default (and is shown as an error)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        status = data.get("status") or Ad.Status.OPEN
        return BoardFilters(
            kind=data.get("kind", ""),
            category=data.get("category", ""),
            status="" if status == STATUS_ALL else status,
            q=data.get("q", "").strip(),
        )

"""The coordinator's admin for ads' side of the region: categories (and switching one off
for a municipality), partners with their coverage, escalation rules, and read-only
oversight of ads and escalations. Everything is limited to the coordinator's scope
(accounts.admin.ScopedAdmin)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.admin import PartnerAdmin, PartnerForm, ReadOnlyScopedAdmin, ScopedAdmin
from accounts.models import Municipality, Neighbourhood, Partner
from accounts.permissions import coordinator_scope, municipalities_in_scope, neighbourhoods_in_scope
from ads.escalation import selectors as escalation_selectors
from ads.escalation import services_coverage
from ads.escalation.permissions import rules_in_scope_q
from ads.models import Ad, Category, CategoryOff, Coverage, Escalation, EscalationRule, EscalationStep


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Categories are the same everywhere; a coordinator switches one off for a municipality."""

    list_display = ["name_nl", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_nl"]}
    search_fields = ["name_nl", "name_en"]


@admin.register(CategoryOff)
class CategoryOffAdmin(ScopedAdmin):
    list_display = ["category", "municipality", "created_at"]
    list_filter = ["municipality", "category"]
    fields = ["category", "municipality"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(municipality_id__in=coordinator_scope(request.user).municipality_ids)


# Partners and their coverage --------------------------------------------------------------


def _pair_label(pair: tuple[int, int], names: dict, categories: dict) -> str:
    neighbourhood_id, category_id = pair
    return f"{names.get(neighbourhood_id, '?')}: {categories.get(category_id, '?')}"


class PartnerCoverageForm(PartnerForm):
    """The partner, plus its coverage: add neighbourhoods (or whole municipalities) by
    categories at once, or tick pairs to remove."""

    add_municipalities = forms.ModelMultipleChoiceField(
        queryset=Municipality.objects.none(),
        required=False,
        label=_("whole municipalities"),
        widget=FilteredSelectMultiple(_("municipalities"), is_stacked=False),
    )
    add_neighbourhoods = forms.ModelMultipleChoiceField(
        queryset=Neighbourhood.objects.none(),
        required=False,
        label=_("neighbourhoods"),
        widget=FilteredSelectMultiple(_("neighbourhoods"), is_stacked=False),
    )
    add_categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        required=False,
        label=_("categories"),
        widget=FilteredSelectMultiple(_("categories"), is_stacked=False),
    )
    remove_pairs = forms.MultipleChoiceField(
        required=False, label=_("stop covering"), widget=forms.CheckboxSelectMultiple
    )

    def scope(self, user) -> None:
        self.fields["add_municipalities"].queryset = municipalities_in_scope(user)
        self.fields["add_neighbourhoods"].queryset = neighbourhoods_in_scope(user).select_related("municipality")
        pairs = escalation_selectors.partner_pairs(partner=self.instance) if self.instance.pk else []
        names = dict(Neighbourhood.objects.filter(pk__in={n for n, _c in pairs}).values_list("pk", "name"))
        categories = {c.pk: c.name for c in Category.objects.all()}
        self.fields["remove_pairs"].choices = [(f"{n}:{c}", _pair_label((n, c), names, categories)) for n, c in pairs]

    def clean(self) -> dict:
        data = super().clean()
        places = list(data.get("add_neighbourhoods") or []) + list(data.get("add_municipalities") or [])
        categories = list(data.get("add_categories") or [])
        if bool(places) != bool(categories):
            raise ValidationError(_("To add coverage, choose places and categories both."))
        if places and data.get("region"):
            partner = Partner(name=data.get("name", ""), region=data["region"], municipality=data.get("municipality"))
            try:
                services_coverage.coverage_check(
                    partner=partner,
                    neighbourhoods=data.get("add_neighbourhoods") or [],
                    municipalities=data.get("add_municipalities") or [],
                )
            except ValidationError as error:
                self.add_error("add_neighbourhoods", error)
        return data

    def removed_pairs(self) -> list[tuple[int, int]]:
        return [tuple(int(part) for part in value.split(":")) for value in self.cleaned_data.get("remove_pairs", [])]


class CoverageInline(admin.TabularInline):
    model = Coverage
    fields = ["neighbourhood", "category", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("covers now")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request) -> QuerySet:
        return super().get_queryset(request).select_related("neighbourhood", "category")


@admin.register(Partner)
class PartnerWithCoverageAdmin(PartnerAdmin):
    form = PartnerCoverageForm
    inlines = [CoverageInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "region", "municipality", "ack_window_minutes"]}),
        (_("Webhook"), {"fields": ["webhook_url", "webhook_secret"], "classes": ["collapse"]}),
        (
            _("Add coverage"),
            {
                "fields": ["add_municipalities", "add_neighbourhoods", "add_categories"],
                "description": _(
                    "Requests in these neighbourhoods and categories are passed to this partner. "
                    "A municipality stands for all its neighbourhoods."
                ),
            },
        ),
        (_("Remove coverage"), {"fields": ["remove_pairs"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class ScopedForm(form_class):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, **kwargs)
                self.scope(user)

        return ScopedForm

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        data, partner = form.cleaned_data, form.instance
        if data.get("add_categories"):
            services_coverage.coverage_add(
                partner=partner,
                neighbourhoods=data.get("add_neighbourhoods") or [],
                municipalities=data.get("add_municipalities") or [],
                categories=data["add_categories"],
                actor=request.user,
            )
        if form.removed_pairs():
            services_coverage.coverage_remove(partner=partner, pairs=form.removed_pairs(), actor=request.user)


@admin.register(Coverage)
class CoverageAdmin(ReadOnlyScopedAdmin):
    """Who covers what, across partners: to read and filter. Changes on the partner's page."""

    list_display = ["partner", "neighbourhood", "category", "created_at"]
    list_filter = ["category", "neighbourhood__municipality", "neighbourhood", "partner"]
    list_select_related = ["partner", "neighbourhood", "category"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(neighbourhood_id__in=coordinator_scope(request.user).neighbourhood_ids)


# Oversight and rules ----------------------------------------------------------------------


@admin.register(Ad)
class AdAdmin(ScopedAdmin):
    """For coordinators' oversight; residents' texts are edited by them, not here."""

    list_display = ["title", "kind", "category", "neighbourhood", "status", "moderation", "created_at"]
    list_filter = ["kind", "status", "moderation", "neighbourhood", "category"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "kind",
        "category",
        "title",
        "description",
        "neighbourhood",
        "author",
        "proxy",
        "helper",
        "thanks",
        "created_at",
        "expires_at",
        "closed_at",
        "first_response_at",
        "nudged_at",
        "consent_recorded_by",
    ]
    list_select_related = ["category", "neighbourhood"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(neighbourhood_id__in=coordinator_scope(request.user).neighbourhood_ids)

    def has_add_permission(self, request) -> bool:
        return False


class EscalationRuleForm(forms.ModelForm):
    class Meta:
        model = EscalationRule
        fields = ["neighbourhood", "municipality", "region", "category", "urgency", "threshold_minutes"]

    def __init__(self, *args, everywhere_allowed: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.everywhere_allowed = everywhere_allowed

    def clean(self) -> dict:
        data = super().clean()
        places = [data.get(name) for name in ("neighbourhood", "municipality", "region")]
        if not any(places) and not self.everywhere_allowed:
            raise ValidationError(_("Choose where the rule applies: a neighbourhood, a municipality or a region."))
        return data


@admin.register(EscalationRule)
class EscalationRuleAdmin(ScopedAdmin):
    """How long a request waits for a neighbour before the ladder passes it on, per
    neighbourhood, municipality or region (and category, urgency); the most specific
    rule wins. Rules for everywhere are the operator's (superusers)."""

    form = EscalationRuleForm
    list_display = ["neighbourhood", "municipality", "region", "category", "urgency", "threshold_minutes"]
    list_filter = ["municipality", "neighbourhood", "category", "urgency"]
    list_select_related = ["neighbourhood", "municipality", "region", "category"]
    fields = ["neighbourhood", "municipality", "region", "category", "urgency", "threshold_minutes"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(rules_in_scope_q(user=request.user))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        everywhere = request.user.is_superuser

        class ScopedForm(form_class):
            def __init__(self, *args, **kwargs) -> None:
                super().__init__(*args, everywhere_allowed=everywhere, **kwargs)

        return ScopedForm


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    fields = ["created_at", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyScopedAdmin):
    """Read-only oversight of the ladder for coordinators: every step, who and when.
    Changes happen through the inbox, where the rules are enforced."""

    list_display = ["ad", "partner", "step", "state", "outcome", "created_at", "claimed_by"]
    list_filter = ["state", "outcome", "partner"]
    list_select_related = ["ad", "partner", "claimed_by"]
    date_hierarchy = "created_at"
    fields = [
        "ad",
        "partner",
        "step",
        "state",
        "outcome",
        "claimed_by",
        "created_at",
        "claimed_at",
        "raised_at",
        "closed_at",
        "threshold_minutes",
        "rule_level",
        "rule_area",
    ]
    readonly_fields = fields
    inlines = [EscalationStepInline]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(ad__neighbourhood_id__in=coordinator_scope(request.user).neighbourhood_ids)

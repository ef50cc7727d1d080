from django.contrib import admin

from accounts.admin import CoordinatorAdmin, CoordinatorReadOnlyAdmin
from ads.models import Ad, Category, Escalation, EscalationRule, EscalationStep


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_nl"]}
    filter_horizontal = ["partners"]
    search_fields = ["name_nl", "name_en"]


@admin.register(Ad)
class AdAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EscalationRule)
class EscalationRuleAdmin(CoordinatorAdmin):
    """Coordinators set how long a request waits for a neighbour before the ladder
    passes it on. Empty fields match anything; the most specific rule wins."""

    list_display = ["neighbourhood", "category", "urgency", "threshold_minutes", "created_at"]
    list_filter = ["neighbourhood", "category", "urgency"]
    list_select_related = ["neighbourhood", "category"]
    fields = ["neighbourhood", "category", "urgency", "threshold_minutes"]


class EscalationStepInline(admin.TabularInline):
    model = EscalationStep
    fields = ["created_at", "action", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(CoordinatorReadOnlyAdmin):
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
    ]
    readonly_fields = fields
    inlines = [EscalationStepInline]

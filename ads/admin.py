from django.contrib import admin

from ads.models import Ad, Category


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

"""The coordinator's admin: neighbourhoods and their postcodes, partners, people and roles."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry, Neighbourhood, Partner, Postcode, User, WorkerAssignment


class CoordinatorAdmin(admin.ModelAdmin):
    """Only coordinators (and superusers) see this model in the admin, and may change it."""

    def _allowed(self, request) -> bool:
        return request.user.is_active and (request.user.is_superuser or request.user.is_coordinator)

    def has_module_permission(self, request) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._allowed(request)


class CoordinatorReadOnlyAdmin(CoordinatorAdmin):
    """Coordinators read here; changes go through the pages and services that hold the rules."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PostcodeInline(admin.TabularInline):
    model = Postcode
    extra = 3


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "municipality", "first_post_approval", "created_at"]
    list_filter = ["municipality"]
    search_fields = ["name", "slug", "postcodes__digits"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [PostcodeInline]


def _category_model():
    # Categories belong to the ads app, which accounts must not import; the reverse
    # relation on Partner names the model without an import.
    return Partner._meta.get_field("categories").related_model


class PartnerForm(forms.ModelForm):
    """Partner with the categories it covers. The relation is stored on the category
    (ads.Category.partners), so this form edits it from the partner's side too."""

    categories = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("categories covered"),
        widget=FilteredSelectMultiple(_("categories"), is_stacked=False),
    )

    webhook_url = forms.URLField(label=_("webhook URL"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ["name", "slug", "kind", "neighbourhoods", "ack_window_minutes", "webhook_url", "webhook_secret"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = _category_model().objects.all()
        if self.instance.pk:
            self.fields["categories"].initial = self.instance.categories.all()


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ["name", "kind", "ack_window_minutes"]
    list_filter = ["kind", "neighbourhoods"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["neighbourhoods"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        form.instance.categories.set(form.cleaned_data["categories"])


class WorkerAssignmentInline(admin.TabularInline):
    model = WorkerAssignment
    fk_name = "user"
    fields = ["neighbourhood", "organisation"]
    extra = 0
    verbose_name = _("works in neighbourhood")
    verbose_name_plural = _("neighbourhood worker in")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]


class UserChangeFormWithEmail(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Email login; the email may stay empty for a resident who is not online (such an
    account cannot log in). Roles: partner staff, coordinator, admin access, and the
    neighbourhoods someone works in (below)."""

    form = UserChangeFormWithEmail
    add_form = UserCreationForm
    fieldsets = [
        (None, {"fields": ["email", "password", "email_confirmed_at"]}),
        (_("Profile"), {"fields": ["display_name", "phone", "street", "postcode", "neighbourhood", "language"]}),
        (_("Roles"), {"fields": ["partner", "is_coordinator", "is_staff", "is_active", "is_superuser"]}),
        (_("Admin permissions"), {"fields": ["groups", "user_permissions"], "classes": ["collapse"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "display_name", "usable_password", "password1", "password2"]}),
    ]
    list_display = ["display_name", "email", "neighbourhood", "partner", "is_coordinator", "is_staff", "is_active"]
    list_filter = ["is_coordinator", "is_staff", "is_active", "partner", "neighbourhood"]
    list_select_related = ["neighbourhood", "partner"]
    search_fields = ["email", "display_name"]
    ordering = ["display_name", "pk"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [WorkerAssignmentInline]

    def get_queryset(self, request):
        # Nor can they edit (or set the password of) a superuser.
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.exclude(is_superuser=True)

    def get_readonly_fields(self, request, obj=None) -> list:
        # A coordinator manages roles, but cannot hand out superuser rights or raw permissions.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields


@admin.register(WorkerAssignment)
class WorkerAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "neighbourhood", "organisation", "created_at"]
    fields = ["user", "neighbourhood", "organisation", "created_at"]
    readonly_fields = ["created_at"]
    list_filter = ["neighbourhood"]
    search_fields = ["user__email", "user__display_name", "organisation"]
    list_select_related = ["user", "neighbourhood"]
    autocomplete_fields = ["user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(CoordinatorReadOnlyAdmin):
    """The audit log, for coordinators to read. Nobody adds, changes or deletes here."""

    list_display = ["created_at", "action", "actor", "neighbourhood", "target_type", "target_id", "subject"]
    list_filter = ["action", "neighbourhood"]
    search_fields = ["action", "target_type"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "neighbourhood", "subject"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

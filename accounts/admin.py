"""The coordinator's admin: the region, municipalities, neighbourhoods and postcodes,
partners, people and roles.

What a coordinator may do comes from the "Coordinators" group's permissions (given
with the role, accounts.services_roles); what they see is limited to their scope
(accounts.permissions). Another scope's object answers 404, like one that does not
exist. Role changes go through the role services, which write the audit log.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts import services_roles
from accounts.models import (
    AuditEntry,
    CoordinatorRole,
    Municipality,
    Neighbourhood,
    Partner,
    Postcode,
    Region,
    User,
    WorkerAssignment,
)
from accounts.permissions import (
    coordinator_scope,
    municipalities_in_scope,
    neighbourhoods_in_scope,
    partners_in_scope,
    regions_in_scope,
    users_in_scope,
)

# The related models a form may offer, each limited to what the coordinator runs.
SCOPED_CHOICES = {
    Region: regions_in_scope,
    Municipality: municipalities_in_scope,
    Neighbourhood: neighbourhoods_in_scope,
    Partner: partners_in_scope,
}


class ScopedAdmin(admin.ModelAdmin):
    """An admin whose lists, forms and objects stay inside the coordinator's scope.

    Subclasses say which rows are in scope (`in_scope`); the model permissions are
    Django's own (the Coordinators group's)."""

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self, request) -> QuerySet:
        return self.in_scope(request, super().get_queryset(request))

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "perhaps it was deleted"; we answer 404 for
        # a missing object and for one outside the scope alike.
        raise Http404

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **_scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **_scoped_choices(db_field, request, kwargs))


def _scoped_choices(db_field, request, kwargs: dict) -> dict:
    scope = SCOPED_CHOICES.get(db_field.related_model)
    if scope is not None and "queryset" not in kwargs:
        kwargs["queryset"] = scope(request.user)
    return kwargs


class ReadOnlyScopedAdmin(ScopedAdmin):
    """Coordinators read here; changes go through the pages and services that hold the rules."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ScopedInlineMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **_scoped_choices(db_field, request, kwargs))


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["name", "slug", "require_two_factor"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=coordinator_scope(request.user).region_ids)

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser  # a region is a new installation's working area


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    list_display = ["name", "cbs_code", "region", "require_two_factor"]
    list_filter = ["region"]
    search_fields = ["name", "cbs_code"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=coordinator_scope(request.user).municipality_ids)

    def has_add_permission(self, request) -> bool:
        # Only a coordinator of a whole region adds a municipality to it.
        return super().has_add_permission(request) and bool(coordinator_scope(request.user).region_ids)


class PostcodeInline(admin.TabularInline):
    model = Postcode
    extra = 3


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ScopedAdmin):
    list_display = ["name", "slug", "municipality", "first_post_approval", "created_at"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    search_fields = ["name", "slug", "postcodes__digits"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [PostcodeInline]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=coordinator_scope(request.user).neighbourhood_ids)


class PartnerForm(forms.ModelForm):
    webhook_url = forms.URLField(label=_("webhook URL"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = [
            "name",
            "slug",
            "kind",
            "region",
            "municipality",
            "ack_window_minutes",
            "webhook_url",
            "webhook_secret",
        ]

    def clean(self) -> dict:
        data = super().clean()
        region, municipality = data.get("region"), data.get("municipality")
        if region and municipality and municipality.region_id != region.pk:
            self.add_error("municipality", _("This municipality is not part of the region."))
        return data


class PartnerAdmin(ScopedAdmin):
    """Registered by ads.admin, which adds the coverage (the ladder's pairs) to the page."""

    form = PartnerForm
    list_display = ["name", "kind", "municipality", "region", "ack_window_minutes"]
    list_filter = ["kind", "municipality"]
    list_select_related = ["municipality", "region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(pk__in=partners_in_scope(request.user).values("pk"))


class WorkerAssignmentInline(ScopedInlineMixin, admin.TabularInline):
    model = WorkerAssignment
    fk_name = "user"
    fields = ["neighbourhood", "organisation"]
    extra = 0
    verbose_name = _("works in neighbourhood")
    verbose_name_plural = _("neighbourhood worker in")


class CoordinatorRoleInline(ScopedInlineMixin, admin.TabularInline):
    model = CoordinatorRole
    fields = ["municipality", "region"]
    extra = 0
    verbose_name = _("coordinates")
    verbose_name_plural = _("coordinator of")


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "display_name"]


class UserChangeFormWithEmail(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RoleFormsetsMixin:
    """Inline role rows (worker assignments, coordinator roles) are saved through the
    role services, so each change is audited with who made it."""

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model not in (WorkerAssignment, CoordinatorRole):
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _role_remove(obj, actor=request.user)
        for obj in instances:
            _role_save(obj, actor=request.user)
        formset.save_m2m()
        return None


def _role_save(obj, *, actor: User) -> None:
    if obj.pk is not None:
        # Who and where is the role itself: to change that, end it and give another.
        if isinstance(obj, WorkerAssignment):
            services_roles.worker_organisation_set(assignment=obj, organisation=obj.organisation)
        return
    if isinstance(obj, CoordinatorRole):
        saved = services_roles.coordinator_grant(
            user=obj.user, municipality=obj.municipality, region=obj.region, actor=actor
        )
    else:
        saved = services_roles.worker_assign(
            user=obj.user, neighbourhood=obj.neighbourhood, organisation=obj.organisation, actor=actor
        )
    obj.pk, obj._state.adding = saved.pk, False  # the admin links to and logs the saved row


def _role_remove(obj, *, actor: User) -> None:
    if isinstance(obj, CoordinatorRole):
        services_roles.coordinator_revoke(role=obj, actor=actor)
    else:
        services_roles.worker_unassign(assignment=obj, actor=actor)


@admin.register(User)
class UserAdmin(RoleFormsetsMixin, DjangoUserAdmin):
    """Email login; the email may stay empty for a resident who is not online (such an
    account cannot log in). Roles: partner staff, admin access, the neighbourhoods
    someone works in and the places they coordinate (below)."""

    form = UserChangeFormWithEmail
    add_form = UserCreationForm
    fieldsets = [
        (None, {"fields": ["email", "password", "email_confirmed_at"]}),
        (_("Profile"), {"fields": ["display_name", "phone", "street", "postcode", "neighbourhood", "language"]}),
        (_("Roles"), {"fields": ["partner", "is_staff", "is_active", "is_superuser"]}),
        (_("Admin permissions"), {"fields": ["groups", "user_permissions"], "classes": ["collapse"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "display_name", "usable_password", "password1", "password2"]}),
    ]
    list_display = ["display_name", "email", "neighbourhood", "partner", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "partner", "neighbourhood"]
    list_select_related = ["neighbourhood", "partner"]
    search_fields = ["email", "display_name"]
    ordering = ["display_name", "pk"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [WorkerAssignmentInline, CoordinatorRoleInline]

    def get_queryset(self, request) -> QuerySet:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        # Nor can a coordinator edit (or set the password of) a superuser.
        return users.filter(pk__in=users_in_scope(request.user).values("pk")).exclude(is_superuser=True)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def get_readonly_fields(self, request, obj=None) -> list:
        # A coordinator manages roles, but cannot hand out superuser rights or raw permissions.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **_scoped_choices(db_field, request, kwargs))

    def save_model(self, request, obj: User, form, change: bool) -> None:
        """Profile fields are saved as usual; role fields through the role services."""
        if not change:
            return super().save_model(request, obj, form, change)
        before = User.objects.get(pk=obj.pk)
        partner, is_staff, is_superuser = obj.partner, obj.is_staff, obj.is_superuser
        obj.partner, obj.is_staff, obj.is_superuser = before.partner, before.is_staff, before.is_superuser
        super().save_model(request, obj, form, change)
        services_roles.partner_staff_set(user=obj, partner=partner, actor=request.user)
        superuser = is_superuser if request.user.is_superuser else None
        services_roles.admin_access_set(user=obj, is_staff=is_staff, is_superuser=superuser, actor=request.user)
        return None


@admin.register(WorkerAssignment)
class WorkerAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "neighbourhood", "organisation", "created_at"]
    fields = ["user", "neighbourhood", "organisation", "created_at"]
    readonly_fields = ["created_at"]
    list_filter = ["neighbourhood"]
    search_fields = ["user__email", "user__display_name", "organisation"]
    list_select_related = ["user", "neighbourhood"]
    autocomplete_fields = ["user"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        return queryset.filter(neighbourhood_id__in=coordinator_scope(request.user).neighbourhood_ids)

    def get_readonly_fields(self, request, obj=None) -> list:
        # Who and where is the role itself: to change it, end it and assign anew.
        return ["user", "neighbourhood", "created_at"] if obj else ["created_at"]

    def save_model(self, request, obj: WorkerAssignment, form, change: bool) -> None:
        _role_save(obj, actor=request.user)

    def delete_model(self, request, obj: WorkerAssignment) -> None:
        _role_remove(obj, actor=request.user)

    def delete_queryset(self, request, queryset: QuerySet) -> None:
        for obj in queryset:
            _role_remove(obj, actor=request.user)


@admin.register(CoordinatorRole)
class CoordinatorRoleAdmin(WorkerAssignmentAdmin):
    list_display = ["user", "municipality", "region", "created_at"]
    fields = ["user", "municipality", "region", "created_at"]
    list_filter = ["municipality", "region"]
    search_fields = ["user__email", "user__display_name"]
    list_select_related = ["user", "municipality", "region"]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        scope = coordinator_scope(request.user)
        return queryset.filter(municipality_id__in=scope.municipality_ids) | queryset.filter(
            region_id__in=scope.region_ids
        )

    def get_readonly_fields(self, request, obj=None) -> list:
        return ["user", "municipality", "region", "created_at"] if obj else ["created_at"]

    def save_model(self, request, obj: CoordinatorRole, form, change: bool) -> None:
        if not change:
            _role_save(obj, actor=request.user)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyScopedAdmin):
    """The audit log, for coordinators to read: what happened in their neighbourhoods,
    and to the people they manage. Nobody adds, changes or deletes here."""

    list_display = ["created_at", "action", "actor", "neighbourhood", "target_type", "target_id", "subject"]
    list_filter = ["action", "neighbourhood"]
    search_fields = ["action", "target_type"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "neighbourhood", "subject"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def in_scope(self, request, queryset: QuerySet) -> QuerySet:
        if request.user.is_superuser:
            return queryset
        scope = coordinator_scope(request.user)
        people = users_in_scope(request.user).values("pk")
        return queryset.filter(neighbourhood_id__in=scope.neighbourhood_ids) | queryset.filter(
            neighbourhood__isnull=True, subject_id__in=people
        )

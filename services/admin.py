from django.contrib import admin
from django.db.models import Count

from .models import ApiKey, Invite, Organisation, Service, ServiceUser, Template

TIMESTAMPS = ["created_at", "updated_at"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "service_count", "created_at"]
    search_fields = ["name"]
    readonly_fields = TIMESTAMPS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_count=Count("services"))

    @admin.display(ordering="service_count", description="services")
    def service_count(self, organisation):
        return organisation.service_count


class ServiceUserInline(admin.TabularInline):
    model = ServiceUser
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = TIMESTAMPS


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "active", "restricted", "count_as_live", "go_live_at", "created_at"]
    list_filter = ["active", "restricted", "count_as_live", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "created_by"]
    readonly_fields = TIMESTAMPS
    inlines = [ServiceUserInline]


@admin.register(ServiceUser)
class ServiceUserAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "service",
        "manage_service",
        "view_activity",
        "send_messages",
        "manage_templates",
        "manage_api_keys",
    ]
    list_select_related = ["user", "service"]
    list_filter = ["manage_service", "send_messages", "manage_api_keys"]
    search_fields = ["user__email", "user__name", "service__name"]
    autocomplete_fields = ["user", "service"]
    readonly_fields = TIMESTAMPS


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "template_type", "archived", "updated_at"]
    list_filter = ["template_type", "archived"]
    list_select_related = ["service"]
    search_fields = ["name", "service__name", "subject"]
    autocomplete_fields = ["service", "created_by"]
    readonly_fields = TIMESTAMPS


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "key_type", "expiry_date", "created_at"]
    list_filter = ["key_type"]
    list_select_related = ["service"]
    search_fields = ["name", "service__name"]
    autocomplete_fields = ["service", "created_by"]
    # The secret's hash is never shown, and keys are created through the service pages.
    exclude = ["secret_hash"]
    readonly_fields = TIMESTAMPS

    def has_add_permission(self, request):
        return False


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["email", "service", "status", "invited_by", "created_at", "accepted_at"]
    list_filter = ["status"]
    list_select_related = ["service", "invited_by"]
    search_fields = ["email", "service__name"]
    autocomplete_fields = ["service", "invited_by", "accepted_by"]
    # Invites are sent from the team page, which emails the link; the token exists only there.
    exclude = ["token_hash"]
    readonly_fields = TIMESTAMPS

    def has_add_permission(self, request):
        return False

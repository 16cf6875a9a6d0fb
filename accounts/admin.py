from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import User, VerifyCode


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = AdminUserCreationForm
    form = AdminUserChangeForm
    ordering = ["name"]
    list_display = ["email", "name", "auth_type", "is_staff", "is_active", "failed_login_count", "last_login"]
    list_filter = ["is_staff", "is_active", "auth_type"]
    search_fields = ["email", "name", "mobile_number"]
    readonly_fields = ["created_at", "updated_at", "last_login", "password_changed_at", "email_verified_at"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Details", {"fields": ["name", "mobile_number", "auth_type"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "failed_login_count"]}),
        ("Dates", {"fields": ["last_login", "email_verified_at", "password_changed_at", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "mobile_number", "usable_password", "password1", "password2"],
            },
        ),
    ]
    filter_horizontal = []


@admin.register(VerifyCode)
class VerifyCodeAdmin(admin.ModelAdmin):
    # For support: see whether codes were sent, used or left to expire. The hash stays hidden.
    list_display = ["user", "code_type", "created_at", "expires_at", "used_at"]
    list_filter = ["code_type"]
    list_select_related = ["user"]
    search_fields = ["=user__email"]
    fields = ["user", "code_type", "created_at", "expires_at", "used_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from .models import DevSmsMessage, Job, Notification


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "original_file_name",
        "service",
        "template",
        "job_status",
        "notification_count",
        "scheduled_for",
        "created_at",
    ]
    list_filter = ["job_status", "created_at"]
    list_select_related = ["service", "template"]
    search_fields = ["original_file_name", "service__name", "=id"]
    raw_id_fields = ["service", "template", "created_by"]
    readonly_fields = ["created_at", "updated_at", "processing_started", "processing_finished", "file_hash"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["to", "notification_type", "status", "service", "template", "key_type", "created_at", "sent_at"]
    list_filter = ["notification_type", "status", "key_type"]
    list_select_related = ["service", "template"]
    # Exact matches only: a substring search over millions of rows would time out.
    search_fields = ["=normalised_to", "=to", "=client_reference", "=id"]
    raw_id_fields = ["service", "template", "job", "api_key", "created_by"]
    readonly_fields = ["created_at", "updated_at", "sent_at"]
    show_full_result_count = False


@admin.register(DevSmsMessage)
class DevSmsMessageAdmin(admin.ModelAdmin):
    # A record of what the dev provider "sent": read-only, so it stays a faithful log.
    list_display = ["created_at", "to", "content", "reference"]
    search_fields = ["=to", "=reference"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

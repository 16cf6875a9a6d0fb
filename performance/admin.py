from django.contrib import admin

from .models import FactDailyTotal, FactNotificationStatus, FactProcessingTime, NightlyJobRun


class ReadOnlyFactAdmin(admin.ModelAdmin):
    """Facts are rebuilt by the nightly jobs; editing a row by hand would be overwritten."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(FactNotificationStatus)
class FactNotificationStatusAdmin(ReadOnlyFactAdmin):
    list_display = [
        "bst_date",
        "notification_type",
        "notification_status",
        "key_type",
        "notification_count",
        "service_id",
    ]
    list_filter = ["notification_type", "notification_status", "key_type"]
    search_fields = ["=service_id", "=template_id", "=job_id"]
    date_hierarchy = "bst_date"
    show_full_result_count = False


@admin.register(FactProcessingTime)
class FactProcessingTimeAdmin(ReadOnlyFactAdmin):
    list_display = ["bst_date", "messages_total", "messages_within_10_secs", "percentage"]
    date_hierarchy = "bst_date"

    @admin.display(description="% within 10 seconds")
    def percentage(self, fact):
        return f"{fact.percentage_under_10_seconds:.2f}%"


@admin.register(FactDailyTotal)
class FactDailyTotalAdmin(ReadOnlyFactAdmin):
    list_display = ["bst_date", "notification_type", "notification_count", "updated_at"]
    list_filter = ["notification_type"]
    date_hierarchy = "bst_date"


@admin.register(NightlyJobRun)
class NightlyJobRunAdmin(ReadOnlyFactAdmin):
    list_display = ["job_name", "bst_date", "finished_at"]
    list_filter = ["job_name"]
    date_hierarchy = "bst_date"

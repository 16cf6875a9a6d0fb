from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .charts import messages_per_day_chart
from .queries import WINDOW_DAYS, performance_stats


@require_GET
def performance(request):
    stats = performance_stats()
    return render(
        request,
        "performance/performance.html",
        {
            "stats": stats,
            "window_days": WINDOW_DAYS,
            "chart": messages_per_day_chart(stats["notifications_by_type"]),
            # The tables read newest first; the chart reads left to right, oldest first.
            "days_newest_first": stats["notifications_by_type"][::-1],
            "processing_newest_first": stats["processing_time"][::-1],
        },
    )


@require_GET
def performance_json(request):
    return JsonResponse(performance_stats())

"""``{% load plan_tasks %}{% county_overdue_tasks county %}``: the county's overdue plan tasks,
shown on the supervision monthly report page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from eduplan.tasks.models import OPEN_TASK_STATES, CountyTask

register = template.Library()


@register.inclusion_tag("tasks/_report_tasks.html")
def county_overdue_tasks(county: Any) -> dict[str, Any]:
    today = timezone.localdate()
    qs = CountyTask.objects.filter(county=county, state__in=OPEN_TASK_STATES, deadline__lt=today).order_by(
        "deadline", "pk"
    )
    return {
        "overdue_tasks": [
            {
                "id": t.pk,
                "clause": t.clause,
                "title": t.title_zh,
                "deadline": t.deadline,
                "days_overdue": t.days_overdue(today),
                "percent": t.percent,
            }
            for t in qs
        ]
    }

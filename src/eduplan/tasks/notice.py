"""Overdue plan tasks in the monthly notice (通报, 月报制和通报制; 通报批评).

One of the notice's parts (``eduplan.common.noticeparts``, registered by ``TasksConfig.ready``): its rows, a paragraph in
section 四 (问题整改情况) and an annex table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eduplan.plans.assumptions import pending_tasks

from .models import OPEN_TASK_STATES, CountyTask, TaskLevel

KEY = "overdue_tasks"
SECTION = 4  # 问题整改情况
ANNEX_TITLE = "逾期未完成计划任务清单"
SHEET = "overdue tasks"
HEADERS = ["县(市、区)", "条款", "任务", "牵头单位", "完成期限", "逾期天数", "完成比例", "督办层级"]


def collect(city: Any, as_of: dt.date, records: Any = None) -> list[dict[str, Any]]:
    """Every open task of the city's counties past its deadline on ``as_of``, by county."""
    qs = (
        CountyTask.objects.filter(county__city=city, state__in=OPEN_TASK_STATES, deadline__lt=as_of)
        .select_related("county", "plan_task")
        .order_by("county__code", "deadline", "pk")
    )
    held = pending_tasks()
    return [
        {
            "id": t.pk,
            "county": t.county.code,
            "county_name": t.county.name,
            "clause": t.clause,
            "title": t.title_zh,
            "lead": t.lead,
            "deadline": t.deadline,
            "days_overdue": t.days_overdue(as_of),
            "percent": t.percent,
            "level": t.level,
            # The deadline is an unconfirmed assumption: shown, never escalated.
            "basis_pending": t.plan_task is not None and t.plan_task.code in held,
        }
        for t in qs
    ]


def paragraph(lines: list[dict[str, Any]], annex: str) -> str:
    """Overdue plan tasks per county (or that there are none)."""
    if not lines:
        return "本期无逾期未完成的计划任务。"
    per_county: dict[str, int] = {}
    for line in lines:
        per_county[line["county_name"]] = per_county.get(line["county_name"], 0) + 1
    city_level = sum(1 for line in lines if line["level"] == TaskLevel.CITY)
    held = sum(1 for line in lines if line.get("basis_pending"))
    held_text = f",完成期限依据待确认{held}项不予督办" if held else ""
    return (
        f"逾期未完成计划任务{len(lines)}项(其中市级督办{city_level}项{held_text}):"
        + ",".join(f"{k}{v}项" for k, v in per_county.items())
        + f"。清单见{annex}。"
    )


def cells(line: dict[str, Any]) -> list[str]:
    return [
        line["county_name"],
        line["clause"],
        line["title"][:60],
        line["lead"],
        f"{line['deadline']:%Y-%m-%d}",
        str(line["days_overdue"]),
        f"{line['percent']}%",
        "市级"
        if line["level"] == TaskLevel.CITY
        else ("县级(依据待确认)" if line.get("basis_pending") else "县级"),
    ]

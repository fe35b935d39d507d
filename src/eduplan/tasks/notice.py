"""Overdue plan tasks in the monthly notice (通报, PRE-5.4 月报制和通报制; HS-3.3 通报批评).

``eduplan.supervision.notices`` calls :func:`overdue_task_lines` while collecting the notice's
data, :func:`write_notice_paragraph` in its section 四 (问题整改情况) and :func:`write_notice_annex`
after its last annex table, so the notice's own code changes by three calls only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eduplan.plans.coverage import implements

from .models import OPEN_TASK_STATES, CountyTask, TaskLevel

implements("report", "notice_overdue_tasks", ["PRE-5.4", "HS-3.3"])


def overdue_task_lines(city: Any, as_of: dt.date) -> list[dict[str, Any]]:
    """Every open task of the city's counties past its deadline on ``as_of``, by county."""
    qs = (
        CountyTask.objects.filter(county__city=city, state__in=OPEN_TASK_STATES, deadline__lt=as_of)
        .select_related("county")
        .order_by("county__code", "deadline", "pk")
    )
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
        }
        for t in qs
    ]


def _lines(data: Any) -> list[dict[str, Any]]:
    return list(getattr(data, "overdue_tasks", None) or [])


def write_notice_paragraph(w: Any, data: Any) -> None:
    """One paragraph: overdue plan tasks per county (or that there are none)."""
    lines = _lines(data)
    if not lines:
        w.para("本期无逾期未完成的计划任务。")
        return
    per_county: dict[str, int] = {}
    for line in lines:
        per_county[line["county_name"]] = per_county.get(line["county_name"], 0) + 1
    city_level = sum(1 for line in lines if line["level"] == TaskLevel.CITY)
    w.para(
        f"逾期未完成计划任务{len(lines)}项(其中市级督办{city_level}项):"
        + ",".join(f"{k}{v}项" for k, v in per_county.items())
        + "。清单见附表4。"
    )


def write_notice_annex(w: Any, data: Any) -> None:
    """Annex table 4: the overdue tasks, one row each."""
    lines = _lines(data)
    w.annex_title("附表4", "逾期未完成计划任务清单")
    if not lines:
        w.para("无。", indent=False)
        return
    w.table(
        ["县(市、区)", "条款", "任务", "牵头单位", "完成期限", "逾期天数", "完成比例", "督办层级"],
        [
            [
                line["county_name"],
                line["clause"],
                line["title"][:60],
                line["lead"],
                f"{line['deadline']:%Y-%m-%d}",
                str(line["days_overdue"]),
                f"{line['percent']}%",
                "市级" if line["level"] == TaskLevel.CITY else "县级",
            ]
            for line in lines
        ],
        size=9,
    )

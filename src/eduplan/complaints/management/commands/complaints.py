"""``eduplan complaints``: the complaint channel's daily job and figures.

    eduplan complaints daily [--today 2025-06-30]     # escalate overdue complaints, delete old contacts
    eduplan complaints stats [--year 2025] [--format json]
    eduplan complaints overdue [--format csv --out overdue.csv]

Run ``daily`` from cron next to ``eduplan remind``::

    5 7 * * *  cd /srv/eduplan && .venv/bin/eduplan complaints daily
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.complaints.actions import escalate_overdue_complaints, purge_expired_contacts
from eduplan.complaints.models import Complaint, ComplaintStatus
from eduplan.complaints.queries import complaint_statistics
from eduplan.output import FORMATS, OutputError, write_records
from eduplan.registry.queries import listed_counties

STATS_HEADERS = {
    "code": "代码 code",
    "name": "县(市、区) county",
    "received": "受理 received",
    "answered": "已答复 answered",
    "on_time": "按期答复 on time",
    "on_time_share": "按期率% on-time share",
    "average_days": "平均天数 average days",
    "open": "待答复 open",
    "overdue": "逾期 overdue",
}
OVERDUE_HEADERS = {
    "reference": "编号 reference",
    "county": "县 county",
    "kindergarten": "幼儿园 kindergarten",
    "category": "类别 category",
    "received_on": "受理 received",
    "deadline": "期限 deadline",
    "days_overdue": "逾期天数 days overdue",
    "escalated": "市级督办 escalated",
}


class Command(BaseCommand):
    help = "家长投诉 Complaints: daily job (escalate overdue, delete old contacts), statistics, overdue list"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["daily", "stats", "overdue"])
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--year", type=int, help="stats: complaints received in this year only")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--out", help="write to this file")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            today = dt.date.fromisoformat(o["today"]) if o.get("today") else dt.date.today()
        except ValueError as exc:
            raise CommandError(
                f"日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD: {o['today']!r}"
            ) from exc
        if o["action"] == "daily":
            escalated = escalate_overdue_complaints(today)
            purged = purge_expired_contacts(today)
            self.stdout.write(
                f"升级市级督办 escalated to the city: {len(escalated)}; "
                f"删除过期联系方式 contacts deleted: {purged}\n"
            )
            return
        if o["action"] == "stats":
            stats = complaint_statistics(listed_counties(), year=o.get("year"), today=today)
            rows, headers, title = [*stats["rows"], stats["total"]], STATS_HEADERS, "投诉办理统计 complaints"
        else:
            qs = (
                Complaint.objects.filter(status=ComplaintStatus.RECEIVED, deadline__lt=today)
                .select_related("kindergarten", "kindergarten__county")
                .order_by("deadline", "pk")
            )
            rows = [
                {
                    "reference": c.reference,
                    "county": c.kindergarten.county.name,
                    "kindergarten": c.kindergarten.name,
                    "category": c.category,
                    "received_on": c.received_on,
                    "deadline": c.deadline,
                    "days_overdue": (today - c.deadline).days,
                    "escalated": c.escalated,
                }
                for c in qs
            ]
            headers, title = OVERDUE_HEADERS, f"逾期未答复投诉 overdue complaints ({today})"
        try:
            write_records(
                rows,
                o["format"],
                o.get("out"),
                columns=list(headers),
                headers=headers,
                title=title,
                stream=cast(TextIO, self.stdout),
            )
        except OutputError as exc:
            raise CommandError(str(exc)) from exc

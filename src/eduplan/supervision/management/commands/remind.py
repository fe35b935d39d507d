"""``eduplan remind``: the daily job (cron) listing each user's upcoming and missed deadlines
(monthly reports, rectification orders, verifications, approvals). With ``--escalate`` it first
raises overdue rectification orders from county to city tracking.

Example crontab line (07:00 every day)::

    0 7 * * *  cd /srv/eduplan && .venv/bin/eduplan remind --escalate --format json --out /var/log/eduplan/todo.json
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TextIO, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from eduplan.common.todos import todos_for
from eduplan.output import FORMATS, OutputError, write_records
from eduplan.supervision.rectification import escalate_overdue_orders

HEADERS = {
    "user": "用户 user",
    "role": "角色 role",
    "due_on": "期限 due",
    "days_left": "剩余天数 days left",
    "overdue": "已逾期 overdue",
    "title_zh": "事项 to do",
    "title_en": "to do (English)",
    "kind": "类型 kind",
    "url": "链接 link",
}


class Command(BaseCommand):
    help = "每日提醒 Daily reminders: upcoming and missed deadlines per user (run from cron)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--user", help="only this username")
        parser.add_argument(
            "--escalate", action="store_true", help="first escalate overdue orders to the city"
        )
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--out", help="write to this file")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            today = dt.date.fromisoformat(o["today"]) if o.get("today") else dt.date.today()
        except ValueError as exc:
            raise CommandError(
                f"日期格式应为 YYYY-MM-DD / a date is written YYYY-MM-DD: {o['today']!r}"
            ) from exc
        if o["escalate"]:
            done = escalate_overdue_orders(today)
            self.stderr.write(f"升级市级督办 escalated to the city: {len(done)}")
        users = get_user_model().objects.filter(is_active=True).select_related("profile").order_by("username")
        if o.get("user"):
            users = users.filter(username=o["user"])
            if not users.exists():
                raise CommandError(f"找不到用户 {o['user']} / no such user")
        rows = []
        for user in users:
            profile = getattr(user, "profile", None)
            if profile is None and not user.is_superuser:
                continue
            role = "superuser" if user.is_superuser or profile is None else profile.role
            for item in todos_for(user, today):
                rows.append({"user": user.get_username(), "role": role, **item.as_dict()})
        try:
            write_records(
                rows,
                o["format"],
                o.get("out"),
                columns=["user", "role", "due_on", "days_left", "overdue", "title_zh", "kind", "url"]
                if o["format"] == "table"
                else None,
                headers=HEADERS,
                title=f"待办事项 to do ({today})",
                stream=cast(TextIO, self.stdout),
            )
        except OutputError as exc:
            raise CommandError(str(exc)) from exc

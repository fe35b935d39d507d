"""``eduplan plan assumptions [--format table|json] [--confirm ID [--value V] --reason TEXT --user
NAME]``: the assumptions register — every value a verdict rests on that the plan does not state,
who confirmed it and when; ``--confirm`` confirms one (or sets the city's own value)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from eduplan.output import write_records
from eduplan.plans import assumptions


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--format", default="table", choices=("table", "json"), help="输出格式 output format")
    parser.add_argument("--confirm", metavar="ID", help="确认的假设 the assumption to confirm")
    parser.add_argument(
        "--value", help="城市自定的取值 the city's own value (default: keep the value in force)"
    )
    parser.add_argument("--reason", default="", help="理由 why (required with --confirm)")
    parser.add_argument(
        "--user", default="", help="确认人 who confirms: a username, or a name when there is no account"
    )


def handle(options: dict[str, Any], stdout) -> None:
    if options.get("confirm"):
        user = get_user_model().objects.filter(username=options.get("user") or "").first()
        try:
            assumptions.confirm(
                options["confirm"],
                value=options.get("value"),
                reason=options.get("reason") or "",
                user=user,
                user_name="" if user is not None else options.get("user") or "",
            )
        except ValidationError as exc:
            raise ValueError("; ".join(exc.messages)) from exc
    rows = [s.as_dict() for s in assumptions.states()]
    if options.get("format") == "json":
        write_records(rows, "json", stream=stdout)
        return
    write_records(
        [
            {
                "id": r["id"],
                "value": str(r["value"]),
                "used_by": ", ".join(r["used_by"]),
                "confirmed": f"{r['confirmed_by']} {r['confirmed_at'][:10]}"
                if r["confirmed"]
                else assumptions.PENDING_ZH,
            }
            for r in rows
        ],
        "table",
        stream=stdout,
        headers={
            "id": "假设 assumption",
            "value": "取值 value",
            "used_by": "用于 used by",
            "confirmed": "确认 confirmed",
        },
        title="假设清单 Assumptions",
    )

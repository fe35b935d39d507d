"""The assumptions in the monthly notice (通报): criticism held while its rule is unconfirmed, and
an annex listing every assumption in force with who confirmed it.

One of the notice's parts (``eduplan.supervision.notices.NOTICE_PARTS``): a paragraph in section 五
(通报批评) and an annex table. :func:`hold_criticism` is called by the notice itself: while the
criticism rule rests on an unconfirmed assumption, no county is criticised; the counties the rule
would name are listed as 依据待确认 instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eduplan.plans.assumptions import PENDING_ZH, pending_for, states

KEY = "assumptions"
SECTION = 5  # 通报批评
ANNEX_TITLE = "本通报所依据的假设及确认情况"
SHEET = "assumptions"
HEADERS = ["假设", "取值", "理由", "用于", "确认情况"]
CHECK = "report:monthly_notice"


def hold_criticism(criticised: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(held, criticised)``: everything held while the criticism rule is unconfirmed."""
    if criticised and pending_for(CHECK):
        return criticised, []
    return [], criticised


def held_paragraph(held: list[dict[str, Any]]) -> str:
    names = "、".join(c["county_name"] for c in held)
    return f"以下县(市、区)符合通报条件,但通报规则尚未经市级确认({PENDING_ZH}),本期不予通报批评:{names}。"


def collect(city: Any, as_of: dt.date, records: Any = None) -> list[dict[str, Any]]:
    """Every assumption of the plan in force, with its value and confirmation."""
    return [s.as_dict() for s in states()]


def paragraph(rows: list[dict[str, Any]], annex: str) -> str:
    if not rows:
        return "本通报不依据任何假设。"
    pending = sum(1 for r in rows if not r["confirmed"])
    return (
        f"本通报所依据的{len(rows)}项假设(规划未明确规定的数值和日期)及其确认情况见{annex};"
        f"其中{pending}项{PENDING_ZH},所涉事项不予督办、不予通报批评、不提出取缔。"
    )


def cells(row: dict[str, Any]) -> list[str]:
    confirmed = (
        f"{row['confirmed_by']} {str(row['confirmed_at'])[:10]} 确认" if row["confirmed"] else PENDING_ZH
    )
    return [
        row["id"],
        str(row["value"]),
        str(row["reason"]).split(" / ")[0][:60],
        "、".join(row["used_by"])[:60],
        confirmed,
    ]

"""What the planning pages show, assembled from :mod:`eduplan.planning.runs`.

The tools' pages (``projection/page.py``, ``gaps/page.py``, ``allocation/page.py``,
``siting/page.py``) build their context from the same run functions as the ``eduplan plan …``
commands, so a page and the CLI never disagree. Each page gives a chart's data (for Plotly) and the
same numbers as table rows, so the page stays useful without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from eduplan.accounts import permissions
from eduplan.accounts.scoping import scope
from eduplan.registry.models import Division

LABELS = {
    "male": "男 male",
    "female": "女 female",
    "people": "人数 people",
    "children": "幼儿 children",
    "age": "年龄 age",
    "year": "年份 year",
    "demand": "需求 demand",
    "seats": "学位 seats",
    "last_rate": "上年入园率 last year's rate",
    "target": "目标 target",
}


def may_use_planning(user: Any) -> bool:
    """City officers (every county of their city) and county officers (their own county) plan;
    everyone else is refused (ARCHITECTURE.md, users)."""
    return permissions.may_plan(user)


def visible_counties(user: Any) -> QuerySet[Division]:
    return scope(user, Division.objects.counties().filter(valid_to__isnull=True)).order_by("code")


def pick(codes: list[str], wanted: str | None) -> int:
    """The index of the county asked for in the query string, else the first."""
    return codes.index(wanted) if wanted in codes else 0


def int_param(value: Any) -> int | None:
    """A query-string number, or None when absent or not a number (the page then uses its default)."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def float_param(value: Any) -> float | None:
    """A query-string decimal, or None when absent or not a number."""
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


#: Command-line options a planning error may name, and the form field a page user knows them by.
FIELD_NAMES: dict[str, str] = {
    "--p": "「开设幼儿园数」",
    "--year": "「学年」",
    "--county": "「县」",
    "--target": "「全市目标」",
    "--method": "「分解方法」",
    "--radius": "「服务半径」",
    "--keep-existing": "「现有园保留」",
    "--uncapacitated": "「不限学位」",
    "--series": "「逐年出生人口」",
    "--births": "「出生情景」",
    "--to": "「预测到」",
    "--kind": "「数据类别」",
}
_OPTION = re.compile(
    r"(?P<command>eduplan(?:\s+[^\s/,;:。，；()]+)+)"  # a whole command to run is kept as it is
    r"|(?<![\w-])(?P<option>--[a-z][a-z-]*)(?:\s+(?:N|Y|T|FILE(?:\.\w+)?))?"
)


def plain_error(message: str) -> str:
    """A planning error as a page shows it: command-line options (``--p N``) replaced by the name of
    the form field the planner filled in — a page user has no command line. A whole command the
    page offers for a problem too large for it (``eduplan plan site --county …``) is kept. The
    cores raise one message for the command and the page; only the page rewrites it."""
    return _OPTION.sub(lambda m: m.group("command") or FIELD_NAMES.get(m.group("option"), "参数"), message)
